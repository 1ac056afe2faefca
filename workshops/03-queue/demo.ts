// The seed's example, ported — and fixed: a producer puts 0..4, a consumer gets until the end.
// One file for the three runtimes: it runs your starter for the runtime it runs on.
//   npx tsx workshops/03-queue/demo.ts                                (Node)
//   npm run deno -- run --allow-read=. workshops/03-queue/demo.ts     (Deno)
//   npm run bun -- workshops/03-queue/demo.ts                         (Bun)
// Add `solution` to run the reference instead. In the seed, the consumer loops `while True:
// q.get()` and p2.join() never returns; here the producer closes the queue when it is done, and
// the consumer stops at EOFError.
import process from "node:process";
import { hasCode, type Queue, type QueueCell } from "@workshop/contracts";
import { currentProcess, Process, runtime } from "@workshop/process";

export async function producer(q: Queue<number>): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await q.put(i);
    console.log(`put ${i}`);
  }
  await q.close(); // "no more items": what the seed forgot to say
}

export async function consumer(q: Queue<number>): Promise<void> {
  for (;;) {
    try {
      console.log(`got ${await q.get()}`);
    } catch (err) {
      if (hasCode(err, "EOF")) break; // closed and drained: the loop can end
      throw err;
    }
  }
}

if (currentProcess().id === "main") {
  const which = process.argv.slice(2).includes("solution") ? "solution" : "starter";
  const cell = new URL(`./${runtime}/${which}.ts`, import.meta.url).href; // the file for this runtime
  const { createQueue } = (await import(cell)) as QueueCell;
  const q = await createQueue<number>();
  const p1 = new Process({ module: import.meta.url, target: "producer", args: [q] });
  const p2 = new Process({ module: import.meta.url, target: "consumer", args: [q] });
  await p1.start();
  await p2.start();
  await p1.join();
  // A starter that never says EOF hangs here, as the seed does: give up after 3 s and say so.
  const code = await p2.join({ timeoutMs: 3_000 });
  if (code === null) {
    p2.kill();
    console.log(`${runtime}/${which}: the consumer is still blocked in get() 3 s after close() — the seed's bug`);
  } else console.log(`${runtime}/${which}: both processes joined`);
}
