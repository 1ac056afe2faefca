// Grade a whole cell: every scenario of its chapter, each in its own run, reported as it finishes.
// Used by the app (watch mode) and by scripts; the vitest files run the same scenarios one by one.

import type { Cell, Target } from "./cells.ts";
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
  /** How many scenarios run at once (default 2: one per core on CI's machine). */
  concurrency?: number;
}

/** The scenarios of a cell's chapter: name, title and deadline, without running anything. */
export async function scenariosOf(cell: Cell): Promise<Scenario<unknown>[]> {
  const mod = (await import(cell.scenarioFile)) as { scenarios: Scenario<unknown>[] };
  return mod.scenarios;
}

/** Verdicts come back in scenario order, whatever order they finished in. */
export async function gradeCell(opts: GradeOptions): Promise<Verdict[]> {
  const scenarios = await scenariosOf(opts.cell);
  const verdicts: Verdict[] = new Array(scenarios.length);
  let next = 0;
  let stop = false;
  const lane = async () => {
    while (!stop && !opts.signal?.aborted && next < scenarios.length) {
      const index = next++;
      const scenario = scenarios[index]!;
      const verdict = await runScenario({ cell: opts.cell, target: opts.target, scenario, signal: opts.signal });
      verdicts[index] = verdict;
      opts.onVerdict?.(verdict, index);
      if (opts.stopAtFirstFailure && verdict.status !== "pass") stop = true;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 2 }, lane));
  return verdicts.filter(Boolean);
}
