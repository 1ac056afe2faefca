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
const KEEP_SAMPLES = 16; // 4 s of history

export interface Hot {
  pid: number;
  /** Share of one core used over the window (0..1+). */
  share: number;
  /** The worker ids living in that process (one on Node and Bun; main and every worker on Deno). */
  workers: string[];
}

export class RunWatch {
  /** performance.now() of the last time the journal grew. */
  lastProgress = performance.now();
  /** performance.now() when the runner began loading the graded file; undefined before that. */
  loadingSince: number | undefined;
  loaded = false;
  /** pid → the workers that journaled it. */
  readonly pids = new Map<number, string[]>();
  readonly peakRss = new Map<number, number>();
  private samples: { t: number; cpu: Map<number, number>; demand: Map<number, Map<number, number>> }[] = [];
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
    const demand = new Map<number, Map<number, number>>();
    for (const [pid, s] of sample) {
      cpu.set(pid, s.cpuMs);
      demand.set(pid, s.demand);
      this.peakRss.set(pid, Math.max(this.peakRss.get(pid) ?? 0, s.rss));
    }
    this.samples.push({ t, cpu, demand });
    if (this.samples.length > KEEP_SAMPLES) this.samples.shift();
  }

  /**
   * The process with a thread that wanted a core most of the last `windowMs` (running, or ready
   * and waiting for one), if at least `minShare` of the time. Where the kernel does not say how
   * long a thread waited for a core, its CPU share stands in (a busy machine then hides a spin).
   */
  hottest(windowMs: number, minShare = 0.5): Hot | undefined {
    const last = this.samples.at(-1);
    const first = this.samples.find((s) => last && last.t - s.t <= windowMs);
    if (!last || !first || last === first) return undefined;
    const span = last.t - first.t;
    let best: Hot | undefined;
    for (const [pid, cpu] of last.cpu) {
      const before = first.cpu.get(pid);
      if (before === undefined) continue;
      let share = (cpu - before) / span;
      const threadsBefore = first.demand.get(pid);
      for (const [tid, demand] of last.demand.get(pid) ?? []) {
        const was = threadsBefore?.get(tid);
        if (was !== undefined) share = Math.max(share, (demand - was) / span);
      }
      if (share >= minShare && (!best || share > best.share)) best = { pid, share, workers: this.pids.get(pid) ?? [] };
    }
    return best;
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
    // Only two kinds of line matter here; skip the parse for the rest (logs can be long).
    if (!text.startsWith('{"k":"pid"') && !text.includes(`"op":"${LOADING_OP}"`)) return;
    let line: JournalLine;
    try {
      line = JSON.parse(text) as JournalLine;
    } catch {
      return;
    }
    if (line.k === "pid") this.pids.set(line.pid, [...(this.pids.get(line.pid) ?? []), line.w]);
    else if (line.k === "ev" && line.op === LOADING_OP && line.w === "main") {
      if (line.ph === "begin") this.loadingSince = performance.now();
      else this.loaded = true;
    }
  }
}
