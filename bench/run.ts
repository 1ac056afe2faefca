// `npm run bench`: every bench/<topic>.ts on each runtime's solution, and bench/python/<topic>.py,
// in the same run on the same machine, side by side as ratios against Python.
//   npm run bench [-- lock pipe queue] [--trials 3]
//   npm run bench -- grading [--saves 5] [cells]   (save → verdict times: bench/grading/grading.ts)
// Each side runs `trials` times, interleaved, and each figure is its best trial: on a small machine
// one run can be slowed by anything (a wake-up from an idle core costs a ping-pong dearly).
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { cells, REPO, runScenario, topicOf } from "@workshop/harness";

type Metrics = Record<string, number>;

if (process.argv.includes("grading")) {
  await import("./grading/grading.ts");
  process.exit(0);
}

const args = process.argv.slice(2);
const trialsAt = args.indexOf("--trials");
const TRIALS = trialsAt >= 0 ? Number(args[trialsAt + 1]) : 3;
const named = args.filter((a, i) => !a.startsWith("--") && (trialsAt < 0 || i !== trialsAt + 1));
const topics = named.length
  ? named
  : readdirSync(join(REPO, "bench"))
      .filter((f) => f.endsWith(".ts") && f !== "run.ts")
      .map((f) => f.replace(/\.ts$/, ""));

for (const topic of topics) {
  const scenarioFile = join(REPO, "bench", `${topic}.ts`);
  const python = join(REPO, "bench", "python", `${topic}.py`);
  const row: Record<string, Metrics | string> = {};
  const runtimeCells = cells().filter((c) => topicOf(c.chapter) === topic);
  for (let trial = 0; trial < TRIALS; trial++) {
    if (existsSync(python)) {
      try {
        keepBest(row, "python", JSON.parse(execFileSync("python3", [python], { encoding: "utf8", timeout: 120_000 })) as Metrics);
      } catch (err) {
        row.python = `python failed: ${(err as Error).message.split("\n")[0]}`;
      }
    }
    for (const cell of runtimeCells) {
      const verdict = await runScenario({
        cell,
        target: "solution",
        scenario: { name: "bench", title: `${topic} bench`, deadlineMs: 120_000, quietMs: 120_000 },
        scenarioFile,
      });
      if (verdict.status === "pass") keepBest(row, cell.runtime, verdict.data as Metrics);
      else row[cell.runtime] = `${verdict.status}: ${verdict.message?.split("\n")[0]}`;
    }
  }
  printTable(topic, row);
}

/** Every figure is a rate (more is better): keep each metric's best trial. A failure sticks. */
function keepBest(row: Record<string, Metrics | string>, who: string, m: Metrics): void {
  const had = row[who];
  if (typeof had === "string") return;
  row[who] = had ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.max(v, had[k] ?? v)])) : m;
}

function printTable(topic: string, row: Record<string, Metrics | string>): void {
  const py = typeof row.python === "object" ? row.python : undefined;
  const metrics = [...new Set(Object.values(row).flatMap((m) => (typeof m === "object" ? Object.keys(m) : [])))];
  const runtimes = Object.keys(row).filter((k) => k !== "python");
  console.log(`\n${topic} (best of ${TRIALS} trials; ratios against Python)`);
  console.log(["metric".padEnd(22), "python".padStart(12), ...runtimes.map((r) => r.padStart(22))].join(" "));
  for (const metric of metrics) {
    const cellsText = runtimes.map((r) => {
      const m = row[r];
      if (typeof m !== "object") return "—".padStart(22);
      const v = m[metric];
      if (v === undefined) return "—".padStart(22);
      const ratio = py?.[metric] ? ` (${(v / py[metric]).toFixed(2)}×)` : "";
      return `${fmt(v)}${ratio}`.padStart(22);
    });
    console.log([metric.padEnd(22), (py?.[metric] !== undefined ? fmt(py[metric]) : "—").padStart(12), ...cellsText].join(" "));
  }
  for (const [who, m] of Object.entries(row)) if (typeof m === "string") console.log(`  ${who}: ${m}`);
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString("en") : n.toFixed(2);
}
