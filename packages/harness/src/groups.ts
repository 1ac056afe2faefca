// Everything the harness leaves on the machine while it works — runs (a process group each, and
// whatever escaped it), run dirs, builds — is registered here and removed when the harness's own
// process ends: on a normal exit, on Ctrl-C, on SIGTERM (vitest ends its workers that way) or
// SIGHUP. Against SIGKILL, which no handler sees, a reaper process (reaper.ts) does it instead.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { killPids, processesMarked, RUN_MARKER } from "./processes.ts";

/** A graded run: its process group, and the marker every process of it inherits. */
export interface Run {
  pgid: number;
  marker: string;
}

const runs = new Set<Run>();
const paths = new Set<string>();
let reaper: ChildProcess | undefined;

/** Before a run starts: from now on, a harness killed by SIGKILL still has it reaped (by its marker). */
export function expectRun(marker: string): void {
  tellReaper(`+ 0 ${marker}`);
}

export function trackRun(run: Run): void {
  runs.add(run);
  tellReaper(`+ ${run.pgid} ${run.marker}`);
}

/** Kill the run's group and every process that carries its marker; forget it. */
export function endRun(run: Run): void {
  killGroup(run.pgid);
  killPids(processesMarked(RUN_MARKER, run.marker));
  runs.delete(run);
  tellReaper(`- ${run.pgid} ${run.marker}`);
}

export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone
  }
}

/** Remove this file or folder when the harness exits, unless `forget` was called first. */
export function removeAtExit(path: string): void {
  paths.add(path);
  tellReaper(`d 0 ${path}`);
}

export function forget(path: string): void {
  paths.delete(path);
  tellReaper(`u 0 ${path}`);
}

const untold: string[] = [];

/** Runs start the reaper; paths alone only wait for it (importing the harness spawns nothing). */
function tellReaper(line: string): void {
  if (!reaper && !line.startsWith("+")) {
    untold.push(line);
    return;
  }
  if (!reaper) reaper = startReaper();
  for (const earlier of untold.splice(0)) reaper?.stdin?.write(`${earlier}\n`);
  reaper?.stdin?.write(`${line}\n`);
}

/** The reaper is bundled once per harness process (a few ms) and run by plain node. */
function startReaper(): ChildProcess | undefined {
  try {
    const dir = join(tmpdir(), "workshop-build", String(process.pid));
    mkdirSync(dir, { recursive: true });
    paths.add(dir); // (told to the reaper once it runs, below)
    const outfile = join(dir, "reaper.cjs");
    buildSync({
      entryPoints: [fileURLToPath(new URL("./reaper.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "cjs",
      outfile,
      logLevel: "silent",
    });
    const child = spawn(process.execPath, [outfile], { detached: true, stdio: ["pipe", "ignore", "ignore"] });
    child.on("error", () => {}); // without a reaper, the exit handlers below still clean up
    child.stdin?.on("error", () => {});
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    child.stdin?.write(`d 0 ${dir}\n`);
    return child;
  } catch {
    return undefined;
  }
}

function cleanUp(): void {
  for (const run of [...runs]) endRun(run);
  for (const path of paths) rmSync(path, { recursive: true, force: true });
  paths.clear();
  reaper?.stdin?.end();
}

process.on("exit", cleanUp);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  // `once`, and then die of the same signal: other handlers (the app restores the terminal in
  // its own) still run, and the caller sees the exit it expects.
  process.once(signal, () => {
    cleanUp();
    process.kill(process.pid, signal);
  });
}
