// The run journal: every process of a graded run appends one JSON line per event to a shared file.
// Written synchronously, so the harness can read what each worker last did even after it killed a
// deadlocked run — a blocked process cannot be asked anything, but its last line is on disk.
// Outside the harness (a demo) there is no journal and recording costs nothing.
import { closeSync, openSync, writeSync } from "node:fs";
import { currentProcess } from "./identity.ts";

export type JournalLine =
  | { k: "ev"; t: number; w: string; op: string; ph: "begin" | "end" | "mark"; out?: string }
  | { k: "log"; t: number; w: string; stream: "stdout" | "stderr"; text: string }
  | { k: "proc"; t: number; w: string; child: string; name: string; what: "start" | "exit"; code?: number | null };

const LOG_CAP_BYTES = 1 << 20; // per process; the rest is counted, not kept

let fd: number | undefined;
let path: string | undefined;
let logged = 0;
let dropped = 0;

export function openJournal(file: string): void {
  path = file;
  fd = openSync(file, "a");
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
