// A chapter's demo (the seed's example, ported), run on the learner's starter or the solution.
// One file per chapter, workshops/NN-topic/demo.ts, for every runtime (argument `solution` picks
// the solution); where a chapter has none yet, the cell's own <runtime>/demo.ts. Each demo runs as
// its own process group (detached) so that q, Ctrl-C or the app's exit can kill it together with
// every process it started.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type Cell, denoPermissions, REPO } from "@workshop/harness";

const BIN = join(REPO, "node_modules", ".bin");
const running = new Set<ChildProcess>();

/** The chapter's demo.ts if it has one, else the cell's. */
export function demoFile(c: Cell): string {
  const chapterDemo = join(REPO, "workshops", c.chapter, "demo.ts");
  return existsSync(chapterDemo) ? chapterDemo : join(c.dir, "demo.ts");
}

export const hasDemo = (c: Cell) => existsSync(demoFile(c));

/** The command line that runs the demo in the cell's runtime: node via tsx, Deno with named permissions, Bun. */
export function demoArgv(c: Cell, which: "starter" | "solution"): string[] {
  const file = demoFile(c);
  const arg = which === "solution" ? ["solution"] : [];
  switch (c.runtime) {
    case "node":
      return [join(BIN, "tsx"), file, ...arg];
    case "deno":
      return [join(BIN, "deno"), "run", "--no-prompt", `--allow-read=${REPO}`, ...denoPermissions(c), file, ...arg];
    case "bun":
      return [join(BIN, "bun"), file, ...arg];
  }
}

/** Start the demo with the terminal as its stdout/stderr; resolves with its exit code. */
export function runDemo(c: Cell, which: "starter" | "solution"): { done: Promise<number | null>; stop: () => void } {
  const [exe, ...args] = demoArgv(c, which) as [string, ...string[]];
  const child = spawn(exe, args, { cwd: REPO, detached: true, stdio: ["ignore", "inherit", "inherit"] });
  running.add(child);
  const done = new Promise<number | null>((resolve) => {
    child.on("error", () => resolve(null));
    child.on("close", (code) => {
      killDemo(child); // anything it left behind
      running.delete(child);
      resolve(code);
    });
  });
  return { done, stop: () => killDemo(child) };
}

export function stopAllDemos(): void {
  for (const child of running) killDemo(child);
}

function killDemo(child: ChildProcess): void {
  if (!child.pid) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

process.on("exit", stopAllDemos);
