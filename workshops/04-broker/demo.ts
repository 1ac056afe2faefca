// The seed, past one machine. One file for the three runtimes: it runs your starter for the
// runtime it runs on (add `solution` to run the reference). Redis must be running: REDIS_URL says
// where (default redis://127.0.0.1:6379; `redis-server --save "" --appendonly no` starts one).
//
// On one machine, the seed's two processes:
//   npx tsx workshops/04-broker/demo.ts
//   npm run deno -- run --allow-read=. --allow-net=127.0.0.1 --allow-env=REDIS_URL workshops/04-broker/demo.ts
//   npm run bun -- workshops/04-broker/demo.ts
// On two machines (or two terminals): they share nothing but the broker's address and the queue's name.
//   REDIS_URL=redis://host:6379 npm start -- demo 04-broker/node -- consume      (machine B, first)
//   REDIS_URL=redis://host:6379 npm start -- demo 04-broker/deno -- produce 20   (machine A)
// Options: --queue NAME (default "demo"); consume: --work MS (each job takes that long), --json (one
// JSON line at the end, for scripts). Start two consumers with --work 1000 and kill one with Ctrl-C
// while it works: after claimIdleMs (2 s) the other gets that job — and processes it once, because
// a consumer skips ids already done.
import process from "node:process";
import { hasCode, type Queue } from "@workshop/contracts";
import { currentProcess, Process, runtime } from "@workshop/process";

/** What a cell's module exports: the contract's factory, plus opening a queue by name. */
interface BrokerCell {
  createQueue<T>(opts?: { maxsize?: number; name?: string }): Promise<BrokerQueue<T>>;
}

/** The chapter's Queue: the contract, plus once() (process an id once) and disconnect(). */
interface BrokerQueue<T> extends Queue<T> {
  once(id: string, work: () => Promise<void>): Promise<boolean>;
  disconnect(): Promise<void>;
}

interface Job {
  id: string;
  n: number;
}

/** Put `count` jobs, then close: "no more", after the last one. */
export async function producer(q: BrokerQueue<Job>, count = 5, tag: string = runtime): Promise<void> {
  for (let n = 0; n < count; n++) {
    await q.put({ id: `${tag}-${n}`, n });
    log(`put ${tag}-${n}`);
  }
  await q.close();
}

/** Get until EOF; process each job once, even if the broker hands it out twice. Each job takes `workMs`. */
export async function consumer(q: BrokerQueue<Job>, workMs = 0): Promise<string[]> {
  const processed: string[] = [];
  for (;;) {
    let job: Job;
    try {
      job = await q.get();
    } catch (err) {
      if (hasCode(err, "EOF")) return processed; // closed and drained
      throw err;
    }
    const first = await q.once(job.id, async () => {
      await new Promise((resolve) => setTimeout(resolve, workMs)); // the work: kill the process now, and another one does it
      processed.push(job.id);
      log(`processed ${job.id}`);
    });
    if (!first) log(`${job.id} again: done already, skipped`);
  }
}

const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const json = args.includes("--json");
const log = (line: string) => (json ? undefined : console.log(`[${runtime} ${currentProcess().id}] ${line}`));

if (currentProcess().id === "main") {
  const which = args.includes("solution") ? "solution" : "starter";
  const { createQueue } = (await import(new URL(`./${runtime}/${which}.ts`, import.meta.url).href)) as BrokerCell;
  const mode = args.find((a) => a === "produce" || a === "consume");
  const name = flag("--queue") ?? "demo";
  if (mode === "produce") {
    const q = await createQueue<Job>({ name });
    await producer(q, Number(args[args.indexOf("produce") + 1]) || 5, flag("--tag") ?? runtime);
    await q.disconnect();
  } else if (mode === "consume") {
    const q = await createQueue<Job>({ name });
    const processed = await consumer(q, Number(flag("--work")) || 0);
    await q.disconnect();
    if (json) console.log(JSON.stringify({ runtime, processed }));
    else console.log(`${runtime}/${which}: closed and drained — processed ${processed.length} jobs`);
  } else {
    // The seed on one machine: a producer process and a consumer process, the queue passed to both.
    const q = await createQueue<Job>({ name: `demo-${Date.now()}` });
    const p2 = new Process({ module: import.meta.url, target: "consumer", args: [q] });
    const p1 = new Process({ module: import.meta.url, target: "producer", args: [q] });
    await p2.start();
    await p1.start();
    await p1.join();
    const code = await p2.join({ timeoutMs: 3_000 });
    if (code === null) {
      p2.kill();
      console.log(`${runtime}/${which}: the consumer is still blocked in get() 3 s after close() — the seed's bug`);
    } else console.log(`${runtime}/${which}: both processes joined`);
    await q.disconnect();
  }
}
