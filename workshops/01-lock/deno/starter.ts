// 01-lock on Deno — your exercise. Run `npm test -- 01-lock/deno` to grade it.
//
// Make SharedMemoryLock a real lock between workers. Its state is one Int32 in a SharedArrayBuffer
// that every worker sees: 0 when free, the holder's number (currentProcess().num) when held.
// The Value and the plumbing that shares both with workers are done for you.
// Read workshops/01-lock/README.md first; `npm start -- hint 01-lock/deno` helps.
import type { Lock, Value } from "@workshop/contracts";
import { currentProcess, type Reduction, reduce, registerReviver } from "@workshop/process";

const STATE = 0; // index of the lock word in the Int32Array

class SharedMemoryLock implements Lock {
  constructor(private readonly word: Int32Array) {}

  async acquire(_opts: { timeoutMs?: number } = {}): Promise<boolean> {
    // TODO(1): claim the lock only if it is free — reading it and then writing it is two steps,
    //          and another worker can slip in between. Which Atomics call does both at once?
    // TODO(2): while someone else holds it, sleep until it changes instead of spinning
    //          (without blocking this worker's event loop), then try again.
    // TODO(3): resolve false once opts.timeoutMs has passed.
    return true;
  }

  release(): void {
    // TODO(4): only the holder may release: otherwise throw the contract's LockError.
    //          Then free the word and wake one waiter.
  }

  // Passing the lock to a worker shares the memory: structured clone keeps a SharedArrayBuffer shared.
  [reduce](): Reduction {
    return { kind: "deno-shared-lock", module: import.meta.url, data: this.word };
  }
}

/** Like Value('i', 0): one Int32 in shared memory. */
class SharedValue implements Value {
  constructor(private readonly cell: Int32Array) {}

  get(): Promise<number> {
    return Promise.resolve(Atomics.load(this.cell, 0));
  }

  set(v: number): Promise<void> {
    Atomics.store(this.cell, 0, v);
    return Promise.resolve();
  }

  [reduce](): Reduction {
    return { kind: "deno-shared-value", module: import.meta.url, data: this.cell };
  }
}

registerReviver("deno-shared-lock", (word: Int32Array) => new SharedMemoryLock(word));
registerReviver("deno-shared-value", (cell: Int32Array) => new SharedValue(cell));

export function createLock(): Promise<Lock> {
  return Promise.resolve(new SharedMemoryLock(new Int32Array(new SharedArrayBuffer(4))));
}

export function createValue(initial: number): Promise<Value> {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  cell[0] = initial;
  return Promise.resolve(new SharedValue(cell));
}
