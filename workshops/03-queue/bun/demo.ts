// The seed's example, ported — and fixed: a producer puts 0..4, a consumer gets until the end.
//   npm run bun -- workshops/03-queue/bun/demo.ts            (your starter)
//   npm run bun -- workshops/03-queue/bun/demo.ts solution   (the reference)
// In the seed, the consumer loops `while True: q.get()` and p2.join() never returns. Here the
// producer closes the queue when it is done, and the consumer stops at EOFError.
import { hasCode, type Queue, type QueueCell } from "@workshop/contracts";
import { currentProcess, Process } from "@workshop/process";

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
  const which = process.argv[2] === "solution" ? "solution" : "starter";
  const { createQueue } = (await import(`./${which}.ts`)) as QueueCell;
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
    console.log(`${which}: the consumer is still blocked in get() 3 s after close() — the seed's bug`);
  } else console.log(`${which}: both processes joined`);
}
