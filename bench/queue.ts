// Benchmark of chapter 03: items per second through the queue, across real processes (workers on
// Deno). Run by bench/run.ts on each runtime's solution; bench/python/queue.py measures the same
// with multiprocessing.Queue. Timing starts when every process is up (a start barrier) and ends
// when every consumer has seen EOF, so process start-up is not counted — on either side.
import { hasCode, type Queue, type QueueCell } from "@workshop/contracts";
import { fail, joinAll, type Scenario, type ScenarioContext } from "@workshop/harness/scenario";
import { signalParent, waitForParent } from "@workshop/process";

const ITEMS_1X1 = 20_000;
const PER_PRODUCER_3X3 = 10_000;

export async function produce(q: Queue<number>, from: number, count: number): Promise<void> {
  signalParent("ready");
  await waitForParent("go");
  for (let i = from; i < from + count; i++) await q.put(i);
}

export async function consume(q: Queue<number>): Promise<number> {
  signalParent("ready");
  let n = 0;
  for (;;) {
    try {
      await q.get();
      n++;
    } catch (err) {
      if (hasCode(err, "EOF")) return n;
      throw err;
    }
  }
}

async function itemsPerSec({ cell, start }: ScenarioContext<QueueCell>, producers: number, consumers: number, perProducer: number): Promise<number> {
  const q = await cell.createQueue<number>();
  const cons = [];
  const prods = [];
  for (let i = 0; i < consumers; i++) cons.push(await start("consume", [q]));
  for (let i = 0; i < producers; i++) prods.push(await start("produce", [q, i * perProducer, perProducer]));
  for (const p of [...cons, ...prods]) await p.waitFor("ready");
  const t0 = performance.now();
  for (const p of prods) await p.notify("go");
  await joinAll(prods, 60_000);
  await q.close();
  await joinAll(cons, 60_000);
  const seconds = (performance.now() - t0) / 1000;
  const total = cons.reduce((sum, c) => sum + (c.result as number), 0);
  if (total !== producers * perProducer) fail(`consumers got ${total} items, ${producers * perProducer} were put`);
  return Math.round(total / seconds);
}

export const scenarios: Scenario<QueueCell>[] = [
  {
    name: "bench",
    title: "queue items per second (1 producer × 1 consumer, then 3 × 3)",
    deadlineMs: 120_000,
    async run(ctx) {
      return { itemsPerSec1x1: await itemsPerSec(ctx, 1, 1, ITEMS_1X1), itemsPerSec3x3: await itemsPerSec(ctx, 3, 3, PER_PRODUCER_3X3) };
    },
  },
];
