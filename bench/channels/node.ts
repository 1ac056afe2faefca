// The bare channel under Node's pipe: the same connected pair of Unix domain sockets, handed to the
// children the same way (handle passing), used with raw callbacks — no framing, no serialization,
// no promises per message. What the solution's figures are measured against (bench/pipe.ts).
import type { Socket } from "node:net";
import { cpuMs } from "@workshop/harness/scenario";
import { type Reduction, reduce, registerReviver } from "@workshop/process";
import { socketPair } from "../../workshops/02-pipe/node/wire.ts";
import type { BareEnd, EndCpu, Figures, Plan } from "./figures.ts";

const KIND = "bench-bare-socket";

registerReviver(KIND, (_data: null, ctx) => ctx.handle as Socket);

/** Two connected sockets, each passable to a child (the socket travels beside the message). */
export async function barePair(): Promise<[BareEnd, BareEnd]> {
  const [client, other] = await socketPair(); // the very pair the solution's Pipe() makes
  const end = (socket: Socket): BareEnd => ({ [reduce]: (): Reduction => ({ kind: KIND, module: import.meta.url, data: null, beside: { handle: socket } }) });
  return [end(client), end(other)];
}

/** Ping-pong small messages (a round trip ends when its 8 bytes are back), then `blocks` × 1 MiB one way until the sink's one-byte ack. */
export function drive(end: BareEnd, { warmup, rounds, blocks, blockBytes }: Plan): Promise<Figures> {
  const socket = end as unknown as Socket;
  const ping = Buffer.alloc(8, 1);
  return new Promise((resolve) => {
    let round = 0;
    let back = 0;
    let t0 = performance.now();
    let cpu0 = cpuMs();
    let roundTripsPerSec = 0;
    let roundTripsCpu = 0;
    const onPong = (chunk: Buffer) => {
      back += chunk.length;
      if (back < ping.length) return;
      back = 0;
      if (++round === warmup) [t0, cpu0] = [performance.now(), cpuMs()];
      if (round < warmup + rounds) return void socket.write(ping);
      roundTripsPerSec = rounds / ((performance.now() - t0) / 1000);
      roundTripsCpu = cpuMs() - cpu0;
      socket.off("data", onPong);
      socket.on("data", onAck);
      [t0, cpu0] = [performance.now(), cpuMs()];
      sendBlocks(0);
    };
    const block = Buffer.alloc(blockBytes, 7);
    const sendBlocks = (from: number) => {
      for (let i = from; i < blocks; i++) {
        if (!socket.write(block)) return void socket.once("drain", () => sendBlocks(i + 1));
      }
    };
    const onAck = () => {
      const mibPerSec = (blocks * blockBytes) / (1 << 20) / ((performance.now() - t0) / 1000);
      const cpu = { roundTrips: roundTripsCpu, blocks: cpuMs() - cpu0 };
      socket.destroy();
      resolve({ roundTripsPerSec, mibPerSec, cpu });
    };
    socket.on("data", onPong);
    socket.resume();
    socket.write(ping);
  });
}

/** Echo every byte until every round trip's 8 came back, then count `blocks` × 1 MiB and ack with one byte. */
export function echoThenSink(end: BareEnd, { warmup, rounds, blocks, blockBytes }: Plan): Promise<EndCpu> {
  const socket = end as unknown as Socket;
  return new Promise((resolve) => {
    let echoed = 0;
    let sunk = 0;
    let cpu0 = 0;
    let roundTrips = 0;
    socket.on("data", (chunk: Buffer) => {
      if (echoed < (warmup + rounds) * 8) {
        if (echoed === warmup * 8) cpu0 = cpuMs(); // the driver's timed round trips begin
        echoed += chunk.length;
        socket.write(chunk);
        if (echoed >= (warmup + rounds) * 8) [roundTrips, cpu0] = [cpuMs() - cpu0, cpuMs()];
        return;
      }
      sunk += chunk.length;
      if (sunk === blocks * blockBytes) {
        const cpu = { roundTrips, blocks: cpuMs() - cpu0 };
        socket.end(Buffer.alloc(1), () => resolve(cpu));
      }
    });
    socket.resume();
  });
}
