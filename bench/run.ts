// `npm run bench`: every bench/<topic>.ts on each runtime's solution, and bench/python/<topic>.py,
// in the same run on the same machine, side by side as ratios against Python.
//   npm run bench [-- lock pipe queue]
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { cells, REPO, runScenario } from "@workshop/harness";

type Metrics = Record<string, number>;

const topics = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(join(REPO, "bench"))
      .filter((f) => f.endsWith(".ts") && f !== "run.ts")
      .map((f) => f.replace(/\.ts$/, ""));

for (const topic of topics) {
  const scenarioFile = join(REPO, "bench", `${topic}.ts`);
  const python = join(REPO, "bench", "python", `${topic}.py`);
  const row: Record<string, Metrics | string> = {};
  if (existsSync(python)) {
    try {
      row.python = JSON.parse(execFileSync("python3", [python], { encoding: "utf8", timeout: 120_000 })) as Metrics;
    } catch (err) {
      row.python = `python failed: ${(err as Error).message.split("\n")[0]}`;
    }
  }
  for (const cell of cells().filter((c) => c.chapter.replace(/^\d\d-/, "") === topic)) {
    const verdict = await runScenario({ cell, target: "solution", scenario: { name: "bench", title: `${topic} bench`, deadlineMs: 120_000 }, scenarioFile });
    row[cell.runtime] = verdict.status === "pass" ? (verdict.data as Metrics) : `${verdict.status}: ${verdict.message?.split("\n")[0]}`;
  }
  printTable(topic, row);
}

function printTable(topic: string, row: Record<string, Metrics | string>): void {
  const py = typeof row.python === "object" ? row.python : undefined;
  const metrics = [...new Set(Object.values(row).flatMap((m) => (typeof m === "object" ? Object.keys(m) : [])))];
  const runtimes = Object.keys(row).filter((k) => k !== "python");
  console.log(`\n${topic}`);
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
