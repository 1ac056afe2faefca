// Every process group the harness starts is tracked until it is gone, so that the harness's own
// exit, Ctrl-C or a kill takes them all down with it: no orphans, ever.
const groups = new Set<number>();

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

function killAll(): void {
  for (const pgid of groups) killGroup(pgid);
  groups.clear();
}

process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal); // then die of the same signal, as the caller expects
  });
}
