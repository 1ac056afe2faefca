// The seed's example, ported: a sender process sends a greeting through a Pipe, a receiver
// process receives it and prints it. One file for the three runtimes: it runs your starter for the
// runtime it runs on.
//   npx tsx workshops/02-pipe/demo.ts                                (Node)
//   npm run deno -- run --allow-read=. workshops/02-pipe/demo.ts     (Deno)
//   npm run bun -- workshops/02-pipe/demo.ts                         (Bun)
// Add `solution` to run the reference instead. Python prints "Hello from sender".
import process from "node:process";
import type { Connection, PipeCell } from "@workshop/contracts";
import { currentProcess, Process, runtime } from "@workshop/process";

export async function sender(conn: Connection<string>): Promise<void> {
  await conn.send("Hello from sender");
  await conn.close();
}

export async function receiver(conn: Connection<string>): Promise<void> {
  console.log(await conn.recv({ timeoutMs: 5_000 }));
}

if (currentProcess().id === "main") {
  const which = process.argv.slice(2).includes("solution") ? "solution" : "starter";
  const cell = new URL(`./${runtime}/${which}.ts`, import.meta.url).href; // the file for this runtime
  const { Pipe } = (await import(cell)) as PipeCell;
  const [parentConn, childConn] = await Pipe<string>();
  const p1 = new Process({ module: import.meta.url, target: "sender", args: [parentConn] });
  const p2 = new Process({ module: import.meta.url, target: "receiver", args: [childConn] });
  await p1.start();
  await p2.start();
  await p1.join();
  await p2.join();
  console.log(`(${runtime}, ${which}: sender exited ${p1.exitCode}, receiver exited ${p2.exitCode}${p2.error ? ` — ${p2.error.message}` : ""})`);
}
