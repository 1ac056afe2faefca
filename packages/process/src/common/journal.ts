// The run journal: every process of a graded run appends one JSON line per event to a shared file.
// Written synchronously, so the harness can read what each worker last did even after it killed a
// deadlocked run — a blocked process cannot be asked anything, but its last line is on disk.
// Outside the harness (a demo) there is no journal and recording costs nothing.
import { closeSync, openSync, writeSync } from "node:fs";
import { currentProcess } from "./identity.ts";

export type JournalLine =
  | { k: "ev"; t: number; w: string; op: string; ph: "begin" | "end" | "mark"; out?: string }
  | { k: "log"; t: number; w: string; stream: "stdout" | "stderr"; text: string }
  | { k: "proc"; t: number; w: string; child: string; name: string; what: "start" | "exit"; code?: number | null }
  /** A process says who it is at the OS level (Deno workers all share their process's pid). */
  | { k: "pid"; t: number; w: string; pid: number }
  /**
   * Something ended a process that was not the scenario's plan: an uncaught error or unhandled
   * rejection ("crash"), an error thrown out of its target ("threw"), or process.exit / Deno.exit
   * called by the code under test ("exit"), with the stack of the call.
   */
  | { k: "fault"; t: number; w: string; what: "crash" | "threw" | "exit"; message: string; stack?: string; code?: number }
  /**
   * The scenario expects progress from here on (scenario.ts, expectProgress): should the whole run
   * go idle for `quietMs`, the harness stops it with `because` (an encoded message) as the verdict.
   * `quietMs: 0` ends the expectation.
   */
  | { k: "expect"; t: number; w: string; quietMs: number; because?: string };

const LOG_CAP_BYTES = 1 << 20; // per process; the rest is counted, not kept

let fd: number | undefined;
let path: string | undefined;
let logged = 0;
let dropped = 0;

export function openJournal(file: string, pid?: number): void {
  path = file;
  fd = openSync(file, "a");
  if (pid !== undefined) write({ k: "pid", t: now(), w: currentProcess().id, pid });
}

export function journalPath(): string | undefined {
  return path;
}

export function closeJournal(): void {
  if (fd === undefined) return;
  if (dropped > 0) write({ k: "log", t: now(), w: currentProcess().id, stream: "stderr", text: `… ${dropped} more bytes of output not kept\n` });
  closeSync(fd);
  fd = undefined;
}

export function now(): number {
  return performance.timeOrigin + performance.now();
}

export function write(line: JournalLine): void {
  if (fd === undefined) return;
  writeSync(fd, `${JSON.stringify(line)}\n`);
}

/** Record one moment ("holding", "send #17") for the timeline. */
export function mark(op: string, out?: string): void {
  write({ k: "ev", t: now(), w: currentProcess().id, op, ph: "mark", out });
}

/**
 * Run a primitive call between a `begin` and an `end` line. If the call never returns, the begin
 * line is what the deadlock report shows: "w2 — waiting in acquire (for 1.2 s)".
 */
export async function traced<T>(op: string, call: () => T | Promise<T>, describe?: (result: T) => string): Promise<T> {
  const delay = random && perturb();
  if (delay) await delay;
  const w = currentProcess().id;
  write({ k: "ev", t: now(), w, op, ph: "begin" });
  try {
    const result = await call();
    write({ k: "ev", t: now(), w, op, ph: "end", out: describe ? describe(result) : "ok" });
    return result;
  } catch (err) {
    write({ k: "ev", t: now(), w, op, ph: "end", out: `threw ${errorName(err)}` });
    throw err;
  }
}

// ---- seeded perturbation -------------------------------------------------------------------
// A race shows only when the processes interleave badly. Before a traced call, a process sometimes
// yields its turn or sleeps a moment, chosen by a seeded generator: bad interleavings come up in a
// few runs instead of by luck, and the same seed replays the same perturbation in each process.

let random: (() => number) | undefined;
let runSeed: number | undefined;
let sleptMs = 0;
const SLEEP_BUDGET_MS = 60; // per process: perturbation must not make grading slow

/** Turn perturbation on for this process (the seed of the run, mixed with the process's id). */
export function perturbWith(seed: number, id: string): void {
  runSeed = seed;
  let x = (seed ^ hash(id)) >>> 0 || 1;
  random = () => {
    // mulberry32: small, fast, and good enough to pick delays
    x = (x + 0x6d2b79f5) >>> 0;
    let t = x;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The run's seed, passed on to every child this process starts. */
export function perturbationSeed(): number | undefined {
  return runSeed;
}

function perturb(): Promise<void> | undefined {
  const r = random!();
  if (r < 0.01 && sleptMs < SLEEP_BUDGET_MS) {
    const ms = 1 + Math.floor(random!() * 3);
    sleptMs += ms;
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
  if (r < 0.1) return yieldTurn();
  return undefined;
}

/** Let every other ready task run first: a macrotask (a message to ourselves, ~20 µs). */
function yieldTurn(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.addEventListener("message", () => {
      port1.close();
      port2.close();
      resolve();
    });
    port1.start();
    port2.postMessage(0);
  });
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Keep a process's console output in the journal, apart from the grader's own output. */
export function captureConsole(): void {
  const w = currentProcess().id;
  const keep =
    (stream: "stdout" | "stderr") =>
    (...args: unknown[]) => {
      const text = `${args.map(show).join(" ")}\n`;
      if (logged + text.length > LOG_CAP_BYTES) {
        dropped += text.length;
        return;
      }
      logged += text.length;
      write({ k: "log", t: now(), w, stream, text });
    };
  console.log = keep("stdout");
  console.info = keep("stdout");
  console.debug = keep("stdout");
  console.warn = keep("stderr");
  console.error = keep("stderr");
}

export function errorName(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

function show(x: unknown): string {
  if (typeof x === "string") return x;
  if (x instanceof Error) return x.stack ?? x.message;
  try {
    return JSON.stringify(x) ?? String(x);
  } catch {
    return String(x);
  }
}
