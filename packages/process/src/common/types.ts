// Shared shapes of the Process API, identical on every runtime.

export type Runtime = "node" | "deno" | "bun";

export interface ProcessOptions {
  /** URL of the module that exports `target` (in a scenario or demo: `import.meta.url`). */
  module: string;
  /** Name of the exported function the child runs, like Python's `target=worker`. */
  target: string;
  /** Arguments, like `args=(lock, value)`. Primitives travel as handles (see handles.ts). */
  args?: unknown[];
  /** A readable name for reports ("worker-2"); defaults to the target and a number. */
  name?: string;
}

/** A message on a primitive's private, tagged channel between parent and one child. */
export interface Channel {
  send(msg: unknown, handle?: unknown): void;
  /** Subscribe; returns an unsubscribe function. */
  onMessage(listener: (msg: unknown, handle?: unknown) => void): () => void;
}

/** The common surface of every backend's Process (Python: multiprocessing.Process). */
export interface ProcessLike {
  readonly name: string;
  /** Our id for the child, stable across runtimes ("w1", "w2", ...). */
  readonly id: string;
  /** OS pid (Node, Bun); the parent's pid for a Deno worker. */
  readonly pid: number | undefined;
  /** null while running; the exit status after; -9 when killed (Python's -SIGKILL). */
  readonly exitCode: number | null;
  /** The value the target returned (a workshop convenience; Python's Process has none). */
  readonly result: unknown;
  /** True once the target function returned and its result arrived: exiting alone is not finishing. */
  readonly finished: boolean;
  /** The error the target threw, if any (`name` "Failure": a scenario's own fail() in the worker). */
  readonly error: { name?: string; message: string; stack?: string } | undefined;
  start(): Promise<void>;
  /** Resolves with the exit code, or null if it was still running after timeoutMs. */
  join(opts?: { timeoutMs?: number }): Promise<number | null>;
  kill(): void;
  /** Tell the child something; it waits for it with `waitForParent(what)`. */
  notify(what: string): Promise<void>;
  /** Wait for the child to call `signalParent(what)`. */
  waitFor(what: string, opts?: { timeoutMs?: number }): Promise<void>;
}
