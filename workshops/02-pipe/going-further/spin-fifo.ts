// Going further (not graded): a ping-pong over two FIFOs (named pipes) where the reader spins
// before it sleeps — the idea of glibc's adaptive mutex (PTHREAD_MUTEX_ADAPTIVE_NP): try again for a
// few microseconds, then block in the kernel. A reply that comes within the spin is taken without a
// wake-up at all; one that comes later costs what a plain blocking read costs.
//
//   npx tsx workshops/02-pipe/going-further/spin-fifo.ts [--rounds 20000] [--spin-us 50]
//
// It runs the same ping-pong three ways — blocking reads, spin-then-block, and Python's
// multiprocessing.Pipe — and prints round trips/s and the CPU each round trip burns. What the spin
// costs is the point: a core busy while it spins, an event loop that is blocked (readSync) and so
// deaf to timers and other I/O, and no timeout while blocked — only killing the process ends a read
// that never returns. That is why the graded pipe (recv with timeouts, on the event loop) does not
// do this. Every run has a deadline; the FIFOs and the children are removed whatever happens.
import { execFileSync, fork } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const DEADLINE_MS = 60_000; // per variant: past it, the children are killed
const MESSAGE = 8; // bytes: one round trip's counter (a write of up to PIPE_BUF bytes is never split)

interface Result {
  roundTripsPerSec: number;
  cpuUsPerRoundTrip: number;
  spunOut: number; // replies that came after the spin ran out (the reader slept)
}

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};

// ---- a child: one end of the ping-pong --------------------------------------------------------

/** Read exactly one message: spin on a non-blocking descriptor for up to `spinUs`, then block. */
function readMessage(spinning: number, blocking: number, into: Buffer, spinUs: number): boolean {
  if (spinUs > 0) {
    const until = process.hrtime.bigint() + BigInt(Math.round(spinUs * 1000));
    do {
      try {
        if (readSync(spinning, into, 0, MESSAGE, null) === MESSAGE) return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      }
    } while (process.hrtime.bigint() < until);
  }
  readSync(blocking, into, 0, MESSAGE, null); // sleeps in the kernel: no timers, no I/O, no timeout
  return false;
}

function child(role: "ping" | "pong", inPath: string, outPath: string, rounds: number, spinUs: number): void {
  // O_RDWR: opening a FIFO for reading alone would wait for a writer. Two descriptors on the same
  // FIFO: one non-blocking to spin on, one blocking to sleep on.
  const spinning = openSync(inPath, constants.O_RDWR | constants.O_NONBLOCK);
  const blocking = openSync(inPath, constants.O_RDWR);
  const out = openSync(outPath, constants.O_RDWR);
  const message = Buffer.alloc(MESSAGE);
  let spunOut = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // Adaptive, like glibc's mutex: a spin that found the reply is worth repeating (double the budget,
  // up to spinUs); one that ran out was a waste (halve it). Now and then try the full spin again.
  let budget = spinUs;
  for (let i = 0; i < rounds; i++) {
    if (role === "ping") writeSync(out, message);
    const caught = readMessage(spinning, blocking, message, i % 256 === 0 ? spinUs : budget);
    if (!caught) spunOut++;
    budget = caught ? Math.min(spinUs, Math.max(1, budget * 2)) : budget < 1 ? 0 : budget / 2;
    if (role === "pong") writeSync(out, message);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  for (const fd of [spinning, blocking, out]) closeSync(fd);
  const result: Result = { roundTripsPerSec: rounds / seconds, cpuUsPerRoundTrip: (cpu.user + cpu.system) / rounds, spunOut };
  process.send?.(result, () => process.exit(0));
}

// ---- the parent: make the FIFOs, run the pair, clean up ---------------------------------------

async function pair(dir: string, rounds: number, spinUs: number): Promise<Result> {
  const [ab, ba] = [join(dir, `ab-${spinUs}`), join(dir, `ba-${spinUs}`)];
  execFileSync("mkfifo", [ab, ba]);
  const self = fileURLToPath(import.meta.url);
  const start = (role: string, inPath: string, outPath: string) =>
    fork(self, ["--child", role, inPath, outPath, String(rounds), String(spinUs)], { stdio: "inherit" });
  const pong = start("pong", ab, ba);
  const ping = start("ping", ba, ab);
  const children = [ping, pong];
  try {
    const result = new Promise<Result>((resolve, reject) => {
      ping.once("message", (m) => resolve(m as Result));
      ping.once("exit", (code) => reject(new Error(`ping exited (${code}) before it reported`)));
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result within ${DEADLINE_MS} ms: a blocked read has no timeout — killed`)), DEADLINE_MS);
    });
    try {
      return await Promise.race([result, late]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    rmSync(ab, { force: true });
    rmSync(ba, { force: true });
  }
}

function python(): number | undefined {
  const bench = fileURLToPath(new URL("../../../bench/python/pipe.py", import.meta.url));
  try {
    const figures = JSON.parse(execFileSync("python3", [bench], { encoding: "utf8", timeout: DEADLINE_MS })) as Record<string, number>;
    return figures["round trips/s"];
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const rounds = arg("--rounds", 20_000);
  const spinUs = arg("--spin-us", 50);
  const dir = mkdtempSync(join(tmpdir(), "spin-fifo-"));
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  process.once("SIGINT", () => {
    cleanUp();
    process.exit(130);
  });
  try {
    console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores; ${rounds} round trips of ${MESSAGE} bytes`);
    const rows: [string, Result | undefined, number | undefined][] = [];
    const blocking = await pair(dir, rounds, 0);
    rows.push(["FIFO, blocking reads", blocking, undefined]);
    const spinning = await pair(dir, rounds, spinUs);
    rows.push([`FIFO, spin ≤ ${spinUs} µs then block`, spinning, undefined]);
    rows.push(["Python multiprocessing.Pipe", undefined, python()]);
    const py = rows[2]![2];
    for (const [what, r, pyRate] of rows) {
      const rate = r?.roundTripsPerSec ?? pyRate;
      const ratio = rate && py ? ` (${(rate / py).toFixed(2)}× Python)` : "";
      const slept = r && `${r.spunOut} of ${rounds} replies found the reader asleep`;
      const cpu = r ? `; ${r.cpuUsPerRoundTrip.toFixed(1)} µs of CPU per round trip (the pinging process); ${slept}` : "";
      console.log(`${what.padEnd(34)} ${rate ? Math.round(rate).toLocaleString("en").padStart(9) : "—".padStart(9)} round trips/s${ratio}${cpu}`);
    }
  } finally {
    cleanUp();
  }
}

if (process.argv[2] === "--child") {
  const [, , , role, inPath, outPath, rounds, spinUs] = process.argv;
  child(role as "ping" | "pong", inPath!, outPath!, Number(rounds), Number(spinUs));
} else {
  await main();
}
