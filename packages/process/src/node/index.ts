// Node backend: every Process is a real OS process started with child_process.fork.
// `serialization: 'advanced'` keeps Uint8Array, Map, etc. intact (the default JSON would not);
// handles (sockets, servers) travel one per IPC message, which is Node's rule.
import { type ChildProcess, type ForkOptions, fork } from "node:child_process";
import { constants } from "node:os";
import { type ControlMessage, liveProcesses, ProcessBase } from "../common/process-base.ts";

export * from "../common/api.ts";
export const runtime = "node" as const;

// Under tsx the sources are .ts; the harness runs a transpiled .js copy. Fork whichever we are.
const CHILD_ENTRY = new URL(import.meta.url.endsWith(".ts") ? "./child.ts" : "./child.js", import.meta.url);

const OPTIONS: ForkOptions = { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"] };

/** Children forked ahead of need (prestart), each with the promise of its spawn. */
const prestarted: { child: ChildProcess; spawned: Promise<void> }[] = [];

function forkChild(): { child: ChildProcess; spawned: Promise<void> } {
  // stdout/stderr inherited: under the harness they land in its capped capture, and a child's
  // console.* goes to the run journal anyway. execArgv is inherited, so tsx keeps working.
  const child = fork(CHILD_ENTRY, [], OPTIONS);
  child.on("error", () => {}); // a send to a dead child: its exit tells the story
  const spawned = new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  spawned.catch(() => {});
  return { child, spawned };
}

/**
 * Fork `count` children now, while nothing waits for them, each importing `preload` (the module
 * its target will come from): the next Process.start() takes one instead of paying a node start.
 */
export function prestart(count: number, preload?: string): void {
  for (let i = 0; i < count; i++) {
    const entry = forkChild();
    entry.child.once("exit", () => {
      const at = prestarted.indexOf(entry);
      if (at >= 0) prestarted.splice(at, 1);
    });
    if (preload) entry.child.send({ t: "preload", module: preload } satisfies ControlMessage);
    prestarted.push(entry);
  }
}

export class Process extends ProcessBase {
  private child: ChildProcess | undefined;

  get pid(): number | undefined {
    return this.child?.pid;
  }

  protected childNumber(): number {
    return this.child?.pid ?? 0;
  }

  protected async spawnChild(): Promise<ChildProcess> {
    const { child, spawned } = prestarted.shift() ?? forkChild();
    this.child = child;
    child.on("message", (msg, handle) => this.receive(msg as ControlMessage, handle));
    // "close", not "exit": it comes after the IPC channel has delivered its last message.
    child.on("close", (code, signal) => this.exited(code ?? -(signal ? constants.signals[signal] : 1)));
    await spawned;
    return child;
  }

  protected sendToChild(msg: ControlMessage, handle?: unknown): Promise<void> {
    const child = this.child;
    return new Promise((resolve, reject) => {
      if (!child?.connected) return reject(new Error(`${this.name} is not running`));
      child.send(msg, handle as never, (err) => (err ? reject(err) : resolve()));
    });
  }

  protected killChild(): void {
    this.child?.kill("SIGKILL");
  }
}

// A parent that exits takes its children along (the harness also kills the whole process group).
process.on("exit", () => {
  for (const p of liveProcesses()) p.kill();
  for (const { child } of prestarted) child.kill("SIGKILL");
});
