// How a scenario is written: once, against the contract, for every runtime. A scenario module
// exports `scenarios` (what to run in the top process) and the worker functions its processes run.

import { readFileSync } from "node:fs";
import process from "node:process";
import { decodeMessage, encodeMessage, isKey, type Message, msg } from "@workshop/i18n/message";
import { mark, Process, type ProcessLike, type Runtime } from "@workshop/process";
import { type JournalLine, journalPath, now, write } from "@workshop/process/journal";

export interface ScenarioContext<Cell> {
  /** The learner's (or the instructor's) module: the factories the chapter asks for. */
  cell: Cell;
  runtime: Runtime;
  /** Start a real process (Node, Bun) or worker (Deno) running `target` from the scenario module. */
  start(target: string, args?: unknown[], name?: string): Promise<ProcessLike>;
  /** Every line the run's processes journaled so far (events, logs, process starts and exits). */
  journal(): JournalLine[];
}

export interface Scenario<Cell> {
  name: string;
  /**
   * One line a learner reads in the test list: a key of the chapter's catalogue ("lock:counter.title"),
   * or a message with params (`msg("lock:counter.title", { workers: 4 })`), rendered in the learner's
   * language by the harness — or, until the chapter is converted, English.
   */
  title: string | Message;
  /** Hard deadline for the whole scenario; past it the harness kills everything: deadlock. */
  deadlineMs?: number;
  /**
   * How long the run may go without journaling anything (default 6 s) before it is called a
   * deadlock. Raise it only for work that records nothing for long stretches (a benchmark loop).
   */
  quietMs?: number;
  /**
   * The runtimes whose mechanism has this property (default: all). Elsewhere the scenario is
   * reported as skipped, and the chapter README must say why the mechanism cannot have it.
   */
  runtimes?: Runtime[];
  /** Resolves when the property holds (its value, if any, is the verdict's `data`: benchmarks use it). */
  run(ctx: ScenarioContext<Cell>): Promise<unknown>;
}

export { type Message, msg };

/**
 * An Error whose message a learner reads: a catalogue key and params (`text`), carried as its
 * encoded form in `message` (the only part that crosses a process boundary), or plain text.
 */
class Taught extends Error {
  /** The message as data; undefined for plain text. */
  readonly text?: Message;
  constructor(what: string | Message, options?: ErrorOptions) {
    super(typeof what === "string" ? what : encodeMessage(what), options);
    if (typeof what !== "string") this.text = what;
  }
}

/** A failed expectation: its message is the verdict a learner reads, so make it teach. */
export class Failure extends Taught {
  override name = "Failure";
}

/**
 * A property did not hold: `fail("lock:counter.lostUpdates", { expected, got })` — a key of the
 * chapter's catalogue (packages/i18n/locales/<lang>/<topic>.json) and its named params, rendered in
 * the learner's language by the harness. A param may be a message itself: `msg(key, params)`.
 * (`fail("a plain sentence")` still works while the chapters are converted; it is never translated.)
 */
export function fail(message: string | Message, params?: Record<string, unknown>): never {
  const what = typeof message !== "string" ? message : params !== undefined || isKey(message) ? msg(message, params) : message;
  // The moment a property broke, for the timeline (the verdict's words say what broke).
  const text = typeof what === "string" ? what.split("\n")[0]!.slice(0, 200) : encodeMessage(what);
  mark("broke", text.length <= 1_000 ? text : (what as Message).key);
  throw new Failure(what);
}

/**
 * From now on something must keep happening: should the whole run go idle — no journal line, and
 * no thread of any process running or waiting for a core — for `quietMs`, the harness stops it
 * there and then, with `because` as the verdict (a fail) and what each process was doing. For a
 * wait whose only right outcome comes promptly and by an event (consumers ending once the queue is
 * closed), so the learner is not kept waiting for the scenario's own, longer timeout — which
 * still decides whenever the machine is busy. Returns the function that ends the expectation.
 */
export function expectProgress(quietMs: number, because: Message): () => void {
  write({ k: "expect", t: now(), w: "main", quietMs, because: encodeMessage(because) });
  return () => write({ k: "expect", t: now(), w: "main", quietMs: 0 });
}

/** A process's code threw (or rejected) where nobody expected it: the verdict is "crash". */
export class Crashed extends Taught {
  override name = "Crashed";
}

/** A process ended (process.exit, Deno.exit, a kill) before its function returned: "exited". */
export class Exited extends Taught {
  override name = "Exited";
}

export function makeContext<Cell>(cell: Cell, runtime: Runtime, scenarioModule: string, journalFile: string): ScenarioContext<Cell> {
  let started = 0;
  return {
    cell,
    runtime,
    async start(target, args = [], name) {
      started += 1;
      const p = new Process({ module: scenarioModule, target, args, name: name ?? `${target}-${started}` });
      await p.start();
      return p;
    },
    journal() {
      return readFileSync(journalFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as JournalLine);
    },
  };
}

/**
 * Join every process within the time, then `expectFinished`: a worker that hangs fails the
 * scenario; one that crashed, failed a check or exited early says so, with where.
 */
export async function joinAll(procs: ProcessLike[], timeoutMs: number, doing: string | Message = msg("harness:join.finish")): Promise<void> {
  const late = await settle(procs, timeoutMs);
  if (late) fail("harness:join.late", { who: late.name, doing, ms: timeoutMs });
  expectFinished(procs);
}

/**
 * Wait up to `timeoutMs` for every process to end, without judging how: returns the first one
 * still running, if any. Check the scenario's own properties next (they name the real bug: two
 * holders at once, a lost item), then `expectFinished` for what is left (a crash, an early exit).
 */
export async function settle(procs: ProcessLike[], timeoutMs: number): Promise<ProcessLike | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (const p of procs) {
    const code = await p.join({ timeoutMs: Math.max(0, deadline - Date.now()) });
    if (code === null) return p;
  }
  return undefined;
}

/**
 * Every process finished: its function returned and its result arrived. Otherwise throws what
 * happened instead — a fail() inside the worker (its message), a crash (the learner's exception,
 * with where), or an early exit (which code, in which call).
 */
export function expectFinished(procs: ProcessLike[]): void {
  for (const p of procs) {
    if (p.finished) continue;
    if (p.error?.name === "Failure") {
      // The worker's own fail(): its message, keyed or plain, as it said it.
      const said = p.error.message.replace(/^Failure: /, "");
      fail(decodeMessage(said) ?? said);
    }
    if (p.error) {
      const where = whereInWorkshop(p.error.stack);
      throw new Crashed(
        msg("harness:worker.crashed", { who: p.name, error: p.error.message, at: where ? msg("harness:worker.at", { where }) : "", inCall: inCall(p) }),
        { cause: p.error.stack },
      );
    }
    if (p.exitCode === null) fail("harness:worker.stillRunning", { who: p.name });
    const how = p.exitCode < 0 ? msg("harness:worker.killed", { signal: -p.exitCode }) : msg("harness:worker.exitCode", { code: p.exitCode });
    throw new Exited(msg("harness:worker.exited", { who: p.name, how, inCall: inCall(p) }));
  }
}

/** ", while in recv #17" — the call the process was inside when it ended, from the journal. */
function inCall(p: ProcessLike): Message | "" {
  const open = openCalls(p.id);
  return open.length ? msg("harness:worker.whileIn", { call: open.at(-1) }) : "";
}

/** The calls a process began and never ended, oldest first (read from the run journal). */
export function openCalls(worker: string): string[] {
  const file = journalPath();
  if (!file) return [];
  const open: string[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.includes(`"w":"${worker}"`)) continue;
    try {
      const ev = JSON.parse(line) as JournalLine;
      if (ev.k !== "ev") continue;
      if (ev.ph === "begin") open.push(ev.op);
      else if (ev.ph === "end") open.splice(open.lastIndexOf(ev.op), 1);
    } catch {
      // a line being written right now
    }
  }
  return open;
}

/**
 * The learner's factory returned something usable: check it before calling it, so a wrong answer
 * reads as a fail ("createLock() resolved to undefined"), not as a TypeError from the grader.
 */
export function expectShape<T>(value: T, what: string | Message, methods: string[]): T {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    const got =
      value === undefined
        ? msg("harness:shape.undefined")
        : value === null
          ? msg("harness:shape.null")
          : msg("harness:shape.value", { type: typeof value, value: String(value) });
    fail("harness:shape.notObject", { what, got, methods: methods.join(", ") });
  }
  const missing = methods.filter((m) => typeof (value as Record<string, unknown>)[m] !== "function");
  if (missing.length) fail("harness:shape.missing", { what, missing: missing.map((m) => `${m}()`).join(", ") });
  return value;
}

/** CPU time this process has used so far, in ms (on Deno: the whole process, every worker). */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** A time budget scaled for slow machines (WORKSHOP_DEADLINE_SCALE), for checks of "too late". */
export function slack(ms: number): number {
  let scale = 1;
  try {
    scale = Number(process.env.WORKSHOP_DEADLINE_SCALE ?? 1) || 1;
  } catch {
    // Deno without --allow-env for it: unscaled (the harness grants it to the runs it starts)
  }
  return ms * scale;
}

/** The first frame in a chapter's file, as a message param: " (at workshops/01-lock/node/starter.ts:14:11)", or "". */
export function whereSuffix(stack: string | undefined): Message | "" {
  const where = whereInWorkshop(stack);
  return where ? msg("harness:worker.at", { where }) : "";
}

export function whereInWorkshop(stack: string | undefined): string | undefined {
  const match = stack?.match(/(workshops\/[^\s():]+\.ts:\d+(?::\d+)?)/);
  return match?.[1];
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
