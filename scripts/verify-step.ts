// One step of `npm run verify`, run by turbo (so an unchanged step is served from its cache).
// Each step is a small function with a one-line comment; it records how many checks passed and
// failed in .verify/<step>.json, which the summary in verify.ts adds up.
//   tsx scripts/verify-step.ts <step>
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { accidentalPasses, cells, chapters, gradeCell, gradeMany, passes, REPO, runScenario, scenariosOf } from "@workshop/harness";

interface StepResult {
  passed: number;
  failed: number;
  /** One line per failed check, saying how to fix it. */
  problems: string[];
}

const BIN = join(REPO, "node_modules/.bin");

const steps: Record<string, () => Promise<StepResult>> = {
  // Format and lint with Biome: fix with `npx biome check --write .`
  lint: async () => command("biome", ["ci", "--colors=off", "."], "formatting or lint errors: run `npx biome check --write .` and fix what remains"),
  // TypeScript under Node's types: harness, app, scripts, Node cells, and the shared contracts and scenarios.
  "typecheck-node": async () => command("tsc", ["-p", "tsconfig.node.json"], "type errors under tsconfig.node.json"),
  // TypeScript under Deno's types (Deno backend, Deno cells, contracts, scenarios).
  "typecheck-deno": async () => command("tsc", ["-p", "tsconfig.deno.json"], "type errors under tsconfig.deno.json"),
  // TypeScript under Bun's types (Bun backend, Bun cells, contracts, scenarios).
  "typecheck-bun": async () => command("tsc", ["-p", "tsconfig.bun.json"], "type errors under tsconfig.bun.json"),
  // Deno's own checker on every file Deno runs: it resolves imports the way Deno does.
  "deno-check": async () =>
    command(
      "deno",
      [
        "check",
        "--quiet",
        ...glob("packages/process/src/deno"),
        ...cells()
          .filter((c) => c.runtime === "deno")
          .flatMap((c) => glob(`workshops/${c.chapter}/deno`)),
        // A chapter's one demo.ts runs on Deno too.
        ...chapters().flatMap((ch) => (existsSync(join(REPO, "workshops", ch, "demo.ts")) ? [`workshops/${ch}/demo.ts`] : [])),
        ...glob("tests/scenarios"),
        "packages/harness/src/runner.ts",
      ],
      "`deno check` failed on a Deno file",
    ),
  // The harness keeps its promises: hangs become deadlock reports, bad cells get file:line, no orphans.
  harness: async () => vitest(["--root", "packages/harness"], {}),
  // Every instructor solution passes every scenario on its runtime (graded as `npm test -- --solution`
  // grades them: gradeCell, two cells at a time, the same report).
  solutions: async () => {
    const graded = await gradeMany({ cells: cells(), target: "solution", typecheck: false, write: (text) => process.stdout.write(text) });
    const verdicts = graded.flatMap((g) => g.runs.flat());
    const failing = verdicts.filter((v) => !passes(v));
    return {
      passed: verdicts.length - failing.length,
      failed: failing.length,
      problems: failing.map((v) => `${v.cell} "${v.scenario}" ${v.status}: ${(v.message ?? "").split("\n")[0]}`),
    };
  },
  // Every pristine starter fails at least one scenario, so no exercise ships already solved.
  // (Two cells at a time, each stopping at its first failing scenario: no run is wasted.)
  starters: async () => {
    const result: StepResult = { passed: 0, failed: 0, problems: [] };
    const check = (ok: boolean, problem: string) => {
      if (ok) result.passed++;
      else {
        result.failed++;
        result.problems.push(problem);
      }
    };
    const queue = cells();
    const lane = async () => {
      for (let cell = queue.shift(); cell; cell = queue.shift()) {
        const verdicts = await gradeCell({ cell, target: "starter", stopAtFirstFailure: true, concurrency: 1 });
        const failing = verdicts.find((v) => v.status !== "pass" && v.status !== "skipped");
        console.log(`${cell.id}: ${failing ? `fails "${failing.scenario}" (${failing.status}) as it should` : "PASSES everything"}`);
        check(Boolean(failing), `${cell.id}: the untouched starter passes every scenario — put the lesson back in (a TODO the grader catches)`);
        // What the chapter says the untouched starter passes by accident, it must pass: the app marks those passes.
        const scenarios = await scenariosOf(cell);
        for (const name of accidentalPasses(cell)) {
          const scenario = scenarios.find((s) => s.name === name);
          const v = scenario && (await runScenario({ cell, target: "starter", scenario }));
          check(
            v?.status === "pass",
            `${cell.id}: accidentalPasses lists "${name}", but the untouched starter ${v ? `does not pass it (${v.status})` : "has no such scenario"}: correct workshops/${cell.chapter}/package.json`,
          );
        }
      }
    };
    await Promise.all([lane(), lane()]);
    return result;
  },
  // The step-through app's own tests (state, backups, the terminal session).
  app: async () => (existsSync(join(REPO, "apps/workshop/package.json")) ? vitest(["--root", "apps/workshop"], {}) : { passed: 0, failed: 0, problems: [] }),
};

function command(bin: string, args: string[], problem: string): StepResult {
  const run = spawnSync(join(BIN, bin), args, { cwd: REPO, stdio: "inherit" });
  return run.status === 0 ? { passed: 1, failed: 0, problems: [] } : { passed: 0, failed: 1, problems: [problem] };
}

/** Run vitest, let it print as usual, and count its tests from its JSON report. */
function vitest(args: string[], env: Record<string, string>): StepResult {
  const report = join(REPO, ".verify", `vitest-${process.argv[2]}.json`);
  const run = spawnSync(join(BIN, "vitest"), ["run", ...args, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], {
    cwd: REPO,
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  if (!existsSync(report)) return { passed: 0, failed: 1, problems: [`vitest did not report (exit ${run.status})`] };
  const json = JSON.parse(readFileSync(report, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    testResults: { assertionResults: { status: string; fullName: string }[] }[];
  };
  const problems = json.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status === "failed").map((a) => a.fullName));
  const failed = json.numFailedTests + (run.status !== 0 && json.numFailedTests === 0 ? 1 : 0);
  return { passed: json.numPassedTests, failed, problems };
}

/** The .ts files directly in a folder of the repo, as repo-relative paths. */
function glob(dir: string): string[] {
  return readdirSync(join(REPO, dir))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => `${dir}/${f}`);
}

const name = process.argv[2] ?? "";
const step = steps[name];
if (!step) {
  console.error(`unknown step "${name}"; steps: ${Object.keys(steps).join(", ")}`);
  process.exit(2);
}
const result = await step();
mkdirSync(join(REPO, ".verify"), { recursive: true });
writeFileSync(join(REPO, ".verify", `${name}.json`), JSON.stringify(result, null, 2));
process.exit(result.failed === 0 ? 0 : 1);
