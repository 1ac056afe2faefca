// The seed's example, ported: a sender process sends a greeting through a Pipe, a receiver
// process receives it and prints it.
//   npm run deno -- run --allow-read=. workshops/02-pipe/deno/demo.ts            (your starter)
//   npm run deno -- run --allow-read=. workshops/02-pipe/deno/demo.ts solution   (the reference)
// Python prints "Hello from sender".
import type { Connection, PipeCell } from "@workshop/contracts";
import { currentProcess, Process } from "@workshop/process";

export async function sender(conn: Connection<string>): Promise<void> {
  await conn.send("Hello from sender");
  await conn.close();
}

export async function receiver(conn: Connection<string>): Promise<void> {
  const msg = await conn.recv({ timeoutMs: 5_000 });
  console.log(`receiver got: ${msg}`);
}

if (currentProcess().id === "main") {
  const which = process.argv[2] === "solution" ? "solution" : "starter";
  const { Pipe } = (await import(`./${which}.ts`)) as PipeCell;
  const [parentConn, childConn] = await Pipe<string>();
  const p1 = new Process({ module: import.meta.url, target: "sender", args: [parentConn] });
  const p2 = new Process({ module: import.meta.url, target: "receiver", args: [childConn] });
  await p1.start();
  await p2.start();
  await p1.join();
  await p2.join();
  console.log(`${which}: sender exited ${p1.exitCode}, receiver exited ${p2.exitCode}${p2.error ? ` (${p2.error.message})` : ""}`);
}
