// Run one scenario of one cell in its runtime, as its own process group, with a hard deadline.
// Whatever happens — pass, fail, a crash, a hang — this returns a Verdict and leaves no process
// behind: the whole group is killed on the deadline, on abort, and after every normal exit.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { JournalLine } from "@workshop/process/journal";
import { buildForNode } from "./build.ts";
import { accidentalPasses, type Cell, denoPermissions, REPO, type Target, targetFile } from "./cells.ts";
import { composeVerdict } from "./compose.ts";
import { forget, killGroup, removeAtExit, trackGroup, untrackGroup } from "./groups.ts";
import type { RunnerResult, Verdict } from "./verdict.ts";

const BIN = join(REPO, "node_modules", ".bin");
const OUTPUT_CAP = 1 << 20;
/** No journal line for this long: everyone is stuck. Longer than any wait a scenario times itself. */
const QUIET_MS = 6_000;
/** Slow machines may scale every deadline (never needed on CI's 2 cores, but kind to laptops). */
const SCALE = Number(process.env.WORKSHOP_DEADLINE_SCALE ?? 1) || 1;

export interface RunOptions {
  cell: Cell;
  /** starter (the learner's file), solution, or a path to any file exporting the chapter's factories. */
  target: Target | { file: string };
  scenario: { name: string; title: string; deadlineMs?: number; quietMs?: number; runtimes?: string[] };
  /** Another module of scenarios for this cell's chapter (a benchmark); default: the chapter's. */
  scenarioFile?: string;
  signal?: AbortSignal;
}

export async function runScenario(opts: RunOptions): Promise<Verdict> {
  const { cell, scenario } = opts;
  const file = typeof opts.target === "string" ? targetFile(cell, opts.target) : opts.target.file;
  const deadlineMs = (scenario.deadlineMs ?? 10_000) * SCALE;
  const quietMs = (scenario.quietMs ?? QUIET_MS) * SCALE;
  const base = { cell: cell.id, file, scenario: scenario.name, title: scenario.title };
  if (scenario.runtimes && !scenario.runtimes.includes(cell.runtime)) {
    const why = `not graded on ${cell.runtime}: this mechanism cannot have the property (the lesson says why)`;
    return { ...base, status: "skipped", message: why, durationMs: 0, workers: [], output: [], runtimeOutput: "", events: [] };
  }
  const runDir = mkdtempSync(join(tmpdir(), "workshop-run-"));
  removeAtExit(runDir); // should this process die mid-run
  const started = performance.now();
  try {
    let command: string[];
    try {
      command = await commandFor(cell, opts.scenarioFile ?? cell.scenarioFile, file, scenario.name, runDir);
    } catch (err) {
      // esbuild could not even parse the file: say where, like a compiler would.
      return composeVerdict({ ...base, runDir, result: buildError(err), stopped: undefined, durationMs: 0, runtimeOutput: "", journal: [] });
    }
    const { stopped, output } = await runGroup(command, runDir, { deadlineMs, quietMs }, opts.signal);
    const result = readJson<RunnerResult>(join(runDir, "result.json"));
    const verdict = composeVerdict({
      ...base,
      runDir,
      result,
      stopped,
      deadlineMs,
      quietMs,
      aborted: opts.signal?.aborted,
      durationMs: performance.now() - started,
      runtimeOutput: output,
      journal: readJournal(join(runDir, "journal.jsonl")),
    });
    if (verdict.status === "pass" && opts.target === "starter" && accidentalPasses(cell).includes(scenario.name)) verdict.accidental = true;
    return verdict;
  } finally {
    forget(runDir);
    if (!process.env.WORKSHOP_KEEP_RUNS) rmSync(runDir, { recursive: true, force: true });
  }
}

async function commandFor(cell: Cell, scenarioFile: string, file: string, scenarioName: string, runDir: string): Promise<string[]> {
  const runner = join(REPO, "packages/harness/src/runner.ts");
  const url = (f: string) => pathToFileURL(f).href;
  switch (cell.runtime) {
    case "node": {
      const built = await buildForNode(scenarioFile, file);
      return [process.execPath, "--enable-source-maps", built.runner, url(built.scenario), scenarioName, url(built.cell), runDir, "node"];
    }
    case "deno":
      // Named permissions only: read the repo (sources, node_modules) and the run dir; write the run dir.
      return [
        join(BIN, "deno"),
        "run",
        "--no-lock",
        "--no-prompt",
        "--quiet",
        `--allow-read=${REPO},${runDir}`,
        `--allow-write=${runDir}`,
        ...denoPermissions(cell),
        runner,
        url(scenarioFile),
        scenarioName,
        url(file),
        runDir,
        "deno",
      ];
    case "bun":
      return [join(BIN, "bun"), runner, url(scenarioFile), scenarioName, url(file), runDir, "bun"];
  }
}

/** How a run ended early: the hard deadline, or no progress at all for `quietMs`. */
type Stopped = "deadline" | "stalled" | undefined;

function runGroup(
  command: string[],
  runDir: string,
  limits: { deadlineMs: number; quietMs: number },
  signal?: AbortSignal,
): Promise<{ stopped: Stopped; output: string }> {
  return new Promise((resolve) => {
    const [exe, ...args] = command as [string, ...string[]];
    // detached: the runtime leads a new process group, so one kill reaches every worker it started.
    // TMPDIR points into the run dir, so files a cell makes (lock files, mmap'd values) go with it.
    const child: ChildProcess = spawn(exe, args, {
      cwd: REPO,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, TMPDIR: runDir, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    const pgid = child.pid;
    if (pgid) trackGroup(pgid);
    let output = "";
    let dropped = 0;
    const keep = (chunk: Buffer) => {
      if (output.length < OUTPUT_CAP) output += chunk.toString("utf8");
      else dropped += chunk.length;
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    let stopped: Stopped;
    const stop = (why: Stopped) => {
      stopped ??= why;
      if (pgid) killGroup(pgid);
    };
    const timer = setTimeout(() => stop("deadline"), limits.deadlineMs);
    // The stall watchdog: every process journals each primitive call, so a journal that has not
    // grown for `quietMs` means everyone is stuck — report the deadlock now, not at the deadline.
    let journalSize = -1;
    let quietSince = performance.now();
    const watchdog = setInterval(() => {
      const size = sizeOf(join(runDir, "journal.jsonl"));
      if (size !== journalSize) {
        journalSize = size;
        quietSince = performance.now();
      } else if (performance.now() - quietSince > limits.quietMs) stop("stalled");
    }, 250);
    const onAbort = () => pgid && killGroup(pgid);
    signal?.addEventListener("abort", onAbort, { once: true });
    child.on("error", (err) => keep(Buffer.from(`could not start ${exe}: ${err.message}\n`)));
    child.on("close", () => {
      clearTimeout(timer);
      clearInterval(watchdog);
      signal?.removeEventListener("abort", onAbort);
      if (pgid) {
        killGroup(pgid); // stragglers: a worker that outlived the runner
        untrackGroup(pgid);
      }
      if (dropped) output += `\n… ${dropped} more bytes not kept\n`;
      resolve({ stopped, output: output.replaceAll(runDir, "<run>") });
    });
  });
}

function buildError(err: unknown): RunnerResult {
  const errors = (err as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors;
  if (errors?.length) {
    const lines = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}` : e.text));
    return { status: "error", message: `the file does not compile:\n${lines.join("\n")}`, stack: lines[0] };
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

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
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
