// What the operating system says about a run's processes: how much CPU each has used and how much
// memory it holds (Linux: /proc, read in microseconds; elsewhere one `ps`), and which processes
// carry a run's marker in their environment — however they were started (detached, setsid) and
// whoever their parent is now. The harness uses these to tell a busy loop from a deadlock, to
// stop a runaway allocation, and to leave nothing behind.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** The environment variable every process of a run inherits: its value is the run's own folder. */
export const RUN_MARKER = "WORKSHOP_RUN";

const LINUX = process.platform === "linux";
/** Linux reports CPU time in clock ticks of 1/100 s to user space (USER_HZ), on every architecture. */
const TICK_MS = 10;

export interface ProcessSample {
  /** CPU time used so far (user + system), ms. */
  cpuMs: number;
  /** Resident memory, bytes. */
  rss: number;
  /**
   * Per thread, the time it has spent running and the time it spent ready to run but waiting for
   * a core, ms — Linux's schedstat. A spinning thread accrues running time, and on a busy machine
   * waiting time too; a thread that waits for an event accrues almost neither. Empty where the
   * kernel does not say (then the process's CPU time is all there is).
   */
  threads: Map<number, { ran: number; queued: number }>;
}

/** CPU and memory of each pid that still exists. */
export function sampleProcesses(pids: Iterable<number>): Map<number, ProcessSample> {
  const out = new Map<number, ProcessSample>();
  const list = [...new Set(pids)];
  if (list.length === 0) return out;
  if (LINUX) {
    for (const pid of list) {
      try {
        // Fields after the command (which may hold spaces and parentheses) start after the last ")".
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const state = fields[0];
        if (state === "Z" || state === "X") continue; // a zombie holds no memory and runs no code
        const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
        const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
        out.set(pid, { cpuMs, rss: rssKb * 1024, threads: threadTimes(pid) });
      } catch {
        // gone
      }
    }
    return out;
  }
  try {
    const text = execFileSync("ps", ["-o", "pid=,rss=,time=", "-p", list.join(",")], { encoding: "utf8" });
    for (const line of text.trim().split("\n")) {
      const [pid, rss, time] = line.trim().split(/\s+/);
      if (!pid || !rss || !time) continue;
      out.set(Number(pid), { cpuMs: psTimeMs(time), rss: Number(rss) * 1024, threads: new Map() });
    }
  } catch {
    // ps found none of them
  }
  return out;
}

/** Each thread's running and queued time (schedstat: "exec_runtime run_delay timeslices", in ns). */
function threadTimes(pid: number): Map<number, { ran: number; queued: number }> {
  const times = new Map<number, { ran: number; queued: number }>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const [ran, queued] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ");
        times.set(Number(tid), { ran: Number(ran) / 1e6, queued: Number(queued) / 1e6 });
      } catch {
        // no schedstat on this kernel, or the thread is gone
      }
    }
  } catch {
    // the process is gone
  }
  return times;
}

/** "1:02.50" or "01:02:03" (ps's cumulative CPU time) in ms. */
function psTimeMs(time: string): number {
  return (
    time
      .split(":")
      .map(Number)
      .reduce((acc, part) => acc * 60 + part, 0) * 1000
  );
}

/**
 * Every process (other than the caller) whose environment holds `NAME=value` exactly: a run's
 * processes inherit its marker, so this finds those that left its process group or lost their parent.
 */
export function processesMarked(name: string, value: string): number[] {
  const needle = `${name}=${value}\0`;
  if (LINUX) {
    const found: number[] = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      try {
        if (`${readFileSync(`/proc/${entry}/environ`, "latin1")}\0`.includes(needle)) found.push(Number(entry));
      } catch {
        // not ours to read, or gone
      }
    }
    return found;
  }
  try {
    // BSD/macOS ps: `e` appends the environment to each command line.
    const text = execFileSync("ps", ["-axeww", "-o", "pid=,command="], { encoding: "utf8", maxBuffer: 64 << 20 });
    return text
      .split("\n")
      .filter((line) => line.includes(`${name}=${value} `) || line.endsWith(`${name}=${value}`))
      .map((line) => Number(line.trim().split(/\s+/)[0]))
      .filter((pid) => pid && pid !== process.pid);
  } catch {
    return [];
  }
}

/** SIGKILL, ignoring processes that are already gone. */
export function killPids(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
}
