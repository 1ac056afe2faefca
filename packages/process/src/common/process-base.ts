// The part of Process that is the same on every runtime: ids, the tagged channels, join with a
// deadline, results and signals. Each backend (node/deno/bun) only knows how to start a child,
// send it one message, and kill it; it feeds what the child says back through `receive` / `exited`.
import { type ReduceContext, reduceArgs, type SpawnStdio, type WireArg } from "./handles.ts";
import { currentProcess } from "./identity.ts";
import { journalPath, now, perturbationSeed, write } from "./journal.ts";
import { Signals, TagRouter } from "./routing.ts";
import type { Channel, ProcessLike, ProcessOptions } from "./types.ts";

/** Messages between a parent and one child. `ch` carries a primitive's tagged traffic. */
export type ControlMessage =
  | { t: "handle" }
  | { t: "start"; module: string; target: string; wire: WireArg[]; id: string; num: number; name: string; journal?: string; seed?: number }
  | { t: "ch"; tag: string; msg: unknown }
  | { t: "signal"; what: string }
  | { t: "result"; value: unknown }
  | { t: "error"; name?: string; message: string; stack?: string }
  | { t: "exit"; code: number }
  /** To a prestarted child: import this module now, while nobody waits (it will be asked to run from it). */
  | { t: "preload"; module: string };

let spawned = 0;
const live = new Set<ProcessBase>();

/** Every child still running, so the top process can kill them all before it exits. */
export function liveProcesses(): ReadonlySet<ProcessBase> {
  return live;
}

export abstract class ProcessBase implements ProcessLike {
  readonly id: string;
  readonly name: string;
  exitCode: number | null = null;
  result: unknown = undefined;
  finished = false;
  error: { name?: string; message: string; stack?: string } | undefined;

  protected readonly options: ProcessOptions;
  private started = false;
  private exitListeners: ((code: number | null) => void)[] = [];
  private channels = new TagRouter(false); // parent side: primitives subscribe while reducing
  private signals = new Signals();
  private exitedPromise: Promise<number>;
  private resolveExited!: (code: number) => void;

  constructor(options: ProcessOptions) {
    this.options = options;
    spawned += 1;
    const parent = currentProcess().id;
    this.id = parent === "main" ? `w${spawned}` : `${parent}.${spawned}`;
    this.name = options.name ?? `${options.target}-${spawned}`;
    this.exitedPromise = new Promise((resolve) => {
      this.resolveExited = resolve;
    });
  }

  abstract get pid(): number | undefined;
  /**
   * Start the child; the backend must call `receive` and `exited` from now on. Resolves with the
   * runtime's object for the child (for `ReduceContext.onSpawn`). `stdio` is what the arguments
   * asked for; only a backend that sets `reducesBeforeSpawn` receives it.
   */
  protected abstract spawnChild(stdio?: SpawnStdio): Promise<unknown>;
  /**
   * Bun wires a child's stdio at spawn, so its arguments must be reduced first. Node and Deno
   * spawn first (a reduce may already talk to the running child on its channel).
   */
  protected readonly reducesBeforeSpawn: boolean = false;
  /** Send one control message (with at most one handle, Node's rule) to the child. */
  protected abstract sendToChild(msg: ControlMessage, handle?: unknown, transfer?: unknown[]): Promise<void>;
  protected abstract killChild(): void;
  /** The number the child uses as its owner id in shared memory (pid, or a counter for workers). */
  protected abstract childNumber(): number;

  async start(): Promise<void> {
    if (this.started) throw new Error(`process ${this.name} already started`);
    this.started = true;
    live.add(this);
    let spawned: { child: unknown } | undefined;
    const spawnListeners: ((child: unknown) => void)[] = [];
    const ctx: ReduceContext = {
      child: { id: this.id, name: this.name },
      channel: (tag) => this.channel(tag),
      onExit: (listener) => this.exitListeners.push(listener),
      onSpawn: (listener) => (spawned ? listener(spawned.child) : spawnListeners.push(listener)),
    };
    const spawn = async (stdio?: SpawnStdio) => {
      spawned = { child: await this.spawnChild(stdio) };
      write({ k: "proc", t: now(), w: currentProcess().id, child: this.id, name: this.name, what: "start" });
      for (const listener of spawnListeners.splice(0)) listener(spawned.child);
    };
    let reduced: Awaited<ReturnType<typeof reduceArgs>>;
    if (this.reducesBeforeSpawn) {
      try {
        reduced = await reduceArgs(this.options.args ?? [], ctx);
      } catch (err) {
        live.delete(this); // nothing was spawned
        throw err;
      }
      await spawn(reduced.stdio);
    } else {
      await spawn();
      reduced = await reduceArgs(this.options.args ?? [], ctx);
    }
    const { wire, handles, transfer } = reduced;
    for (const handle of handles) await this.sendToChild({ t: "handle" }, handle);
    const { module, target } = this.options;
    const start: ControlMessage = {
      t: "start",
      module,
      target,
      wire,
      id: this.id,
      num: this.childNumber(),
      name: this.name,
      journal: journalPath(),
      seed: perturbationSeed(),
    };
    try {
      await this.sendToChild(start, undefined, transfer);
    } catch (err) {
      this.kill();
      const why = err instanceof Error ? err.message : String(err);
      throw new Error(
        `could not pass the arguments of ${this.name} to the child: ${why}. ` +
          "Only structured-cloneable values (numbers, strings, arrays, plain objects, Uint8Array) and primitives that implement [reduce]() can cross a process boundary.",
      );
    }
  }

  async join(opts: { timeoutMs?: number } = {}): Promise<number | null> {
    if (!this.started) throw new Error(`join() before start() on ${this.name}`);
    if (opts.timeoutMs === undefined) return this.exitedPromise;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), opts.timeoutMs);
    });
    try {
      return await Promise.race([this.exitedPromise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.exitCode === null && this.started) this.killChild();
  }

  waitFor(what: string, opts: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    return this.signals.waitFor(
      what,
      timeoutMs,
      () => `${this.name} did not signal "${what}" within ${timeoutMs} ms`,
      () =>
        this.exitCode === null
          ? undefined
          : `${this.name} exited (code ${this.exitCode}) before signalling "${what}"${this.error ? `: ${this.error.message}` : ""}`,
    );
  }

  /** Tell the child something (it waits with `waitForParent(what)`), e.g. "go" after a barrier. */
  async notify(what: string): Promise<void> {
    await this.sendToChild({ t: "signal", what });
  }

  /** The parent's end of this child's channel for one primitive. */
  channel(tag: string): Channel {
    return {
      send: (msg, handle) => {
        if (this.exitCode === null) void this.sendToChild({ t: "ch", tag, msg }, handle).catch(() => {});
      },
      onMessage: (listener) => this.channels.subscribe(tag, listener),
    };
  }

  /** Backends call this for every message from the child. */
  protected receive(msg: ControlMessage, handle?: unknown): void {
    switch (msg.t) {
      case "ch":
        this.channels.deliver(msg.tag, msg.msg, handle);
        break;
      case "signal":
        this.signals.add(msg.what);
        break;
      case "result":
        this.result = msg.value;
        this.finished = true;
        break;
      case "error":
        this.error = { name: msg.name, message: msg.message, stack: msg.stack };
        break;
    }
  }

  /** Backends call this exactly once, when the child is gone. */
  protected exited(code: number): void {
    if (this.exitCode !== null) return;
    this.exitCode = code;
    live.delete(this);
    write({ k: "proc", t: now(), w: currentProcess().id, child: this.id, name: this.name, what: "exit", code });
    for (const listener of this.exitListeners) listener(code);
    this.signals.wake(); // a waiter for a signal that can no longer come gives up now
    this.resolveExited(code);
  }
}
