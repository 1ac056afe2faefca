// Everything the harness leaves on the machine while it works — process groups, run dirs, builds —
// is registered here and removed when the harness's own process ends: on a normal exit, on
// Ctrl-C, on SIGTERM (vitest ends its workers that way) or SIGHUP. No orphans, no litter.
import { rmSync } from "node:fs";

const groups = new Set<number>();
const paths = new Set<string>();

export function trackGroup(pgid: number): void {
  groups.add(pgid);
}

export function untrackGroup(pgid: number): void {
  groups.delete(pgid);
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
}

export function forget(path: string): void {
  paths.delete(path);
}

function cleanUp(): void {
  for (const pgid of groups) killGroup(pgid);
  groups.clear();
  for (const path of paths) rmSync(path, { recursive: true, force: true });
  paths.clear();
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
