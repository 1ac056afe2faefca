// Starting a runner: the runtime, as the leader of a new process group, with its run dir, its
// environment marker and named permissions, loading the scenario module and prestarting children
// — everything but the graded file, which it is given on stdin (runner.ts). A cold run launches
// and says what to run at once; a warm one (pool.ts) was launched while the learner typed.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildBase, buildCell, type NodeBase } from "./build.ts";
import { type Cell, denoPermissions, REPO } from "./cells.ts";
import { endRun, expectRun, type Run, removeAtExit, trackRun } from "./groups.ts";
import { RUN_MARKER } from "./processes.ts";
import { startServices } from "./services.ts";
import type { Go } from "./verdict.ts";

const BIN = join(REPO, "node_modules", ".bin");
const OUTPUT_CAP = 1 << 20;

export interface Launched {
  child: ChildProcess;
  run: Run | undefined;
  runDir: string;
  scenarioFile: string;
  /** Node: the bundles it runs from (a cell must be built against the same base). */
  base?: NodeBase;
  /** The runtime's own stdout and stderr, capped. */
  output(): string;
  closed: Promise<void>;
}

export async function launch(cell: Cell, scenarioFile: string, children: number): Promise<Launched> {
  const runDir = mkdtempSync(join(tmpdir(), "workshop-run-"));
  removeAtExit(runDir); // should this process die mid-run
  // The servers the chapter needs (04-broker: a redis-server of this run's own); throws ServiceMissing.
  const services = await startServices(cell, runDir);
  const url = (f: string) => pathToFileURL(f).href;
  const runner = join(REPO, "packages/harness/src/runner.ts");
  const tail = (scenario: string) => [url(scenario), runDir, cell.runtime, String(children)];
  let base: NodeBase | undefined;
  let command: string[];
  switch (cell.runtime) {
    case "node":
      base = await buildBase(scenarioFile);
      command = [process.execPath, base.runner, ...tail(base.scenario)];
      break;
    case "deno":
      // Named permissions only: read the repo (sources, node_modules) and the run dir; write the run dir.
      command = [
        join(BIN, "deno"),
        "run",
        "--no-lock",
        "--no-prompt",
        "--quiet",
        `--allow-read=${REPO},${runDir}`,
        `--allow-write=${runDir}`,
        "--allow-env=WORKSHOP_DEADLINE_SCALE", // slack() in scenarios: a slow machine's longer budgets
        ...denoPermissions(cell),
        ...services.denoPermissions,
        runner,
        ...tail(scenarioFile),
      ];
      break;
    case "bun":
      command = [join(BIN, "bun"), runner, ...tail(scenarioFile)];
      break;
  }
  const [exe, ...args] = command;
  expectRun(runDir);
  // detached: the runtime leads a new process group, so one kill reaches every worker it started.
  // TMPDIR points into the run dir, so files a cell makes (lock files, mmap'd values) go with it;
  // the marker finds whatever left the group (detached, setsid) when the run is over.
  const child = spawn(exe!, args, {
    cwd: REPO,
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, ...services.env, TMPDIR: runDir, [RUN_MARKER]: runDir, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  const run: Run | undefined = child.pid ? { pgid: child.pid, marker: runDir } : undefined;
  if (run) trackRun(run);
  let output = "";
  let dropped = 0;
  const keep = (chunk: Buffer) => {
    if (output.length < OUTPUT_CAP) output += chunk.toString("utf8");
    else dropped += chunk.length;
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.stdin?.on("error", () => {}); // a runner that died before it was told what to run
  child.on("error", (err) => keep(Buffer.from(`could not start ${exe}: ${err.message}\n`)));
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve())).then(() => services.stop());
  return {
    child,
    run,
    runDir,
    scenarioFile,
    base,
    output: () => (dropped ? `${output}\n… ${dropped} more bytes not kept\n` : output).replaceAll(runDir, "<run>"),
    closed,
  };
}

/** Tell a launched runner what to run: the graded file (built for Node) and the scenario. */
export async function go(launched: Launched, file: string, scenario: string, seed?: number): Promise<void> {
  const cellUrl = launched.base ? pathToFileURL(await buildCell(launched.base, file)).href : pathToFileURL(file).href;
  const line: Go = { scenario, cell: cellUrl, seed: seed ?? null };
  launched.child.stdin?.end(`${JSON.stringify(line)}\n`);
}

/** A launched runner nobody will use: kill its group; its run dir goes when the harness exits. */
export function discard(launched: Launched): void {
  if (launched.run) endRun(launched.run);
}
