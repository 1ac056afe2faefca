// The harness's last word. A tiny process of its own (detached: its own group) that outlives a
// harness killed with SIGKILL — by a test runner, by an impatient learner — and then kills every
// run it was told about: their process groups, and every process carrying a run's marker (what
// learner code started detached or with setsid). The harness tells it, on its stdin:
//   + <pgid> <marker>    a run started        - <pgid> <marker>    that run is over
//   d 0 <path>           remove this at the end (a run dir, a build)   u 0 <path>   no need
// When stdin ends, the harness is gone: reap what is left, and go.
import { rmSync } from "node:fs";
import { killPids, processesMarked, RUN_MARKER } from "./processes.ts";

const runs = new Map<string, number>();
const paths = new Set<string>();
let pending = "";

process.stdin.on("data", (chunk: Buffer) => {
  pending += chunk.toString("utf8");
  const lines = pending.split("\n");
  pending = lines.pop() ?? "";
  for (const line of lines) {
    const [sign, pgid, ...rest] = line.split(" ");
    const marker = rest.join(" ");
    if (!marker) continue;
    if (sign === "+") runs.set(marker, Number(pgid));
    else if (sign === "-") runs.delete(marker);
    else if (sign === "d") paths.add(marker);
    else if (sign === "u") paths.delete(marker);
  }
});

process.stdin.on("end", () => {
  for (const [marker, pgid] of runs) {
    try {
      if (pgid > 0) process.kill(-pgid, "SIGKILL");
    } catch {
      // the group is gone
    }
    killPids(processesMarked(RUN_MARKER, marker));
  }
  for (const path of paths) rmSync(path, { recursive: true, force: true });
  process.exit(0);
});
