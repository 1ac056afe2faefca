// The bare channel under Bun's pipe: the very same wiring — one Pipe() of the solution, each
// direction a child's stdout feeding the other's stdin like `a | b` (a Unix socket pair each, from
// child to child, as wire.ts wires it) — but the children read their stdin and write their stdout
// raw: no lines, no JSON, no timers. What the solution's figures are measured against (bench/pipe.ts).
import { cpuMs } from "@workshop/harness/scenario";
import type { EndCpu, Figures, Plan } from "./figures.ts";

/** What Bun gives a child for its own stdio (typed here: bench/ is typechecked without bun-types). */
interface BunStdio {
  stdin: { stream(): ReadableStream<Uint8Array> };
  stdout: { writer(): { write(bytes: Uint8Array): number; flush(): number | Promise<number> } };
}
const bun = () => (globalThis as unknown as { Bun: BunStdio }).Bun;

/** Ping-pong 8 bytes, then `blocks` × 1 MiB one way until the sink's one-byte ack. (`_end`: the Pipe end whose stdio this child was given.) */
export async function drive(_end: unknown, { warmup, rounds, blocks, blockBytes }: Plan): Promise<Figures> {
  const reader = bun().stdin.stream().getReader();
  const out = bun().stdout.writer();
  const ping = new Uint8Array(8).fill(1);
  let t0 = performance.now();
  let cpu0 = cpuMs();
  for (let round = 0; round < warmup + rounds; round++) {
    if (round === warmup) [t0, cpu0] = [performance.now(), cpuMs()];
    out.write(ping);
    await out.flush();
    for (let back = 0; back < ping.length; ) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the echo ended early");
      back += value.length;
    }
  }
  const roundTripsPerSec = rounds / ((performance.now() - t0) / 1000);
  const roundTripsCpu = cpuMs() - cpu0;
  const block = new Uint8Array(blockBytes).fill(7);
  [t0, cpu0] = [performance.now(), cpuMs()];
  for (let i = 0; i < blocks; i++) {
    out.write(block);
    await out.flush(); // backpressure, as the solution's send() waits for it
  }
  await reader.read(); // the ack
  const mibPerSec = (blocks * blockBytes) / (1 << 20) / ((performance.now() - t0) / 1000);
  return { roundTripsPerSec, mibPerSec, cpu: { roundTrips: roundTripsCpu, blocks: cpuMs() - cpu0 } };
}

/** Echo every byte until every round trip's 8 came back, then count the blocks and ack with one byte. */
export async function echoThenSink(_end: unknown, { warmup, rounds, blocks, blockBytes }: Plan): Promise<EndCpu> {
  const reader = bun().stdin.stream().getReader();
  const out = bun().stdout.writer();
  let echoed = 0;
  let sunk = 0;
  let cpu0 = 0;
  let roundTrips = 0;
  while (sunk < blocks * blockBytes) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the driver ended early");
    if (echoed < (warmup + rounds) * 8) {
      if (echoed === warmup * 8) cpu0 = cpuMs(); // the driver's timed round trips begin
      echoed += value.length;
      out.write(value);
      await out.flush();
      if (echoed >= (warmup + rounds) * 8) [roundTrips, cpu0] = [cpuMs() - cpu0, cpuMs()];
    } else sunk += value.length;
  }
  const cpu = { roundTrips, blocks: cpuMs() - cpu0 };
  out.write(new Uint8Array(1));
  await out.flush();
  return cpu;
}
