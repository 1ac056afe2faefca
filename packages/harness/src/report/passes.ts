// What counts as passing, in one place: a pass, or a skip (the property cannot hold for this
// mechanism, and the lesson says why). Everything that decides "every scenario passes" asks here.
import type { Verdict } from "../verdict.ts";

export const passes = (v: Pick<Verdict, "status">) => v.status === "pass" || v.status === "skipped";

/** Every scenario of the cell graded, and every one passes (skipped ones included). */
export const everyScenarioPasses = (verdicts: Pick<Verdict, "status">[], total: number) => verdicts.length === total && verdicts.every(passes);
