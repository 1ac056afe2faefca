// Grade the learner's starter of one cell and remember the outcome in progress (the cache): a pass
// marks the exact file that passed, anything else clears the mark. A cancelled run records nothing.
// Grading and printing are the harness's (gradeCell, CellReport): the same as `npm test`'s. The type
// check starts with the grading and is reported when it comes; a cell whose scenarios all pass but
// which has type errors is not solved.
import { existsSync, readFileSync } from "node:fs";
import {
  type Cell,
  CellReport,
  everyScenarioPasses,
  gradeCell,
  repoPath,
  reportStrings,
  runLine,
  scenariosOf,
  startTypeCheck,
  type TypeProblem,
  targetFile,
  type Verdict,
} from "@workshop/harness";
import { markSolved, markUnsolved, updateProgress } from "./state/progress.ts";
import { paint, reportStyle } from "./ui/terminal.ts";

export interface Grading {
  /** The last run's verdicts (with --repeat, every run is in `runs`). */
  verdicts: Verdict[];
  runs: Verdict[][];
  passed: boolean;
  cancelled: boolean;
  /** The starter did not exist: nothing was graded. */
  missing: boolean;
  typeErrors?: TypeProblem[];
  /** From the call to the last verdict. */
  ms: number;
}

export async function scenarioCount(c: Cell): Promise<number> {
  return (await scenariosOf(c)).length;
}

export interface GradeStarterOptions {
  signal?: AbortSignal;
  onVerdict?: (v: Verdict) => void;
  /** Every verdict is in (before the type check is): print them now. */
  onGraded?: (g: Grading) => void;
  /** Grade this many times; a cell is solved only if every run passes. */
  repeat?: number;
  onRun?: (n: number, verdicts: Verdict[]) => void;
  seed?: number;
  /** Watch mode: grade with the warm runners started while the learner typed (harness pool.ts). */
  warm?: boolean;
}

/** Per cell, the scenarios that failed last time: they run first, so a failure shows soonest. */
const failedLast = new Map<string, string[]>();

/**
 * Whoever else shows this process's gradings as they happen (the web view, src/web): told when a
 * grading of a cell begins, each verdict, every verdict in (before the type check), and the end.
 */
export interface GradingWatcher {
  begin?(c: Cell): void;
  verdict?(c: Cell, v: Verdict): void;
  graded?(c: Cell, g: Grading): void;
  end?(c: Cell, g: Grading): void;
}

const watchers = new Set<GradingWatcher>();

/** Hear every grading of this process; returns how to stop. A watcher that throws is ignored. */
export function watchGradings(w: GradingWatcher): () => void {
  watchers.add(w);
  return () => void watchers.delete(w);
}

export async function gradeStarter(stateDir: string, c: Cell, opts: GradeStarterOptions = {}): Promise<Grading> {
  const heard = [...watchers];
  const tell = (call: (w: GradingWatcher) => void) => {
    for (const w of heard) {
      try {
        call(w);
      } catch {
        // a watcher's trouble is its own: the grading and its caller go on
      }
    }
  };
  tell((w) => w.begin?.(c));
  const g = await grade(stateDir, c, {
    ...opts,
    onVerdict: (v) => {
      opts.onVerdict?.(v);
      tell((w) => w.verdict?.(c, v));
    },
    onGraded: (done) => {
      opts.onGraded?.(done);
      tell((w) => w.graded?.(c, done));
    },
  });
  tell((w) => w.end?.(c, g));
  return g;
}

async function grade(stateDir: string, c: Cell, opts: GradeStarterOptions): Promise<Grading> {
  const started = performance.now();
  const file = targetFile(c, "starter");
  if (!existsSync(file)) return { verdicts: [], runs: [], passed: false, cancelled: false, missing: true, ms: 0 };
  const source = readFileSync(file, "utf8");
  const types = startTypeCheck(c, file);
  const total = await scenarioCount(c);
  const runs: Verdict[][] = [];
  const repeat = Math.max(1, opts.repeat ?? 1);
  for (let n = 1; n <= repeat && !opts.signal?.aborted; n++) {
    const verdicts = await gradeCell({
      cell: c,
      target: "starter",
      signal: opts.signal,
      onVerdict: opts.onVerdict,
      seed: opts.seed,
      warm: opts.warm,
      first: failedLast.get(c.id),
    });
    if (!opts.signal?.aborted)
      failedLast.set(
        c.id,
        verdicts.filter((v) => v.status !== "pass" && v.status !== "skipped").map((v) => v.scenario),
      );
    runs.push(verdicts);
    opts.onRun?.(n, verdicts);
  }
  const ms = performance.now() - started;
  const cancelled = Boolean(opts.signal?.aborted) || !existsSync(file) || readFileSync(file, "utf8") !== source;
  const allPass = runs.length === repeat && runs.every((v) => everyScenarioPasses(v, total));
  const graded: Grading = { verdicts: runs.at(-1) ?? [], runs, passed: !cancelled && allPass, cancelled, missing: false, ms };
  if (!cancelled) opts.onGraded?.(graded);
  const typeErrors = cancelled ? undefined : await types;
  const passed = graded.passed && !typeErrors?.length;
  if (!cancelled) await updateProgress(stateDir, (p) => (passed ? markSolved(p, c.id, source) : markUnsolved(p, c.id)));
  return { ...graded, passed, typeErrors };
}

/**
 * Grade and print as the learner sees it, the same in watch mode and `npm start -- grade`: each
 * scenario as it finishes (each run, with repeat), the summary and the first failure in full, the
 * type errors when they come. `live()` false stops the printing (a newer save, another cell).
 */
export async function gradeAndShow(
  stateDir: string,
  c: Cell,
  write: (s: string) => void,
  opts: { signal?: AbortSignal; repeat?: number; seed?: number; live?: () => boolean; warm?: boolean } = {},
): Promise<Grading> {
  const live = opts.live ?? (() => true);
  const show = (s: string | undefined) => s !== undefined && live() && write(s);
  const style = reportStyle();
  const rep = new CellReport(style);
  const total = await scenarioCount(c);
  const repeat = Math.max(1, opts.repeat ?? 1);
  const g = await gradeStarter(stateDir, c, {
    signal: opts.signal,
    seed: opts.seed,
    warm: opts.warm,
    repeat,
    onVerdict: (v) => repeat === 1 && show(rep.scenario(v)),
    onRun: (n, verdicts) => repeat > 1 && show(rep.note(runLine(n, repeat, verdicts, total, style))),
    onGraded: (done) => show(repeat === 1 ? rep.end(done.verdicts, total, done.ms) : rep.endRepeated(done.runs)),
  });
  if (g.missing) show(paint.red(reportStrings.missingStarter(repoPath(targetFile(c, "starter")), c.id)));
  if (g.typeErrors?.length)
    show(
      rep.types(
        g.typeErrors,
        targetFile(c, "starter"),
        g.runs.every((v) => everyScenarioPasses(v, total)),
      ),
    );
  return g;
}
