// Grade a whole cell: every scenario of its chapter, each in its own run, reported as it finishes.
// The one grading path: the app (watch mode), `npm test`, verify and the mutants all come here.
import { type Lang, language, msg, render } from "@workshop/i18n";
import { type Cell, type Target, targetFile } from "./cells.ts";
import { scenarioTitle } from "./compose.ts";
import { warmUp } from "./pool.ts";
import { runScenario } from "./run-scenario.ts";
import type { Scenario } from "./scenario.ts";
import type { Verdict } from "./verdict.ts";

export interface GradeOptions {
  cell: Cell;
  target: Target | { file: string };
  /** Abort to cancel (a newer save): running scenarios are killed, the rest are skipped. */
  signal?: AbortSignal;
  /** Called with each verdict as soon as it is known, and its place in the scenario order. */
  onVerdict?: (verdict: Verdict, index: number) => void;
  /** Stop at the first scenario that does not pass (verify's "every starter fails" check). */
  stopAtFirstFailure?: boolean;
  /** How many scenarios run at once (default 2: one per core on CI's machine; warm: WARM_CONCURRENCY). */
  concurrency?: number;
  /**
   * The perturbation seed (every verdict carries it; the same seed replays the same perturbation).
   * Default: a fresh random seed. `false`: no perturbation at all.
   */
  seed?: number | false;
  /**
   * Watch mode: use the warm runners launched while the learner typed, and launch the next ones
   * once this grading is done (pool.ts). Costs idle processes; saves each scenario its start-up.
   */
  warm?: boolean;
  /** Scenario names to run first (watch mode: the ones that failed last time), then the rest in order. */
  first?: string[];
  /** The language of the verdicts' messages (default: the current language, see @workshop/i18n). */
  lang?: Lang;
}

/**
 * The scenarios of a cell's chapter: name, title and deadline, without running anything. A title
 * that is a catalogue key ("lock:counter.title") comes in words, in `lang` (default: the current).
 */
export async function scenariosOf(cell: Cell, lang?: Lang): Promise<(Scenario<unknown> & { title: string })[]> {
  const mod = (await import(cell.scenarioFile)) as { scenarios: Scenario<unknown>[] };
  return mod.scenarios.map((s) => ({ ...s, title: scenarioTitle(s.title, lang) }));
}

/**
 * Scenarios at once in watch mode. A warm runner has started its runtime and children already, so
 * what is left of a scenario is mostly waiting (timeouts, a close to be noticed, a 500 ms idle recv):
 * four at once on 2 cores gave a solved cell's verdict 15–40 % sooner than two (01-lock/bun 1.15 →
 * 0.91 s, 02-pipe/deno 2.12 → 1.82 s, 03-queue/deno 3.65 → 2.24 s; `npm run bench -- grading
 * --concurrency N`), every solution still green; eight gained nothing more.
 */
const WARM_CONCURRENCY = 4;

/** A file that cannot load fails every scenario the same way: say it once, skip the rest. */
const HOPELESS: Verdict["status"][] = ["error", "loading"];

/** Verdicts come back in scenario order, whatever order they finished in. */
export async function gradeCell(opts: GradeOptions): Promise<Verdict[]> {
  const lang = opts.lang ?? language();
  const scenarios = await scenariosOf(opts.cell, lang);
  // The order they start in: the likely failures first, so the first failure shows soonest.
  const first = opts.first ?? [];
  const order = [...scenarios.keys()].sort((a, b) => rank(first, scenarios[a]!.name) - rank(first, scenarios[b]!.name) || a - b);
  const seed = opts.seed === false ? undefined : (opts.seed ?? Math.floor(Math.random() * 2 ** 31));
  const verdicts: Verdict[] = new Array(scenarios.length);
  const stopOthers = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, stopOthers.signal]) : stopOthers.signal;
  let hopeless: Verdict | undefined;
  let next = 0;
  let stop = false;
  const lane = async () => {
    while (!stop && !hopeless && !opts.signal?.aborted && next < scenarios.length) {
      const index = order[next++]!;
      const scenario = scenarios[index]!;
      let verdict = await runScenario({ cell: opts.cell, target: opts.target, scenario, signal, seed, warm: opts.warm, lang });
      if (hopeless && verdict !== hopeless && !opts.signal?.aborted) verdict = notRun(verdict, hopeless, lang);
      verdicts[index] = verdict;
      opts.onVerdict?.(verdict, index);
      if (!hopeless && HOPELESS.includes(verdict.status) && !opts.signal?.aborted) {
        hopeless = verdict;
        stopOthers.abort(); // the scenario running beside this one would only say the same
      }
      if (opts.stopAtFirstFailure && verdict.status !== "pass" && verdict.status !== "skipped") stop = true;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? (opts.warm ? WARM_CONCURRENCY : 2) }, lane));
  if (hopeless && !stop) {
    for (const [index, scenario] of scenarios.entries()) {
      if (verdicts[index]) continue;
      const base = { cell: opts.cell.id, file: hopeless.file, scenario: scenario.name, title: scenario.title, seed };
      verdicts[index] = notRun({ ...base, status: "notrun", durationMs: 0, workers: [], output: [], runtimeOutput: "", events: [] }, hopeless, lang);
      opts.onVerdict?.(verdicts[index], index);
    }
  }
  if (opts.warm && !opts.signal?.aborted) void warmUp(opts.cell, opts.cell.scenarioFile, scenarios, targetOf(opts));
  return verdicts.filter(Boolean);
}

function rank(first: string[], name: string): number {
  const at = first.indexOf(name);
  return at < 0 ? first.length : at;
}

function targetOf(opts: GradeOptions): string {
  return typeof opts.target === "string" ? targetFile(opts.cell, opts.target) : opts.target.file;
}

/** Not run, and why (the status says "not run"): "the file could not run (see "…")". */
function notRun(v: Verdict, because: Verdict, lang: Lang): Verdict {
  const text = msg(because.status === "loading" ? "harness:notRun.neverLoaded" : "harness:notRun.couldNotRun", { title: because.title });
  return { ...v, status: "notrun", message: render(text, lang), text, durationMs: 0 };
}
