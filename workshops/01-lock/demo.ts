// The seed's example, ported: two processes each add 1 to a shared counter under a lock.
// One file for the three runtimes: it runs your starter for the runtime it runs on.
//   npx tsx workshops/01-lock/demo.ts                                (Node)
//   npm run deno -- run --allow-read=. workshops/01-lock/demo.ts     (Deno)
//   npm run bun -- workshops/01-lock/demo.ts                         (Bun)
// Add `solution` to run the reference instead. Python prints 2; without the lock it "often" prints 1.
import process from "node:process";
import type { Lock, LockCell, Value } from "@workshop/contracts";
import { currentProcess, Process, runtime } from "@workshop/process";

export async function worker(lock: Lock, counter: Value): Promise<void> {
  await lock.acquire();
  try {
    const seen = await counter.get();
    await new Promise((resolve) => setTimeout(resolve, 300)); // a slow task: the other process starts meanwhile
    await counter.set(seen + 1);
  } finally {
    await lock.release();
  }
}

if (currentProcess().id === "main") {
  const which = process.argv.slice(2).includes("solution") ? "solution" : "starter";
  const cell = new URL(`./${runtime}/${which}.ts`, import.meta.url).href; // the file for this runtime
  const { createLock, createValue } = (await import(cell)) as LockCell;
  const lock = await createLock();
  const counter = await createValue(0);
  const p1 = new Process({ module: import.meta.url, target: "worker", args: [lock, counter] });
  const p2 = new Process({ module: import.meta.url, target: "worker", args: [lock, counter] });
  await p1.start();
  await p2.start();
  await p1.join();
  await p2.join();
  console.log(`${runtime}/${which}: counter = ${await counter.get()} (expected 2)`);
}
