// Benchmark of chapter 04: items per second through the broker's queue — each put() and get() a
// round trip to a redis-server (the run's own, started by the harness), across real processes
// (workers on Deno). Run by bench/run.ts on each runtime's solution, beside bench/python/broker.py
// (multiprocessing.Queue, which never leaves the machine); `npm run bench -- queue broker` puts
// chapter 03's table beside it in the same run. Timed like bench/queue.ts: from a start barrier to
// every consumer's EOFError, process start-up not counted.
import type { Queue, QueueCell } from "@workshop/contracts";
import { fail, joinAll, type Scenario, type ScenarioContext } from "@workshop/harness/scenario";

// The workers are chapter 03's (children import this module and call them by name).
export { consume, produce } from "./queue.ts";

const ITEMS_1X1 = 5_000;
const PER_PRODUCER_3X3 = 2_000;

async function itemsPerSec({ cell, start }: ScenarioContext<QueueCell>, producers: number, consumers: number, perProducer: number): Promise<number> {
  const q: Queue<number> = await cell.createQueue<number>();
  const cons = [];
  const prods = [];
  for (let i = 0; i < consumers; i++) cons.push(await start("consume", [q]));
  for (let i = 0; i < producers; i++) prods.push(await start("produce", [q, i * perProducer, perProducer]));
  for (const p of [...cons, ...prods]) await p.waitFor("ready", { timeoutMs: 30_000 });
  const t0 = performance.now();
  for (const p of prods) await p.notify("go");
  await joinAll(prods, 100_000);
  await q.close();
  await joinAll(cons, 100_000);
  const seconds = (performance.now() - t0) / 1000;
  const total = cons.reduce((sum, c) => sum + (c.result as number), 0);
  if (total !== producers * perProducer) fail(`consumers got ${total} items, ${producers * perProducer} were put`);
  return Math.round(total / seconds);
}

export const scenarios: Scenario<QueueCell>[] = [
  {
    name: "bench",
    title: "broker queue items per second (1 producer × 1 consumer, then 3 × 3)",
    deadlineMs: 120_000,
    quietMs: 120_000,
    async run(ctx) {
      return { itemsPerSec1x1: await itemsPerSec(ctx, 1, 1, ITEMS_1X1), itemsPerSec3x3: await itemsPerSec(ctx, 3, 3, PER_PRODUCER_3X3) };
    },
  },
];
