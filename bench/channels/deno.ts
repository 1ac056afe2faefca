// The bare channel under Deno's pipe: the same MessageChannel, a port transferred to each worker,
// used with raw onmessage callbacks — no frame wrapper, no inbox, no promise per message. What the
// solution's figures are measured against (bench/pipe.ts).
import { cpuMs } from "@workshop/harness/scenario";
import { type Reduction, reduce, registerReviver } from "@workshop/process";
import type { BareEnd, EndCpu, Figures, Plan } from "./figures.ts";

const KIND = "bench-bare-port";

registerReviver(KIND, (data: { port: MessagePort }) => data.port);

/** The two ports of a MessageChannel, each passable to a worker (transferred). */
export function barePair(): Promise<[BareEnd, BareEnd]> {
  const { port1, port2 } = new MessageChannel();
  const end = (port: MessagePort): BareEnd => ({
    [reduce]: (): Reduction => ({ kind: KIND, module: import.meta.url, data: { port }, beside: { transfer: [port] } }),
  });
  return Promise.resolve([end(port1), end(port2)]);
}

/** Ping-pong a number, then `blocks` × 1 MiB one way until the sink's ack. */
export function drive(end: BareEnd, { warmup, rounds, blocks, blockBytes }: Plan): Promise<Figures> {
  const port = end as unknown as MessagePort;
  return new Promise((resolve) => {
    let round = 0;
    let t0 = performance.now();
    let cpu0 = cpuMs();
    let roundTripsPerSec = 0;
    port.onmessage = () => {
      if (++round === warmup) [t0, cpu0] = [performance.now(), cpuMs()];
      if (round < warmup + rounds) return port.postMessage(round);
      roundTripsPerSec = rounds / ((performance.now() - t0) / 1000);
      const roundTripsCpu = cpuMs() - cpu0;
      port.onmessage = () => {
        const mibPerSec = (blocks * blockBytes) / (1 << 20) / ((performance.now() - t0) / 1000);
        port.close();
        resolve({ roundTripsPerSec, mibPerSec, cpu: { roundTrips: roundTripsCpu, blocks: cpuMs() - cpu0 } });
      };
      const block = new Uint8Array(blockBytes).fill(7);
      [t0, cpu0] = [performance.now(), cpuMs()];
      for (let i = 0; i < blocks; i++) port.postMessage(block); // copied (structured clone), as the solution's are
    };
    port.postMessage(0);
  });
}

/** Echo every message until the round trips are done, then count the blocks and ack. */
export function echoThenSink(end: BareEnd, { warmup, rounds, blocks, blockBytes }: Plan): Promise<EndCpu> {
  const port = end as unknown as MessagePort;
  return new Promise((resolve) => {
    let echoed = 0;
    let bytes = 0;
    port.onmessage = (event: MessageEvent<unknown>) => {
      if (echoed++ < warmup + rounds) return port.postMessage(event.data);
      bytes += (event.data as Uint8Array).length;
      if (bytes === blocks * blockBytes) {
        port.postMessage("ack");
        resolve({ roundTrips: 0, blocks: 0 }); // one process: the driver's CPU figures are both ends'
      }
    };
  });
}
