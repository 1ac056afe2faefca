// How long a test may wait for something on a shared machine: generous, and longer the busier the
// machine is (load average per core) and the larger WORKSHOP_DEADLINE_SCALE. Waits are for a
// condition (a line on the screen, a file, an exit); the deadline only turns a hang into a failure.
import { availableParallelism, loadavg } from "node:os";

export function patience(ms: number): number {
  const scale = Number(process.env.WORKSHOP_DEADLINE_SCALE) || 1;
  const busy = Math.max(1, loadavg()[0]! / availableParallelism());
  return Math.round(ms * scale * busy);
}
