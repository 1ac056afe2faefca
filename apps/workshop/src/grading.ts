// Grade the learner's starter of one cell and remember the outcome in progress (the cache): a pass
// marks the exact file that passed, anything else clears the mark. A cancelled run records nothing.
import { readFileSync } from "node:fs";
import { type Cell, gradeCell, scenariosOf, targetFile, type Verdict } from "@workshop/harness";
import { markSolved, markUnsolved, updateProgress } from "./state/progress.ts";

export interface Grading {
  verdicts: Verdict[];
  passed: boolean;
  cancelled: boolean;
  /** From the call to the last verdict. */
  ms: number;
}

export async function scenarioCount(c: Cell): Promise<number> {
  return (await scenariosOf(c)).length;
}

export async function gradeStarter(stateDir: string, c: Cell, opts: { signal?: AbortSignal; onVerdict?: (v: Verdict) => void } = {}): Promise<Grading> {
  const started = performance.now();
  const file = targetFile(c, "starter");
  const source = readFileSync(file, "utf8");
  const total = await scenarioCount(c);
  const verdicts = await gradeCell({ cell: c, target: "starter", signal: opts.signal, onVerdict: opts.onVerdict });
  const ms = performance.now() - started;
  const cancelled = Boolean(opts.signal?.aborted) || readFileSync(file, "utf8") !== source;
  const passed = !cancelled && verdicts.length === total && verdicts.every((v) => v.status === "pass");
  if (!cancelled) await updateProgress(stateDir, (p) => (passed ? markSolved(p, c.id, source) : markUnsolved(p, c.id)));
  return { verdicts, passed, cancelled, ms };
}
