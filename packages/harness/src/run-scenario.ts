// Run one scenario of one cell in its runtime, as its own process group, with a hard deadline.
// Whatever happens — pass, fail, a crash, a hang, a busy loop, a runaway allocation — this returns
// a Verdict and leaves no process behind: the run is stopped as soon as its fate is clear, and
// its group and every process carrying its marker are killed after every run.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Lang, language, type Message, msg, render } from "@workshop/i18n";
import type { JournalLine } from "@workshop/process/journal";
import { accidentalPasses, type Cell, type Target, targetFile } from "./cells.ts";
import { composeVerdict, type Stop, scenarioTitle } from "./compose.ts";
import { endRun, forget } from "./groups.ts";
import { go, type Launched, launch } from "./launch.ts";
import { noteChildren, takeWarm } from "./pool.ts";
import { ServiceMissing } from "./services.ts";
import type { RunnerResult, Verdict } from "./verdict.ts";
import { type Hot, RunWatch, TICK_MS } from "./watchdog.ts";

/** Slow machines may scale every deadline (never needed on CI's 2 cores, but kind to laptops). */
const SCALE = Number(process.env.WORKSHOP_DEADLINE_SCALE ?? 1) || 1;
/** No journal line for this long: everyone is stuck. Longer than any wait a scenario times itself. */
const QUIET_MS = 6_000;
/** Loading a cell takes milliseconds; still loading after this, with a core busy: a loop at its top level… */
const LOAD_MS = 2_000 * SCALE;
/**
 * …if it has also burnt this much CPU since it began loading. A legitimate load on a very busy
 * machine can take seconds of wall time, yet only a fraction of this (Deno's 04-broker solution:
 * 0.3 s of CPU, 3.6 s of wall time at a load average of 25).
 */
const LOAD_CPU_MS = 1_500 * SCALE;
/** Each graded process may hold this much resident memory; past it, the run is stopped as out of memory. */
export const MEMORY_CAP = (Number(process.env.WORKSHOP_MEMORY_CAP_MB) || 768) * 1024 * 1024;

export interface RunOptions {
  cell: Cell;
  /** starter (the learner's file), solution, or a path to any file exporting the chapter's factories. */
  target: Target | { file: string };
  scenario: { name: string; title: string | Message; deadlineMs?: number; quietMs?: number; runtimes?: string[] };
  /** Another module of scenarios for this cell's chapter (a benchmark); default: the chapter's. */
  scenarioFile?: string;
  /** Seed of the perturbation at traced calls (see journal.ts); none: no perturbation. */
  seed?: number;
  /** Resident memory allowed per process, bytes (default MEMORY_CAP). */
  memoryCap?: number;
  /** Use a warm runner if one is ready (pool.ts); otherwise launch one now. */
  warm?: boolean;
  signal?: AbortSignal;
  /** The language of the verdict's message (default: the current language, see @workshop/i18n). */
  lang?: Lang;
}

export async function runScenario(opts: RunOptions): Promise<Verdict> {
  const { cell, scenario } = opts;
  const file = typeof opts.target === "string" ? targetFile(cell, opts.target) : opts.target.file;
  const scenarioFile = opts.scenarioFile ?? cell.scenarioFile;
  const lang = opts.lang ?? language();
  const base = { cell: cell.id, file, scenario: scenario.name, title: scenarioTitle(scenario.title, lang), seed: opts.seed };
  const said = (text: Message) => ({ message: render(text, lang), text });
  if (scenario.runtimes && !scenario.runtimes.includes(cell.runtime)) {
    const why = said(msg("harness:skipped.runtime", { runtime: cell.runtime }));
    return { ...base, status: "skipped", ...why, durationMs: 0, workers: [], output: [], runtimeOutput: "", events: [] };
  }
  const deadlineMs = (scenario.deadlineMs ?? 10_000) * SCALE;
  const quietMs = (scenario.quietMs ?? QUIET_MS) * SCALE;
  const started = performance.now();
  let launched: Launched;
  try {
    launched = (opts.warm && takeWarm(cell, scenarioFile, scenario.name, file)) || (await launch(cell, scenarioFile, 0));
  } catch (err) {
    // The chapter runs on a real server (services.ts): not installed here — not graded, and the verdict says how
    // to get it — or it would not start.
    const missing = err instanceof ServiceMissing;
    return {
      ...base,
      status: missing ? "skipped" : "error",
      ...said(msg(missing ? "harness:skipped.service" : "harness:service.couldNotStart", { why: (err as Error)?.message })),
      durationMs: 0,
      workers: [],
      output: [],
      runtimeOutput: "",
      events: [],
    };
  }
  const { runDir } = launched;
  try {
    const buildStarted = performance.now();
    try {
      await go(launched, file, scenario.name, opts.seed);
    } catch (err) {
      // esbuild could not even parse the file: say where, like a compiler would.
      if (launched.run) endRun(launched.run);
      return composeVerdict({ ...base, runDir, result: buildError(err), durationMs: 0, runtimeOutput: "", journal: [], lang });
    }
    const buildMs = performance.now() - buildStarted;
    const spawnedAt = Date.now();
    const run = await watchRun(launched, { deadlineMs, quietMs, memoryCap: opts.memoryCap ?? MEMORY_CAP }, opts.signal);
    const closedAt = Date.now();
    const verdict = composeVerdict({
      ...base,
      runDir,
      result: readJson<RunnerResult>(join(runDir, "result.json")),
      stop: run.stop,
      deadlineMs,
      quietMs,
      aborted: opts.signal?.aborted,
      durationMs: performance.now() - started,
      runtimeOutput: launched.output(),
      journal: readJournal(join(runDir, "journal.jsonl")),
      peakRss: run.peakRss,
      clock: { buildMs, spawnedAt, closedAt },
      lang,
    });
    if (verdict.timing) noteChildren(cell, scenarioFile, scenario.name, verdict.timing.children);
    if (verdict.status === "pass" && opts.target === "starter" && accidentalPasses(cell).includes(scenario.name)) verdict.accidental = true;
    return verdict;
  } finally {
    forget(runDir);
    if (!process.env.WORKSHOP_KEEP_RUNS) rmSync(runDir, { recursive: true, force: true });
  }
}

interface Watched {
  stop: Stop | undefined;
  peakRss: Map<string, number>;
}

/** Watch a run until its group is gone, stopping it as soon as its fate is clear. */
function watchRun(launched: Launched, limits: { deadlineMs: number; quietMs: number; memoryCap: number }, signal?: AbortSignal): Promise<Watched> {
  const { child, run, runDir } = launched;
  return new Promise((resolve) => {
    let stop: Stop | undefined;
    const stopWith = (why: Stop) => {
      stop ??= why;
      if (run) endRun(run);
    };
    // Starved: nothing moved, but only because the machine gave its threads hardly any core time.
    let starved: Hot | undefined;
    const watch = new RunWatch(join(runDir, "journal.jsonl"), child.pid ?? 0);
    // At the deadline, a file still loading never finished loading, however busy the machine was.
    const timer = setTimeout(() => {
      const since = watch.loadingSince;
      if (since !== undefined && !watch.loaded)
        return stopWith({ why: "loading", busy: watch.stillness(1_000).kind !== "waiting", ms: performance.now() - since });
      stopWith(starved ? { why: "starved", ...starved } : { why: "deadline" });
    }, limits.deadlineMs);
    const ticker = setInterval(() => {
      watch.tick();
      const now = performance.now();
      const big = watch.overMemory(limits.memoryCap);
      if (big) return stopWith({ why: "oom", ...big, cap: limits.memoryCap });
      const loading = watch.loadingSince !== undefined && !watch.loaded;
      // Still loading the graded file after LOAD_MS, with a core busy and LOAD_CPU_MS burnt: a loop at its top level.
      const loadBurnt = loading && watch.cpuSince(watch.loadingSince!) > LOAD_CPU_MS;
      if (loading && loadBurnt && now - watch.loadingSince! > LOAD_MS && watch.stillness(1_000).kind === "spinning") {
        return stopWith({ why: "loading", busy: true, ms: now - watch.loadingSince! });
      }
      // The scenario expects progress (expectProgress) and the whole run has gone idle: say so now.
      const expected = watch.expectation;
      if (expected && !loading && now - watch.lastProgress > expected.quietMs && watch.idle(expected.quietMs)) {
        return stopWith({ why: "stalled", quietMs: expected.quietMs, because: expected.because });
      }
      if (now - watch.lastProgress <= limits.quietMs) {
        starved = undefined;
        return;
      }
      // Nobody journaled anything for quietMs. Everyone waiting, someone spinning, or no core to run on?
      const still = watch.stillness(limits.quietMs);
      // A load that has not burnt LOAD_CPU_MS is slow, not looping: the machine is busy.
      if (still.kind === "starved" || (loading && !loadBurnt && still.kind === "spinning")) {
        starved = still.hot; // wait on: the deadline decides
        return;
      }
      if (loading) return stopWith({ why: "loading", busy: still.kind === "spinning", ms: now - watch.loadingSince! });
      stopWith(still.kind === "spinning" ? { why: "busy", ...still.hot, quietMs: limits.quietMs } : { why: "stalled", quietMs: limits.quietMs });
    }, TICK_MS);
    const onAbort = () => run && endRun(run);
    signal?.addEventListener("abort", onAbort, { once: true });
    void launched.closed.then(() => {
      clearTimeout(timer);
      clearInterval(ticker);
      signal?.removeEventListener("abort", onAbort);
      if (run) endRun(run); // stragglers: a worker that outlived the runner, a detached grandchild
      const peakRss = new Map<string, number>();
      for (const [pid, rss] of watch.peakRss) for (const w of watch.pids.get(pid) ?? []) peakRss.set(w, rss);
      resolve({ stop, peakRss });
    });
  });
}

function buildError(err: unknown): RunnerResult {
  const errors = (err as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
  if (errors?.length) {
    const lines = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text));
    const text = msg("harness:build.doesNotCompile", { errors: lines.join("\n") });
    return { status: "error", message: render(text, "en"), text, stack: lines[0] };
  }
  return { status: "error", message: err instanceof Error ? err.message : String(err) };
}

function readJson<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function readJournal(file: string): JournalLine[] {
  if (!existsSync(file)) return [];
  const lines: JournalLine[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    try {
      lines.push(JSON.parse(line) as JournalLine);
    } catch {
      // a line cut short by a kill: the rest of the journal still tells the story
    }
  }
  return lines;
}
