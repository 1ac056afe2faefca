// `npm test [-- 01-lock | 01-lock/deno | deno] [--solution]`: grade cells with vitest.
// A filter names a chapter, a runtime, or one cell; anything else is an error that lists what
// exists, rather than vitest's bare "no test files found".
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cells, REPO, RUNTIMES } from "@workshop/harness";

const args = process.argv.slice(2);
const solution = args.includes("--solution");
const filters = args.filter((a) => !a.startsWith("--"));
const passThrough = args.filter((a) => a.startsWith("--") && a !== "--solution");

const all = cells();
const paths: string[] = [];
for (const filter of filters) {
  const f = filter.replace(/\/$/, "");
  const matching = all.filter((c) => c.id === f || c.chapter === f || c.runtime === f || c.chapter.replace(/^\d\d-/, "") === f);
  if (matching.length === 0) {
    console.error(`npm test: "${filter}" is not a chapter, runtime or cell.`);
    console.error(`  chapters: ${[...new Set(all.map((c) => c.chapter))].join(", ")}`);
    console.error(`  runtimes: ${RUNTIMES.join(", ")}`);
    console.error(`  cells:    e.g. ${all[0]?.id ?? "01-lock/node"}`);
    process.exit(2);
  }
  for (const c of matching) paths.push(`tests/cells/${c.chapter}/${c.runtime}.test.ts`);
}

// vitest prints each failure in full; the JSON report lets us end with one line per cell.
const report = join(mkdtempSync(join(tmpdir(), "workshop-test-")), "report.json");
const run = spawnSync(
  join(REPO, "node_modules/.bin/vitest"),
  ["run", ...paths, "--maxConcurrency=2", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...passThrough],
  {
    cwd: REPO,
    stdio: "inherit",
    env: {
      ...process.env,
      WORKSHOP_TARGET: solution ? "solution" : (process.env.WORKSHOP_TARGET ?? "starter"),
      ...(paths.length === 1 ? { WORKSHOP_ONE_CELL: "1" } : {}),
    },
  },
);
summarise(report);
rmSync(dirname(report), { recursive: true, force: true });
process.exit(run.status ?? 1);

/** Cells in workshop order with their score, and where to begin: the first one not yet green. */
function summarise(file: string): void {
  if (!existsSync(file)) return;
  const json = JSON.parse(readFileSync(file, "utf8")) as { testResults: { name: string; assertionResults: { status: string }[] }[] };
  const rows = json.testResults
    .map((r) => ({
      id: /cells\/(.+)\.test\.ts$/.exec(r.name)?.[1] ?? r.name,
      passed: r.assertionResults.filter((a) => a.status === "passed").length,
      total: r.assertionResults.length,
    }))
    .sort((a, b) => order(a.id) - order(b.id));
  console.log(`\n${solution ? "Solutions" : "Your cells"}, in workshop order:`);
  for (const r of rows) console.log(`  ${r.passed === r.total ? "✓" : "✗"} ${r.id.padEnd(14)} ${r.passed}/${r.total} scenarios pass`);
  const next = rows.find((r) => r.passed < r.total);
  if (next && !solution) {
    console.log(`\nBegin with ${next.id}: read workshops/${next.id.split("/")[0]}/README.md, edit workshops/${next.id}/starter.ts,`);
    console.log(`then \`npm test -- ${next.id}\` — or \`npm start\`, which re-grades on every save and has hints.`);
  }
}

function order(id: string): number {
  const index = all.findIndex((c) => c.id === id);
  return index < 0 ? Number.MAX_SAFE_INTEGER : index;
}
