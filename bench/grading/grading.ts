// `npm run bench -- grading [--saves N] [cell|chapter|runtime …]`: how long a learner waits after a
// save, measured the way watch mode grades (gradeCell, in one long-lived process, file saved anew
// each time). Per cell, the median over N saves of
//   - the solution: the full verdict of a solved cell (bar: ≤ 1.0 s on a quiet 2-core machine);
//   - the pristine starter: the first failing scenario on screen (bar: ≤ 0.5 s), and its full verdict;
// each also as a multiple of that runtime's bare start-up (`node -e 0`, `deno eval 0`, `bun -e 0`)
// measured in the same run, so the figures compare across machines. Beside them, the CPU a save
// costs (harness and every graded process), and with `--phases` where a solved cell's time goes,
// phase by phase (docs/grading-time.md). `--concurrency N` runs N scenarios at once (default: as
// watch mode does).
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { type Cell, cells, coolDown, gradeCell, REPO, type Verdict } from "@workshop/harness";
import type { Runtime } from "@workshop/process";

const args = process.argv.slice(2);
const value = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
const SAVES = Number(value("--saves") ?? 5);
/** Watch mode keeps warm runners (pool.ts); `--cold` grades as npm test does, launching each one. */
const WARM = !args.includes("--cold");
/** A learner reads the verdict and edits before saving again: the warm runners start meanwhile. */
const THINK_MS = Number(value("--think-ms") ?? 2_000);
const CONCURRENCY = value("--concurrency") ? Number(value("--concurrency")) : undefined;
const PHASES = args.includes("--phases");
const filters = args.filter((a, i) => !a.startsWith("--") && a !== "grading" && !["--saves", "--think-ms", "--concurrency"].includes(args[i - 1] ?? ""));
const chosen = cells().filter((c) => filters.length === 0 || filters.some((f) => c.id === f || c.chapter === f || c.runtime === f));
const SCRATCH = join(REPO, "bench/.scratch");

const BIN = join(REPO, "node_modules/.bin");
const BARE: Record<Runtime, string[]> = {
  node: [process.execPath, "-e", "0"],
  deno: [join(BIN, "deno"), "eval", "0"],
  bun: [join(BIN, "bun"), "-e", "0"],
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : Number.NaN;
};

function bareStartup(runtime: Runtime): number {
  const times: number[] = [];
  for (let i = 0; i < SAVES; i++) {
    const t0 = performance.now();
    const [exe, ...rest] = BARE[runtime];
    execFileSync(exe!, rest, { stdio: "ignore" });
    times.push(performance.now() - t0);
  }
  return median(times);
}

/**
 * CPU time (ms) of this process and of every child it has reaped: a graded runtime's time includes
 * its own children's once it has waited for them (Linux /proc; NaN elsewhere).
 */
function cpuWithChildren(): number {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime, stime, cutime, cstime: fields 14–17 of proc(5), counted from after the name.
    return ((Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

interface Saves {
  /** ms from the save to the first verdict that is not a pass; NaN if all passed. */
  firstFailure: number[];
  /** ms from the save to the last verdict. */
  full: number[];
  /** CPU ms per save, the harness's and the graded processes'. */
  cpu: number[];
  /** Every verdict of every save (their timing says where the time went). */
  verdicts: Verdict[];
  passed: number;
}

/** Grade `file` SAVES times, each after appending a line to it (a save, as an editor would). */
async function saves(cell: Cell, file: string): Promise<Saves> {
  const out: Saves = { firstFailure: [], full: [], cpu: [], verdicts: [], passed: 0 };
  for (let i = 1; i <= SAVES; i++) {
    if (WARM) await new Promise((r) => setTimeout(r, THINK_MS));
    appendFileSync(file, `// save ${i}\n`);
    const t0 = performance.now();
    const cpu0 = cpuWithChildren();
    let first = Number.NaN;
    const verdicts = await gradeCell({
      cell,
      target: { file },
      warm: WARM,
      concurrency: CONCURRENCY,
      onVerdict: (v) => {
        if (Number.isNaN(first) && v.status !== "pass" && v.status !== "skipped") first = performance.now() - t0;
      },
    });
    out.full.push(performance.now() - t0);
    out.cpu.push(cpuWithChildren() - cpu0);
    out.verdicts.push(...verdicts);
    out.firstFailure.push(first);
    if (verdicts.every((v) => v.status === "pass" || v.status === "skipped")) out.passed++;
  }
  return out;
}

const bare = new Map<Runtime, number>();
console.log(
  `grading bench: ${SAVES} saves per cell and target, ${WARM ? `warm runners (as watch mode), ${THINK_MS} ms between saves` : "cold (as npm test)"}; load average at start ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
const rows: string[][] = [];
const phaseRows: string[][] = [];
for (const cell of chosen) {
  if (!bare.has(cell.runtime)) bare.set(cell.runtime, bareStartup(cell.runtime));
  const dir = join(SCRATCH, cell.id.replace("/", "-"));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(SCRATCH, { recursive: true });
  cpSync(cell.dir, dir, { recursive: true });
  const solved = await saves(cell, join(dir, "solution.ts"));
  coolDown();
  const starter = await saves(cell, join(dir, "starter.ts"));
  coolDown();
  rmSync(dir, { recursive: true, force: true });
  const b = bare.get(cell.runtime)!;
  const fmt = (ms: number) => (Number.isNaN(ms) ? "—" : `${(ms / 1000).toFixed(2)} s (${(ms / b).toFixed(0)}×)`);
  rows.push([
    cell.id,
    fmt(median(solved.full)),
    `${solved.passed}/${SAVES}`,
    fmt(median(starter.firstFailure.filter((x) => !Number.isNaN(x)))),
    fmt(median(starter.full)),
    `${(median(solved.cpu) / 1000).toFixed(2)} s`,
  ]);
  if (PHASES) phaseRows.push([cell.id, ...phases(solved.verdicts, SAVES)]);
  console.log(`  ${cell.id} done`);
}
const table = (header: string[], body: string[][]) => {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  console.log(line(header));
  for (const r of body) console.log(line(r));
};
console.log(`\nmedian of ${SAVES} saves; (N×) = multiple of the runtime's bare start-up; CPU: harness and graded processes, per save of the solution:`);
console.log(`  bare start-up: ${[...bare].map(([r, ms]) => `${r} ${ms.toFixed(0)} ms`).join(", ")}`);
table(["cell", "solved: full verdict", "green", "starter: 1st failure", "starter: full", "CPU/save"], rows);
if (PHASES) {
  console.log("\nwhere a solved cell's time goes, per save (ms, summed over its scenarios; the longest scenario bounds the verdict however many run at once):");
  table(["cell", "scenarios", "build", "boot", "load", "child boot", "work", "teardown", "longest scenario"], phaseRows);
}
console.log(
  `load average at end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);

/** Per save: the scenarios' phases summed (medians of the per-scenario figures × the count), and the longest scenario. */
function phases(verdicts: Verdict[], saves: number): string[] {
  const timed = verdicts.filter((v) => v.timing);
  const perSave = (pick: (v: Verdict) => number) => String(Math.round(timed.reduce((sum, v) => sum + pick(v), 0) / saves));
  const byScenario = new Map<string, number[]>();
  for (const v of timed) byScenario.set(v.scenario, [...(byScenario.get(v.scenario) ?? []), v.durationMs]);
  const [longest, times] = [...byScenario].sort((a, b) => median(b[1]) - median(a[1]))[0] ?? ["—", [Number.NaN]];
  return [
    String(byScenario.size),
    perSave((v) => v.timing!.build),
    perSave((v) => v.timing!.boot),
    perSave((v) => v.timing!.load),
    perSave((v) => v.timing!.childBoot * v.timing!.children),
    perSave((v) => v.timing!.work),
    perSave((v) => v.timing!.teardown),
    `${longest} ${Math.round(median(times))}`,
  ];
}
