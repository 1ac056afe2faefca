// `npm test [-- 01-lock | 01-lock/deno | deno] [--solution]`: grade cells with vitest.
// A filter names a chapter, a runtime, or one cell; anything else is an error that lists what
// exists, rather than vitest's bare "no test files found".
import { spawnSync } from "node:child_process";
import { join } from "node:path";
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

const run = spawnSync(join(REPO, "node_modules/.bin/vitest"), ["run", ...paths, ...passThrough], {
  cwd: REPO,
  stdio: "inherit",
  env: { ...process.env, WORKSHOP_TARGET: solution ? "solution" : (process.env.WORKSHOP_TARGET ?? "starter") },
});
if (run.status !== 0 && !solution && !process.env.CI) {
  console.log("Red is where every exercise starts. `npm start` re-grades your file on every save and has hints.");
}
process.exit(run.status ?? 1);
