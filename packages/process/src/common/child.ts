// The child's side of Process, the same on every runtime: take the start message, become that
// process (id, journal), rebuild the arguments, run the target, report how it ended.
import process from "node:process";
import { describeThrown, watchCrashes } from "./faults.ts";
import { reviveArgs } from "./handles.ts";
import { setCurrentProcess } from "./identity.ts";
import { captureConsole, closeJournal, now, openJournal, perturbWith, write } from "./journal.ts";
import type { ControlMessage } from "./process-base.ts";
import { Signals, TagRouter } from "./routing.ts";
import type { Channel } from "./types.ts";

export interface ParentLink {
  send(msg: ControlMessage, handle?: unknown): Promise<void>;
  /** End this process (or worker) with the code, after pending sends are flushed. */
  exit(code: number): void;
}

/** Routes the parent's messages; a backend's child entry feeds every message into `receive`. */
export class ChildSide {
  private handles: unknown[] = [];
  // A message may arrive before its primitive is revived and listening: keep it until then.
  private channels = new TagRouter(true);

  constructor(private readonly parent: ParentLink) {
    signalSink = (what) => void parent.send({ t: "signal", what });
    // An error nobody catches (in an event handler, a forgotten promise) ends this child as a
    // crash the parent hears about — with the stack — not as a bare "exit code 1".
    watchCrashes((message, stack) => {
      void parent
        .send({ t: "error", name: "Crash", message, stack })
        .catch(() => {})
        .finally(() => {
          closeJournal();
          parent.exit(1);
        });
    });
  }

  receive(msg: ControlMessage, handle?: unknown): void {
    if (msg.t === "handle") this.handles.push(handle);
    else if (msg.t === "ch") this.channels.deliver(msg.tag, msg.msg, handle);
    else if (msg.t === "start") void this.run(msg);
    else if (msg.t === "signal") fromParent.add(msg.what);
    else if (msg.t === "preload") void import(msg.module).catch(() => {}); // the start's own import says what is wrong
  }

  channel = (tag: string): Channel => ({
    send: (msg, handle) => void this.parent.send({ t: "ch", tag, msg }, handle).catch(() => {}),
    onMessage: (listener) => this.channels.subscribe(tag, listener),
  });

  private async run(start: Extract<ControlMessage, { t: "start" }>): Promise<void> {
    setCurrentProcess({ id: start.id, num: start.num, name: start.name });
    if (start.journal) {
      openJournal(start.journal, process.pid);
      captureConsole();
    }
    if (start.seed !== undefined) perturbWith(start.seed, start.id);
    let code = 0;
    try {
      const mod = (await import(start.module)) as Record<string, unknown>;
      const target = mod[start.target];
      if (typeof target !== "function") throw new Error(`${start.module} has no exported function "${start.target}"`);
      const args = await reviveArgs(start.wire, this.handles, this.channel);
      const value = await target(...args);
      await flushBeforeExit();
      await this.parent.send({ t: "result", value: value ?? null });
    } catch (err) {
      code = 1;
      // A scenario's own fail() is a verdict, not a fault; anything else the code under test threw is.
      const name = err instanceof Error ? err.name : "Thrown";
      const { message, stack } = describeThrown(err);
      if (name !== "Failure") write({ k: "fault", t: now(), w: start.id, what: "threw", message, stack });
      await this.parent.send({ t: "error", name, message, stack }).catch(() => {});
    }
    closeJournal();
    this.parent.exit(code);
  }
}

const exitHooks: (() => unknown)[] = [];

/**
 * Run `hook` (awaited) after this child's target returns, before it reports and exits — so a
 * primitive that buffers (pipelined queue puts) can flush first. Python's Queue does the same: a
 * process joins its queue's feeder thread before it exits. Does nothing in the top process.
 */
export function beforeExit(hook: () => unknown): void {
  exitHooks.push(hook);
}

async function flushBeforeExit(): Promise<void> {
  for (const hook of exitHooks.splice(0)) await hook();
}

let signalSink: ((what: string) => void) | undefined;

/** Tell the parent something happened (the parent waits with `proc.waitFor(what)`). */
export function signalParent(what: string): void {
  if (!signalSink) throw new Error("signalParent() called outside a child process");
  signalSink(what);
}

const fromParent = new Signals();

/** Wait until the parent calls `proc.notify(what)` (a start barrier, a "you may stop now"). */
export function waitForParent(what: string, opts: { timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return fromParent.waitFor(what, timeoutMs, () => `the parent did not send "${what}" within ${timeoutMs} ms`);
}
