// Benchmark of chapter 02: round trips per second and MiB/s through one Pipe between two child
// processes (Deno: workers). Run by bench/run.ts on each runtime's solution; bench/python/pipe.py
// measures the same with multiprocessing.Pipe. Timing starts when both ends are up (a start
// barrier), so process start-up is not counted.
import type { Connection, PipeCell } from "@workshop/contracts";
import { fail, joinAll, type Scenario } from "@workshop/harness/scenario";
import { signalParent, waitForParent } from "@workshop/process";

const ROUND_TRIPS = 5_000;
const WARMUP = 200;
const BLOCKS = 64;
const BLOCK_BYTES = 1 << 20;

type Conn = Connection<unknown>;

/** One end: ping-pong round trips of a small message, then BLOCKS × 1 MiB one way, until the ack. */
export async function driver(conn: Conn): Promise<{ roundTripsPerSec: number; mibPerSec: number }> {
  signalParent("ready");
  await waitForParent("go");
  for (let i = 0; i < WARMUP; i++) {
    await conn.send(i);
    await conn.recv();
  }
  let t0 = performance.now();
  for (let i = 0; i < ROUND_TRIPS; i++) {
    await conn.send(i);
    if ((await conn.recv()) !== i) throw new Error(`round trip ${i} came back wrong`);
  }
  const roundTripsPerSec = ROUND_TRIPS / ((performance.now() - t0) / 1000);
  await conn.send("blocks");
  const block = new Uint8Array(BLOCK_BYTES).fill(7);
  t0 = performance.now();
  for (let i = 0; i < BLOCKS; i++) await conn.send(block);
  if ((await conn.recv()) !== BLOCKS) throw new Error("the sink did not acknowledge every block");
  const mibPerSec = (BLOCKS * BLOCK_BYTES) / (1 << 20) / ((performance.now() - t0) / 1000);
  await conn.close();
  return { roundTripsPerSec: Math.round(roundTripsPerSec), mibPerSec: Math.round(mibPerSec * 10) / 10 };
}

/** The other end: echo until "blocks", then take BLOCKS messages and say how many arrived. */
export async function echoThenSink(conn: Conn): Promise<void> {
  signalParent("ready");
  for (;;) {
    const msg = await conn.recv();
    if (msg === "blocks") break;
    await conn.send(msg);
  }
  let bytes = 0;
  for (let i = 0; i < BLOCKS; i++) bytes += ((await conn.recv()) as Uint8Array).length;
  if (bytes !== BLOCKS * BLOCK_BYTES) throw new Error(`received ${bytes} bytes of ${BLOCKS * BLOCK_BYTES}`);
  await conn.send(BLOCKS);
}

export const scenarios: Scenario<PipeCell>[] = [
  {
    name: "bench",
    title: `pipe: ${ROUND_TRIPS} round trips of a small message, then ${BLOCKS} × 1 MiB one way`,
    deadlineMs: 60_000,
    async run({ cell, start }) {
      const [a, b] = await cell.Pipe<unknown>();
      const drive = await start("driver", [a], "driver");
      const sink = await start("echoThenSink", [b], "echo-sink");
      for (const p of [drive, sink]) await p.waitFor("ready", { timeoutMs: 10_000 });
      await drive.notify("go");
      await joinAll([drive, sink], 50_000, "finish the benchmark");
      if (!drive.result) fail("the driver returned no figures");
      return drive.result;
    },
  },
];
