// What every bare channel (bench/channels/<runtime>.ts) offers bench/pipe.ts.
import type { Reducible } from "@workshop/process";

/** One end of a bare channel as the parent holds it: something Process can pass to a child. */
export type BareEnd = Reducible;

export interface Figures {
  roundTripsPerSec: number;
  mibPerSec: number;
  cpu: EndCpu;
}

/**
 * The CPU time (ms) one end spent in the timed round trips and in the blocks — the work per message,
 * which a loaded machine slows down far less than it does a wall-clock rate. On Deno both ends are
 * workers of one process: each figure is the whole process's.
 */
export interface EndCpu {
  roundTrips: number;
  blocks: number;
}

/** The shape of a bench run: warm-up round trips, timed round trips, then blocks one way. */
export interface Plan {
  warmup: number;
  rounds: number;
  blocks: number;
  blockBytes: number;
}
