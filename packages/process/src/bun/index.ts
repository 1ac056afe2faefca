// Bun backend: every Process is a real OS process started with Bun.spawn and an IPC channel.
// Bun allows one `ipc` callback per child, fixed at spawn: all traffic (Process's own and every
// primitive's tagged channel) goes through it and is routed by ProcessBase.
import type { Subprocess } from "bun";
import type { SpawnStdio } from "../common/handles.ts";
import { type ControlMessage, liveProcesses, ProcessBase } from "../common/process-base.ts";

export * from "../common/api.ts";
export const runtime = "bun" as const;

const CHILD_ENTRY = new URL("./child.ts", import.meta.url).pathname;
const SIGNALS: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGABRT: 6, SIGSEGV: 11 };

/** A child spawned ahead of need: its one ipc callback forwards to whichever Process takes it. */
interface Prestarted {
  child: Subprocess;
  owner?: Process;
}
const prestarted: Prestarted[] = [];

/**
 * Spawn `count` children now, while nothing waits for them, each importing `preload` (the module
 * its target will come from). Process.start() takes one when no argument asks to wire the child's
 * stdin or stdout (that is fixed at spawn).
 */
export function prestart(count: number, preload?: string): void {
  for (let i = 0; i < count; i++) {
    const entry: Prestarted = {
      child: Bun.spawn([process.execPath, CHILD_ENTRY], {
        stdin: "ignore",
        stdout: "inherit",
        stderr: "inherit",
        serialization: "advanced",
        ipc: (msg) => entry.owner?.deliver(msg as ControlMessage),
      }),
    };
    void entry.child.exited.then(() => {
      const at = prestarted.indexOf(entry);
      if (at >= 0) prestarted.splice(at, 1);
    });
    if (preload) entry.child.send({ t: "preload", module: preload } satisfies ControlMessage);
    prestarted.push(entry);
  }
}

export class Process extends ProcessBase {
  private child: Subprocess | undefined;
  /** Messages a primitive sent on its channel while being reduced, before the child existed. */
  private early: ControlMessage[] = [];
  // A primitive may ask for the child's stdin/stdout (beside: { stdio }): reduce, then spawn.
  protected override readonly reducesBeforeSpawn = true;

  get pid(): number | undefined {
    return this.child?.pid;
  }

  protected childNumber(): number {
    return this.child?.pid ?? 0;
  }

  /** For a prestarted child's ipc callback. */
  deliver(msg: ControlMessage): void {
    this.receive(msg);
  }

  protected spawnChild(stdio: SpawnStdio = {}): Promise<Subprocess> {
    const warm = stdio.stdin === undefined && stdio.stdout === undefined ? prestarted.shift() : undefined;
    if (warm) warm.owner = this;
    // process.execPath, not "bun": bun is not on PATH outside npm scripts. stdin/stdout are what a
    // primitive asked for (e.g. a pipe wired to another child's stdout, like a shell's `a | b`).
    const child =
      warm?.child ??
      Bun.spawn([process.execPath, CHILD_ENTRY], {
        stdin: (stdio.stdin ?? "ignore") as "ignore",
        stdout: (stdio.stdout ?? "inherit") as "inherit",
        stderr: "inherit",
        serialization: "advanced",
        ipc: (msg) => this.receive(msg as ControlMessage),
      });
    this.child = child;
    void child.exited.then((code) => {
      this.exited(child.signalCode ? -(SIGNALS[child.signalCode] ?? 1) : code);
    });
    for (const msg of this.early.splice(0)) child.send(msg);
    return Promise.resolve(child);
  }

  protected sendToChild(msg: ControlMessage): Promise<void> {
    if (!this.child && this.exitCode === null && msg.t === "ch") {
      this.early.push(msg);
      return Promise.resolve();
    }
    if (!this.child || this.exitCode !== null) return Promise.reject(new Error(`${this.name} is not running`));
    this.child.send(msg);
    return Promise.resolve();
  }

  protected killChild(): void {
    this.child?.kill("SIGKILL");
  }
}

process.on("exit", () => {
  for (const p of liveProcesses()) p.kill();
  for (const { child } of prestarted) child.kill("SIGKILL");
});
