// Benchmark of chapter 02: round trips per second and MiB/s through one Pipe between two child
// processes (Deno: workers), and the same through the bare channel under it (bench/channels/:
// the same mechanism with raw callbacks — no framing, no serialization), in the same run. Run by
// bench/run.ts on each runtime's solution, unpinned and pinned to one core; bench/python/pipe.py
// measures the same with multiprocessing.Pipe. Timing starts when both ends are up (a start
// barrier), so process start-up is not counted.
import type { Connection, PipeCell } from "@workshop/contracts";
import { cpuMs, fail, joinAll, type Scenario } from "@workshop/harness/scenario";
import { type Runtime, signalParent, waitForParent } from "@workshop/process";
import * as bunChannel from "./channels/bun.ts";
import * as denoChannel from "./channels/deno.ts";
import type { BareEnd, EndCpu, Figures, Plan } from "./channels/figures.ts";
import * as nodeChannel from "./channels/node.ts";

// 5,000 warm-up round trips: the JITs (V8, JavaScriptCore) compile a pipe's hot path only after a
// few thousand messages; timed after 200, a Node pipe ran at 9k round trips/s that runs at 21k once
// compiled (pinned). Python's figure does not move with a longer warm-up (bench/python/pipe.py: 200).
const PLAN: Plan = { warmup: 5_000, rounds: 5_000, blocks: 64, blockBytes: 1 << 20 };

type Conn = Connection<unknown>;

/** One end: ping-pong round trips of a small message, then BLOCKS × 1 MiB one way, until the ack. */
export async function driver(conn: Conn): Promise<Figures> {
  const { warmup, rounds, blocks, blockBytes } = PLAN;
  signalParent("ready");
  await waitForParent("go", { timeoutMs: 90_000 }); // the other pair may run first, slowly on a loaded machine
  for (let i = 0; i < warmup; i++) {
    await conn.send(i);
    await conn.recv();
  }
  let t0 = performance.now();
  let cpu0 = cpuMs();
  for (let i = 0; i < rounds; i++) {
    await conn.send(i);
    if ((await conn.recv()) !== i) throw new Error(`round trip ${i} came back wrong`);
  }
  const roundTripsPerSec = rounds / ((performance.now() - t0) / 1000);
  const roundTripsCpu = cpuMs() - cpu0;
  await conn.send("blocks");
  const block = new Uint8Array(blockBytes).fill(7);
  t0 = performance.now();
  cpu0 = cpuMs();
  for (let i = 0; i < blocks; i++) await conn.send(block);
  if ((await conn.recv()) !== blocks) throw new Error("the sink did not acknowledge every block");
  const mibPerSec = (blocks * blockBytes) / (1 << 20) / ((performance.now() - t0) / 1000);
  const cpu = { roundTrips: roundTripsCpu, blocks: cpuMs() - cpu0 };
  await conn.close();
  return { roundTripsPerSec, mibPerSec, cpu };
}

/** The other end: echo until "blocks", then take BLOCKS messages and say how many arrived. */
export async function echoThenSink(conn: Conn): Promise<EndCpu> {
  const { warmup, blocks, blockBytes } = PLAN;
  signalParent("ready");
  let cpu0 = 0;
  for (let echoed = 0; ; echoed++) {
    if (echoed === warmup) cpu0 = cpuMs(); // the driver's timed round trips begin
    const msg = await conn.recv();
    if (msg === "blocks") break;
    await conn.send(msg);
  }
  const roundTrips = cpuMs() - cpu0;
  cpu0 = cpuMs();
  let bytes = 0;
  for (let i = 0; i < blocks; i++) bytes += ((await conn.recv()) as Uint8Array).length;
  if (bytes !== blocks * blockBytes) throw new Error(`received ${bytes} bytes of ${blocks * blockBytes}`);
  const cpu = { roundTrips, blocks: cpuMs() - cpu0 };
  await conn.send(blocks);
  return cpu;
}

const channels = { node: nodeChannel, deno: denoChannel, bun: bunChannel };

/** The bare channel's driver: the same plan, with raw callbacks. */
export async function bareDriver(end: BareEnd, runtime: Runtime): Promise<Figures> {
  signalParent("ready");
  await waitForParent("go", { timeoutMs: 90_000 }); // the other pair may run first, slowly on a loaded machine
  return channels[runtime].drive(end, PLAN);
}

export async function bareEchoThenSink(end: BareEnd, runtime: Runtime): Promise<EndCpu> {
  signalParent("ready");
  return channels[runtime].echoThenSink(end, PLAN);
}

export const scenarios: Scenario<PipeCell>[] = [
  {
    name: "bench",
    title: `pipe: ${PLAN.rounds} round trips of a small message, then ${PLAN.blocks} × 1 MiB one way; the solution and its bare channel`,
    deadlineMs: 100_000,
    quietMs: 100_000,
    async run({ cell, start, runtime }) {
      // Bun's bare channel is a Pipe() of the solution itself, its children using their stdio raw.
      const [bareA, bareB] = runtime === "bun" ? await cell.Pipe<unknown>() : await channels[runtime].barePair();
      const [a, b] = await cell.Pipe<unknown>();
      const pairs = {
        solution: [await start("driver", [a], "driver"), await start("echoThenSink", [b], "echo-sink")],
        bare: [await start("bareDriver", [bareA, runtime], "bare-driver"), await start("bareEchoThenSink", [bareB, runtime], "bare-echo-sink")],
      };
      const figures: Record<string, number> = {};
      const order = Object.entries(pairs);
      if (Math.random() < 0.5) order.reverse(); // neither always runs first
      for (const [which, procs] of order) {
        for (const p of procs) await p.waitFor("ready", { timeoutMs: 10_000 });
        await procs[0]!.notify("go");
        await joinAll(procs, 45_000, `finish the ${which} benchmark`);
        const got = procs[0]!.result as Figures | undefined;
        const echo = procs[1]!.result as EndCpu | undefined;
        if (!got || !echo) fail(`the ${which} driver or echo returned no figures`);
        const suffix = which === "bare" ? " (bare)" : "";
        figures[`round trips/s${suffix}`] = Math.round(got.roundTripsPerSec);
        figures[`MiB/s, 1 MiB messages${suffix}`] = Math.round(got.mibPerSec * 10) / 10;
        // Per second of CPU, both ends together (Deno: one process, so the driver's figure is both).
        const cpu = (phase: keyof EndCpu) => (runtime === "deno" ? got.cpu[phase] : got.cpu[phase] + echo[phase]) / 1000;
        figures[`round trips per CPU s${suffix}`] = Math.round(PLAN.rounds / cpu("roundTrips"));
        figures[`MiB per CPU s, 1 MiB${suffix}`] = Math.round((PLAN.blocks * PLAN.blockBytes) / (1 << 20) / cpu("blocks"));
      }
      return figures;
    },
  },
];
