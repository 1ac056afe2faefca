// `npm run verify`: the gate for instructors and CI. Runs every step of verify-step.ts through
// turbo (unchanged steps come from its cache), then adds up their checks and ends with one line:
//   verify: N passed, M failed
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "@workshop/harness";

// Static checks read files only; steps that run processes spend much of their time waiting (a
// scenario's timeouts, a process starting), which leaves a core idle. So both kinds run at once:
// the static checks side by side, the running steps one after another beside them (no check in
// them depends on the machine being quiet: the gate must stay green with both cores busy).
const STATIC = ["lint", "typecheck-node", "typecheck-deno", "typecheck-bun", "deno-check", "i18n"];
const RUNNING = ["harness", "solutions", "starters", "app"];
const STEPS = [...STATIC, ...RUNNING];

// Results come back either from the steps that ran or from turbo's cache: never from an old run.
rmSync(join(REPO, ".verify"), { recursive: true, force: true });

const started = performance.now();
const turbo = (steps: string[], concurrency: number) =>
  new Promise<number>((resolve) => {
    const child = spawn(
      join(REPO, "node_modules/.bin/turbo"),
      [
        "run",
        ...steps.map((s) => `verify:${s}`),
        "--continue",
        `--concurrency=${concurrency}`,
        "--output-logs=new-only",
        "--log-order=grouped",
        ...process.argv.slice(2),
      ],
      { cwd: REPO, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" } },
    );
    child.on("error", () => resolve(1));
    child.on("close", (code) => resolve(code ?? 1));
  });
const turboStatus = Math.max(...(await Promise.all([turbo(STATIC, 2), turbo(RUNNING, 1)])));

let passed = 0;
let failed = 0;
const lines: string[] = [];
for (const step of STEPS) {
  const file = join(REPO, ".verify", `${step}.json`);
  if (!existsSync(file)) {
    failed++;
    lines.push(`  ✗ ${step}: did not report (see its output above)`);
    continue;
  }
  const r = JSON.parse(readFileSync(file, "utf8")) as { passed: number; failed: number; problems: string[] };
  passed += r.passed;
  failed += r.failed;
  lines.push(`  ${r.failed ? "✗" : "✓"} ${step}: ${r.passed} passed${r.failed ? `, ${r.failed} failed` : ""}`);
  for (const p of r.problems) lines.push(`      ${p}`);
}
console.log(`\n${lines.join("\n")}\n(${((performance.now() - started) / 1000).toFixed(1)} s; turbo exit ${turboStatus})`);
console.log(`verify: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && turboStatus === 0 ? 0 : 1);
