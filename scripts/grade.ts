// A developer's grader (the learner's is `npm test`): grade cells N times and print every
// verdict's status, and each failure's message in full.
//   npx tsx scripts/grade.ts <cell|chapter|runtime> [--solution | --file F] [--runs N] [--concurrency N] [--quiet]
import { cells, gradeCell } from "@workshop/harness";

const args = process.argv.slice(2);
const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const file = value("--file");
const runs = Number(value("--runs") ?? 1);
const concurrency = value("--concurrency") ? Number(value("--concurrency")) : undefined;
const quiet = args.includes("--quiet");
const filter = args.find((a, i) => !a.startsWith("--") && !["--file", "--runs", "--concurrency"].includes(args[i - 1] ?? ""));
const chosen = cells().filter((c) => !filter || c.id === filter || c.chapter === filter || c.runtime === filter);
const tally = new Map<string, { pass: number; runs: number }>();
for (let r = 1; r <= runs; r++) {
  for (const cell of chosen) {
    const t0 = performance.now();
    const verdicts = await gradeCell({ cell, target: file ? { file } : args.includes("--solution") ? "solution" : "starter", concurrency });
    console.log(`${cell.id} run ${r}: ${Math.round(performance.now() - t0)} ms`);
    for (const v of verdicts) {
      const key = `${cell.id} ${v.scenario}`;
      const t = tally.get(key) ?? { pass: 0, runs: 0 };
      t.runs++;
      if (v.status === "pass" || v.status === "skipped") t.pass++;
      tally.set(key, t);
      console.log(`  ${v.status.padEnd(8)} ${v.scenario} (${v.durationMs} ms)`);
      if (!quiet && v.status !== "pass" && v.status !== "skipped") console.log(`    ${(v.message ?? "").split("\n").join("\n    ")}`);
    }
  }
}
if (runs > 1) for (const [key, t] of tally) console.log(`${t.pass === t.runs ? "✓" : "✗"} ${key}: passed ${t.pass}/${t.runs}`);
