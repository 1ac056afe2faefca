// The seed's example, ported: two processes each add 1 to a shared counter under a lock.
//   npm run bun -- workshops/01-lock/bun/demo.ts            (your starter)
//   npm run bun -- workshops/01-lock/bun/demo.ts solution   (the reference)
// Python prints 2; without the lock it "often" prints 1.
import type { Lock, LockCell, Value } from "@workshop/contracts";
import { currentProcess, Process } from "@workshop/process";

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
  const which = process.argv[2] === "solution" ? "solution" : "starter";
  const { createLock, createValue } = (await import(`./${which}.ts`)) as LockCell;
  const lock = await createLock();
  const counter = await createValue(0);
  const p1 = new Process({ module: import.meta.url, target: "worker", args: [lock, counter] });
  const p2 = new Process({ module: import.meta.url, target: "worker", args: [lock, counter] });
  await p1.start();
  await p2.start();
  await p1.join();
  await p2.join();
  console.log(`${which}: counter = ${await counter.get()} (expected 2)`);
}
