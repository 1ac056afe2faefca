// `npm run verify:full`: what verify does, without turbo's cache, plus what is too slow for every
// commit: the solutions graded again and again (flakes), and mutants — solutions with one planted
// bug each, which the scenarios must catch.
//   npm run verify:full [-- --runs 20] [--skip-verify]
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { accidentalPasses, cells, gradeCell, REPO } from "@workshop/harness";
import { describeOutcome, mutantsOf, runMutant } from "./mutants.ts";

const runsAt = process.argv.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 5;

let passed = 0;
let failed = 0;
const problems: string[] = [];
const check = (ok: boolean, problem: string) => {
  if (ok) passed++;
  else {
    failed++;
    problems.push(problem);
    console.log(`  ✗ ${problem}`);
  }
};

// 1. Everything verify checks, recomputed (`--skip-verify` when only the rest is of interest).
if (!process.argv.includes("--skip-verify")) {
  const verify = spawnSync(join(REPO, "node_modules/.bin/tsx"), ["scripts/verify.ts", "--force"], { cwd: REPO, stdio: "inherit" });
  check(verify.status === 0, "verify failed (see above)");
}

// 2. The solutions, graded RUNS more times: a single failure is a flake to fix.
for (let run = 1; run <= RUNS; run++) {
  for (const cell of cells()) {
    const verdicts = await gradeCell({ cell, target: "solution" });
    for (const v of verdicts)
      check(v.status === "pass" || v.status === "skipped", `run ${run}: ${cell.id} ${v.scenario} ${v.status}: ${v.message?.split("\n")[0]}`);
  }
  console.log(`solutions, run ${run}/${RUNS}: ${failed} failed so far`);
}

// 3. Mutants: every planted bug must fail a scenario, and the first failure must name it.
let mutantCount = 0;
for (const cell of cells()) {
  for (const mutant of await mutantsOf(cell)) {
    mutantCount++;
    const o = await runMutant(cell, mutant);
    check(o.outcome === "killed", describeOutcome(o));
    if (o.outcome === "killed") console.log(`  ${describeOutcome(o)}`);
  }
}
console.log(`mutants: ${mutantCount} run`);

// 4. What each untouched starter passes is exactly what its chapter lists as passing by accident
// (verify checks only that the listed ones pass; here every scenario runs).
for (const cell of cells()) {
  const verdicts = await gradeCell({ cell, target: "starter" });
  const passing = verdicts.filter((v) => v.status === "pass").map((v) => v.scenario);
  const listed = accidentalPasses(cell);
  const unlisted = passing.filter((name) => !listed.includes(name));
  check(
    unlisted.length === 0,
    `${cell.id}: the untouched starter passes ${unlisted.map((n) => `"${n}"`).join(", ")} — list it under accidentalPasses in workshops/${cell.chapter}/package.json (or make the starter fail it)`,
  );
}

console.log(`\nverify:full: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
