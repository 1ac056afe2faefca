// Benchmark of chapter 01: how many locked increments per second, across processes.
// Run by bench/run.ts on each runtime's solution; bench/python/lock.py measures the same with
// multiprocessing.Lock + Value. Each worker loops for a fixed time, so slow and fast mechanisms
// are measured over the same span.
import type { Lock, LockCell, Value } from "@workshop/contracts";
import { fail, joinAll, type Scenario } from "@workshop/harness/scenario";
import { signalParent, waitForParent } from "@workshop/process";

const DURATION_MS = 1_000;

export async function incrementFor(lock: Lock, counter: Value, ms: number): Promise<number> {
  signalParent("ready");
  await waitForParent("go");
  const until = performance.now() + ms;
  let done = 0;
  while (performance.now() < until) {
    await lock.acquire();
    await counter.set((await counter.get()) + 1);
    await lock.release();
    done++;
  }
  return done;
}

async function run(cell: LockCell, start: (t: string, a: unknown[]) => Promise<import("@workshop/process").ProcessLike>, workers: number): Promise<number> {
  const lock = await cell.createLock();
  const counter = await cell.createValue(0);
  const procs = [];
  for (let i = 0; i < workers; i++) procs.push(await start("incrementFor", [lock, counter, DURATION_MS]));
  for (const p of procs) await p.waitFor("ready");
  for (const p of procs) await p.notify("go");
  await joinAll(procs, DURATION_MS + 20_000);
  const total = procs.reduce((sum, p) => sum + (p.result as number), 0);
  if ((await counter.get()) !== total) fail(`counter ${await counter.get()} != ${total} increments: the solution lost updates`);
  return Math.round(total / (DURATION_MS / 1000));
}

export const scenarios: Scenario<LockCell>[] = [
  {
    name: "bench",
    title: "locked increments per second (1 process, then 4 contending)",
    deadlineMs: 60_000,
    async run({ cell, start }) {
      return { incrementsPerSec1: await run(cell, start, 1), incrementsPerSec4: await run(cell, start, 4) };
    },
  },
];
