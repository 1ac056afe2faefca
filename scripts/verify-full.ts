// `npm run verify:full`: what verify does, without turbo's cache, plus what is too slow for every
// commit: the solutions graded again and again (flakes), and mutants — solutions with one planted
// bug each, which the scenarios must catch.
//   npm run verify:full [-- --runs 20] [--skip-verify]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cells, gradeCell, REPO, targetFile } from "@workshop/harness";
import type { Mutant } from "../tests/mutants/mutant.ts";

const runsAt = process.argv.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 5;
const SCRATCH = join(REPO, "tests/mutants/.scratch");

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
    for (const v of verdicts) check(v.status === "pass", `run ${run}: ${cell.id} ${v.scenario} ${v.status}: ${v.message?.split("\n")[0]}`);
  }
  console.log(`solutions, run ${run}/${RUNS}: ${failed} failed so far`);
}

// 3. Mutants: every planted bug must fail at least one scenario.
mkdirSync(SCRATCH, { recursive: true });
for (const cell of cells()) {
  const topic = cell.chapter.replace(/^\d\d-/, "");
  const file = join(REPO, "tests/mutants", `${topic}.ts`);
  if (!existsSync(file)) continue;
  const { mutants } = (await import(file)) as { mutants: Mutant[] };
  const solution = readFileSync(targetFile(cell, "solution"), "utf8");
  for (const m of mutants.filter((x) => x.runtime === cell.runtime)) {
    if (!solution.includes(m.find)) {
      check(false, `${cell.id} mutant "${m.name}" no longer applies: update tests/mutants/${topic}.ts`);
      continue;
    }
    const mutated = join(SCRATCH, `${cell.chapter}-${cell.runtime}-${m.name.replace(/\W+/g, "-")}.ts`);
    writeFileSync(mutated, solution.replace(m.find, m.replace));
    const verdicts = await gradeCell({ cell, target: { file: mutated }, stopAtFirstFailure: true });
    const caughtBy = verdicts.find((v) => v.status !== "pass");
    check(caughtBy !== undefined, `${cell.id} mutant "${m.name}" survived every scenario: a scenario is missing`);
    if (caughtBy) console.log(`  ✓ ${cell.id} mutant "${m.name}" caught by ${caughtBy.scenario} (${caughtBy.status})`);
  }
}
rmSync(SCRATCH, { recursive: true, force: true });

console.log(`\nverify:full: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
