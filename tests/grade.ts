// One vitest test per scenario of a cell. Which file is graded comes from WORKSHOP_TARGET:
// "starter" (default — the learner's work) or "solution" (the instructor's, used by verify).
import { cell, formatVerdict, runScenario, type Target } from "@workshop/harness";
import type { Scenario } from "@workshop/harness/scenario";
import { describe, test } from "vitest";

const target = (process.env.WORKSHOP_TARGET ?? "starter") as Target;

/** A failed verdict, shown by vitest as its message alone: the harness's stack would be noise. */
class VerdictError extends Error {
  override name = "Verdict";
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}

export async function gradeCell(id: string): Promise<void> {
  const c = cell(id);
  const { scenarios } = (await import(c.scenarioFile)) as { scenarios: Scenario<unknown>[] };
  // One cell alone (`npm test -- 01-lock/deno`) grades two scenarios at a time, as the app does;
  // a whole run already keeps both cores busy with two cells at a time.
  const run = process.env.WORKSHOP_ONE_CELL ? describe.concurrent : describe;
  run(`${id} (${target})`, () => {
    for (const scenario of scenarios) {
      // vitest's own timeout sits above the harness deadline: the harness reports a hang first.
      test(scenario.title, { timeout: (scenario.deadlineMs ?? 10_000) + 15_000 }, async () => {
        const verdict = await runScenario({ cell: c, target, scenario });
        if (verdict.status !== "pass") throw new VerdictError(formatVerdict(verdict));
      });
    }
  });
}
