// How long grading takes: `npx tsx scripts/time-grade.ts [--solution] [--runs N] [cell…]`.
// Prints per cell the wall time of gradeCell (what the app's watch mode waits for) and each
// scenario's own time, so a slow scenario or mechanism is easy to spot.
import { cell, cells, gradeCell } from "@workshop/harness";

const args = process.argv.slice(2);
const target = args.includes("--solution") ? "solution" : "starter";
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 1;
const ids = args.filter((a, i) => !a.startsWith("--") && (runsAt < 0 || i !== runsAt + 1));
const chosen = ids.length ? ids.map(cell) : cells();

for (const c of chosen) {
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const verdicts = await gradeCell({ cell: c, target });
    const ms = Math.round(performance.now() - t0);
    const detail = verdicts.map((v) => `${v.scenario} ${v.status} ${v.durationMs}`).join(", ");
    console.log(`${c.id} (${target}) ${ms} ms — ${detail}`);
  }
}
