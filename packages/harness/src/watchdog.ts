// Watching a run from outside, four times a second: is the journal still growing (someone is
// making progress)? Has the graded file finished loading? How much CPU and memory does each of the
// run's processes use (they journal their pids when they start)? From these the harness tells a
// deadlock (everyone waiting, cores idle) from a busy loop (no progress, a core spinning), a file
// that never finishes loading, and a runaway allocation — and stops the run as soon as it knows.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { JournalLine } from "@workshop/process/journal";
import { sampleProcesses } from "./processes.ts";
import { LOADING_OP } from "./verdict.ts";

export const TICK_MS = 250;
const KEEP_SAMPLES = 32; // 8 s of history: more than the quiet time
/** A thread that wanted a core at least this share of the time was not waiting for an event. */
const WANTING = 0.5;
/**
 * ...and if it also really ran this long (ms per second of the window) without anyone making
 * progress, it was spinning. One that wanted a core but hardly got one was starved: the machine
 * is too busy to tell yet.
 */
const SPINNING_MS_PER_S = 60;
/**
 * Idle, for an expectation of progress (expectProgress): no thread ran or waited for a core more
 * than this share of the window. A run with anything still to do — a message being handled, a
 * woken waiter queued behind a busy machine — shows more than that somewhere.
 */
const IDLE_SHARE = 0.05;

export interface Hot {
  pid: number;
  /** Share of the window its busiest thread wanted a core (running, or ready and queued). */
  share: number;
  /** The workers living in that process (one on Node and Bun; main and every worker on Deno). */
  workers: string[];
}

/** Why nothing moved: someone spinning, everyone waiting, or a machine too busy to let anyone run. */
export type Stillness = { kind: "spinning"; hot: Hot } | { kind: "starved"; hot: Hot } | { kind: "waiting" };

export class RunWatch {
  /** performance.now() of the last time the journal grew. */
  lastProgress = performance.now();
  /** performance.now() when the runner began loading the graded file; undefined before that. */
  loadingSince: number | undefined;
  loaded = false;
  /** The scenario expects progress (expectProgress): how quiet the run may go, and the verdict if it does. */
  expectation: { quietMs: number; because: string | undefined } | undefined;
  /** Children started whose pid is not journaled yet: booting, so unseen by the CPU samples. */
  private readonly booting = new Set<string>();
  /** pid → the workers that journaled it. */
  readonly pids = new Map<number, string[]>();
  readonly peakRss = new Map<number, number>();
  private samples: { t: number; cpu: Map<number, number>; threads: Map<number, Map<number, { ran: number; queued: number }>> }[] = [];
  private offset = 0;
  private partial = "";

  constructor(
    private readonly journalFile: string,
    rootPid: number,
  ) {
    this.pids.set(rootPid, []);
  }

  tick(): void {
    this.readJournal();
    const t = performance.now();
    const sample = sampleProcesses(this.pids.keys());
    const cpu = new Map<number, number>();
    const threads = new Map<number, Map<number, { ran: number; queued: number }>>();
    for (const [pid, s] of sample) {
      cpu.set(pid, s.cpuMs);
      threads.set(pid, s.threads);
      this.peakRss.set(pid, Math.max(this.peakRss.get(pid) ?? 0, s.rss));
    }
    this.samples.push({ t, cpu, threads });
    if (this.samples.length > KEEP_SAMPLES) this.samples.shift();
  }

  /**
   * What the run's threads did over the last `windowMs`: one wanted a core most of the time and
   * got it (spinning), wanted it but hardly got it (starved: a very busy machine), or nobody
   * wanted one (waiting for events that never come). Where the kernel keeps no per-thread times,
   * a process's CPU share alone decides between spinning and waiting.
   */
  stillness(windowMs: number): Stillness {
    const w = this.window(windowMs);
    if (!w) return { kind: "waiting" };
    const { first, last, span } = w;
    let spinning: Hot | undefined;
    let starved: Hot | undefined;
    for (const [pid, cpu] of last.cpu) {
      const workers = this.pids.get(pid) ?? [];
      const threadsBefore = first.threads.get(pid);
      const threadsNow = last.threads.get(pid);
      if (!threadsNow?.size) {
        const before = first.cpu.get(pid);
        const share = before === undefined ? 0 : (cpu - before) / span;
        if (share >= WANTING && (!spinning || share > spinning.share)) spinning = { pid, share, workers };
        continue;
      }
      for (const [tid, now] of threadsNow) {
        const was = threadsBefore?.get(tid);
        if (!was) continue;
        const ran = now.ran - was.ran;
        const share = (ran + now.queued - was.queued) / span;
        if (share < WANTING) continue;
        if (ran >= (SPINNING_MS_PER_S * span) / 1000) {
          if (!spinning || share > spinning.share) spinning = { pid, share, workers };
        } else if (!starved || share > starved.share) starved = { pid, share, workers };
      }
    }
    if (spinning) return { kind: "spinning", hot: spinning };
    if (starved) return { kind: "starved", hot: starved };
    return { kind: "waiting" };
  }

  /**
   * Was every thread of the run idle over the last `windowMs` — none ran or waited for a core more
   * than IDLE_SHARE of it? False when the samples do not cover the window yet, or anything is busy.
   */
  idle(windowMs: number): boolean {
    const w = this.window(windowMs);
    if (this.booting.size || !w || w.span < windowMs / 2) return false;
    const { first, last, span } = w;
    for (const [pid, cpu] of last.cpu) {
      const threadsNow = last.threads.get(pid);
      const threadsBefore = first.threads.get(pid);
      if (!threadsNow?.size) {
        const before = first.cpu.get(pid);
        if (before === undefined || (cpu - before) / span > IDLE_SHARE) return false;
        continue;
      }
      for (const [tid, now] of threadsNow) {
        const was = threadsBefore?.get(tid);
        if (!was) return false; // a thread that appeared in the window: something is happening
        if ((now.ran - was.ran + now.queued - was.queued) / span > IDLE_SHARE) return false;
      }
    }
    return true;
  }

  /** The oldest and newest samples within the last `windowMs`, and the time between them; undefined if fewer than two. */
  private window(windowMs: number) {
    const last = this.samples.at(-1);
    const first = this.samples.find((s) => last && last.t - s.t <= windowMs);
    return last && first && last !== first ? { first, last, span: last.t - first.t } : undefined;
  }

  /**
   * CPU time the run's processes used since `t` (performance.now(); at most the history kept), ms.
   * Loading a file costs a fixed amount of it (Deno compiling an npm client: ~0.3 s); a loop at
   * the top level burns it without end, however slowly a busy machine lets it run.
   */
  cpuSince(t: number): number {
    const last = this.samples.at(-1);
    const first = this.samples.find((s) => s.t >= t);
    if (!last || !first) return 0;
    let ms = 0;
    for (const [pid, cpu] of last.cpu) ms += cpu - (first.cpu.get(pid) ?? 0);
    return ms;
  }

  /** A process whose resident memory went past `capBytes`, if any. */
  overMemory(capBytes: number): { pid: number; rss: number; workers: string[] } | undefined {
    for (const [pid, rss] of this.peakRss) if (rss > capBytes) return { pid, rss, workers: this.pids.get(pid) ?? [] };
    return undefined;
  }

  /** Read what was appended to the journal since the last tick (only new bytes). */
  private readJournal(): void {
    let fd: number;
    try {
      fd = openSync(this.journalFile, "r");
    } catch {
      return; // nothing journaled yet
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return;
      const buffer = Buffer.alloc(size - this.offset);
      readSync(fd, buffer, 0, buffer.length, this.offset);
      this.offset = size;
      this.lastProgress = performance.now();
      const lines = (this.partial + buffer.toString("utf8")).split("\n");
      this.partial = lines.pop() ?? "";
      for (const text of lines) this.notice(text);
    } finally {
      closeSync(fd);
    }
  }

  private notice(text: string): void {
    // Only pids, process starts and exits, expectations and the loading marks matter here; skip the parse for the rest (logs can be long).
    if (!/^\{"k":"(pid|proc|expect)"/.test(text) && !text.includes(`"op":"${LOADING_OP}"`)) return;
    let line: JournalLine;
    try {
      line = JSON.parse(text) as JournalLine;
    } catch {
      return;
    }
    if (line.k === "pid") {
      this.pids.set(line.pid, [...(this.pids.get(line.pid) ?? []), line.w]);
      this.booting.delete(line.w);
    } else if (line.k === "proc") {
      if (line.what === "start") this.booting.add(line.child);
      else this.booting.delete(line.child);
    } else if (line.k === "expect") this.expectation = line.quietMs > 0 ? { quietMs: line.quietMs, because: line.because } : undefined;
    else if (line.k === "ev" && line.op === LOADING_OP && line.w === "main") {
      if (line.ph === "begin") this.loadingSince = performance.now();
      else this.loaded = true;
    }
  }
}
