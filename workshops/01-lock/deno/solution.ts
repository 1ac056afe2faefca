// 01-lock on Deno — instructor solution.
// A mutex in a SharedArrayBuffer: one Int32 that is 0 when free and the holder's number when held.
// compareExchange claims it atomically; Atomics.waitAsync sleeps until a release notifies. A second
// Int32 counts the sleepers, so a release that nobody waits for skips the wake-up call. The shared
// counter is in value.ts.
import { type Lock, LockError } from "@workshop/contracts";
import { currentProcess, type Reduction, reduce, registerReviver } from "@workshop/process";

const FREE = 0;
const STATE = 0; // index of the lock word in the Int32Array
const SLEEPERS = 1; // how many are waiting for it to change
const GRANTED = Promise.resolve(true);

class SharedMemoryLock implements Lock {
  private readonly me = currentProcess().num; // revived inside the worker, so it is the worker's

  constructor(private readonly word: Int32Array) {}

  acquire(opts: { timeoutMs?: number } = {}): Promise<boolean> {
    // Claim the lock only if it is free — one atomic step, so two workers can't both win.
    // Uncontended, that is all it takes: answer at once, without the waiting machinery below.
    if (Atomics.compareExchange(this.word, STATE, FREE, this.me) === FREE) return GRANTED;
    return this.acquireSlowly(opts.timeoutMs);
  }

  private async acquireSlowly(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    Atomics.add(this.word, SLEEPERS, 1); // before trying again: a release from now on will wake us
    try {
      for (;;) {
        const holder = Atomics.compareExchange(this.word, STATE, FREE, this.me);
        if (holder === FREE) return true;
        const left = deadline - performance.now();
        if (left <= 0) return false;
        // Sleep (without blocking this thread's event loop) until the word changes from `holder`,
        // or the time is up. No shorter slices: a release that forgets to wake us must show.
        const wait = Atomics.waitAsync(this.word, STATE, holder, left);
        if (wait.async) await wait.value;
      }
    } finally {
      Atomics.sub(this.word, SLEEPERS, 1);
    }
  }

  release(): void {
    // Free it only if we are the holder: the same atomic step checks and clears.
    const holder = Atomics.compareExchange(this.word, STATE, this.me, FREE);
    if (holder !== this.me) {
      throw new LockError(holder === FREE ? "release() of a lock that is not held" : `release() by ${currentProcess().id}, which does not hold the lock`);
    }
    if (Atomics.load(this.word, SLEEPERS) > 0) Atomics.notify(this.word, STATE, 1); // wake one sleeper
  }

  // Passing the lock to a worker shares the memory: structured clone keeps a SharedArrayBuffer shared.
  [reduce](): Reduction {
    return { kind: "deno-shared-lock", module: import.meta.url, data: this.word };
  }
}

registerReviver("deno-shared-lock", (word: Int32Array) => new SharedMemoryLock(word));

export function createLock(): Promise<Lock> {
  return Promise.resolve(new SharedMemoryLock(new Int32Array(new SharedArrayBuffer(8))));
}

export { createValue } from "./value.ts";
