// `npm run bench`: every bench/<topic>.ts on each runtime's solution, and bench/python/<topic>.py,
// in the same run on the same machine, side by side as ratios against Python.
//   npm run bench [-- lock pipe queue] [--trials 3]
//   npm run bench -- grading [--saves 5] [cells]   (save → verdict times: bench/grading/grading.ts)
// Each side runs `trials` times, interleaved, and each figure is its best trial: on a small machine
// one run can be slowed by anything (a wake-up from an idle core costs a ping-pong dearly). Every
// side runs unpinned and pinned to one core, and the load average of each trial is printed.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { cpus, loadavg } from "node:os";
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

// Each figure both unpinned and pinned: with both cores idle, a ping-pong pays a wake-up across
// cores per message; pinned to one (taskset -c 0 on every process of the run), a cheap switch.
const PIN = hasTaskset() ? ["unpinned", "pinned"] : ["unpinned"];
if (PIN.length === 1) console.log("taskset is missing: every figure is unpinned");

for (const topic of topics) {
  const scenarioFile = join(REPO, "bench", `${topic}.ts`);
  const python = join(REPO, "bench", "python", `${topic}.py`);
  const rows: Record<string, Record<string, Metrics | string>> = {};
  const loads: Record<string, number[]> = {};
  const runtimeCells = cells().filter((c) => topicOf(c.chapter) === topic);
  for (let trial = 0; trial < TRIALS; trial++) {
    for (const condition of PIN) {
      const row = (rows[condition] ??= {});
      const pinned = condition === "pinned";
      (loads[condition] ??= []).push(loadavg()[0]!);
      if (existsSync(python)) {
        try {
          const [exe, ...pyArgs] = pinned ? ["taskset", "-c", "0", "python3", python] : ["python3", python];
          keepBest(row, "python", JSON.parse(execFileSync(exe!, pyArgs, { encoding: "utf8", timeout: 120_000 })) as Metrics);
        } catch (err) {
          row.python = `python failed: ${(err as Error).message.split("\n")[0]}`;
        }
      }
      for (const cell of runtimeCells) {
        const restore = pinned ? pinSelf() : () => {}; // the runtime and its children inherit this process's CPUs
        const verdict = await runScenario({
          cell,
          target: "solution",
          scenario: { name: "bench", title: `${topic} bench`, deadlineMs: 120_000, quietMs: 120_000 },
          scenarioFile,
        }).finally(restore);
        if (verdict.status === "pass") keepBest(row, cell.runtime, verdict.data as Metrics);
        else row[cell.runtime] = `${verdict.status}: ${verdict.message?.split("\n")[0]}`;
      }
    }
  }
  printTable(topic, rows, loads);
}

function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Pin this process (every thread) to CPU 0 until the returned function puts its old CPUs back. */
function pinSelf(): () => void {
  const mask = execFileSync("taskset", ["-p", String(process.pid)], { encoding: "utf8" })
    .trim()
    .split(" ")
    .pop()!;
  execFileSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });
  return () => execFileSync("taskset", ["-a", "-p", mask, String(process.pid)], { stdio: "ignore" });
}

/** Every figure is a rate (more is better): keep each metric's best trial. A failure sticks. */
function keepBest(row: Record<string, Metrics | string>, who: string, m: Metrics): void {
  const had = row[who];
  if (typeof had === "string") return;
  row[who] = had ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.max(v, had[k] ?? v)])) : m;
}

/**
 * Per metric, runtime and condition: the solution, its bare channel (a metric named "<metric> (bare)",
 * where the bench measures one), Python, and the ratios. The load average (1 min) at each trial's start heads it.
 */
function printTable(topic: string, rows: Record<string, Record<string, Metrics | string>>, loads: Record<string, number[]>): void {
  const BARE = " (bare)";
  const all = Object.values(rows);
  const metrics = [...new Set(all.flatMap((row) => Object.values(row).flatMap((m) => (typeof m === "object" ? Object.keys(m) : []))))].filter(
    (m) => !m.endsWith(BARE),
  );
  const runtimes = [...new Set(all.flatMap((row) => Object.keys(row)))].filter((k) => k !== "python");
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
  console.log(`\n${topic} (best of ${TRIALS} trials; pinned: taskset -c 0 on every process)`);
  console.log(
    `load average (1 min) at the trials: ${Object.entries(loads)
      .map(([c, xs]) => `${c} ${range(xs)}`)
      .join(", ")} on ${cpus().length} cores`,
  );
  const cols = ["solution", "bare", "÷ bare", "python", "÷ python"];
  console.log(["metric".padEnd(24), "runtime".padEnd(8), "".padEnd(9), ...cols.map((c) => c.padStart(10))].join(" "));
  for (const metric of metrics) {
    for (const runtime of runtimes) {
      for (const [condition, row] of Object.entries(rows)) {
        const m = row[runtime];
        const py = row.python;
        const value = typeof m === "object" ? m[metric] : undefined;
        const bare = typeof m === "object" ? m[metric + BARE] : undefined;
        const pyValue = typeof py === "object" ? py[metric] : undefined;
        const ratio = (a?: number, b?: number) => (a !== undefined && b ? `${(a / b).toFixed(2)}×` : "—");
        const figures = [num(value), num(bare), ratio(value, bare), num(pyValue), ratio(value, pyValue)];
        console.log([metric.padEnd(24), runtime.padEnd(8), condition.padEnd(9), ...figures.map((f) => f.padStart(10))].join(" "));
      }
    }
  }
  for (const [condition, row] of Object.entries(rows))
    for (const [who, m] of Object.entries(row)) if (typeof m === "string") console.log(`  ${who} (${condition}): ${m}`);
}

function num(n: number | undefined): string {
  return n === undefined ? "—" : fmt(n);
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString("en") : n.toFixed(2);
}
