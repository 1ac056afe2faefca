// Deno backend: every Process is a Web Worker — one OS process, many isolates. Workers share
// memory only through SharedArrayBuffer and talk through postMessage (which can transfer ports).
// A worker has no pid or exit status of its own, so both are synthesised here.
import { type ControlMessage, ProcessBase } from "../common/process-base.ts";

export * from "../common/api.ts";
export const runtime = "deno" as const;

const CHILD_ENTRY = new URL("./child.ts", import.meta.url);
let workers = 1; // the main thread is 1 (see identity.ts)

/** Workers started ahead of need (prestart). */
const prestarted: Worker[] = [];

/**
 * Start `count` workers now, while nothing waits for them, each importing `preload` (the module
 * its target will come from): the next Process.start() takes one.
 */
export function prestart(count: number, preload?: string): void {
  for (let i = 0; i < count; i++) {
    const worker = prestarted.shift() ?? new Worker(CHILD_ENTRY, { type: "module" });
    if (preload) worker.postMessage({ t: "preload", module: preload } satisfies ControlMessage);
    prestarted.push(worker);
  }
}

export class Process extends ProcessBase {
  private worker: Worker | undefined;
  private readonly num = ++workers;

  get pid(): number | undefined {
    return Deno.pid;
  }

  protected childNumber(): number {
    return this.num;
  }

  protected spawnChild(): Promise<Worker> {
    const worker = prestarted.shift() ?? new Worker(CHILD_ENTRY, { type: "module" });
    this.worker = worker;
    worker.onmessage = (event: MessageEvent<ControlMessage>) => {
      const msg = event.data;
      if (msg.t === "exit") this.finish(msg.code);
      else this.receive(msg);
    };
    worker.onerror = (event) => {
      event.preventDefault(); // report it as this worker's failure, don't crash the parent
      this.receive({ t: "error", message: event.message ?? "uncaught error in worker" });
      this.finish(1);
    };
    return Promise.resolve(worker);
  }

  protected sendToChild(msg: ControlMessage, _handle?: unknown, transfer: unknown[] = []): Promise<void> {
    if (!this.worker || this.exitCode !== null) return Promise.reject(new Error(`${this.name} is not running`));
    this.worker.postMessage(msg, transfer as Transferable[]);
    return Promise.resolve();
  }

  protected killChild(): void {
    this.finish(-9); // like SIGKILL: the worker gets no chance to clean up
  }

  private finish(code: number): void {
    this.worker?.terminate();
    this.exited(code);
  }
}
