// 01-lock on Deno — your exercise. Run `npm test -- 01-lock/deno` to grade it.
//
// Make SharedMemoryLock a real lock between workers. Its state is one Int32 in a SharedArrayBuffer
// that every worker sees: 0 when free, the holder's number (this.me) when held. The Value is given
// (value.ts). Read workshops/01-lock/README.md first; `npm start -- hint 01-lock/deno` helps.
import { type Lock, LockError } from "@workshop/contracts";
import { currentProcess, type Reduction, reduce, registerReviver } from "@workshop/process";

const FREE = 0;
const STATE = 0; // index of the lock word in the Int32Array

class SharedMemoryLock implements Lock {
  private readonly me = currentProcess().num; // revived inside the worker, so it is the worker's

  constructor(private readonly word: Int32Array) {}

  async acquire(_opts: { timeoutMs?: number } = {}): Promise<boolean> {
    // TODO(1): claim the lock only if it is free — reading it and then writing it is two steps,
    //          and another worker can slip in between. Which Atomics call does both at once?
    // TODO(2): while someone else holds it, sleep until the word changes instead of spinning
    //          (without blocking this worker's event loop), then try again.
    // TODO(4): resolve false once opts.timeoutMs has passed. timeoutMs 0 means try once, no wait.
    return true;
  }

  release(): void {
    // TODO(3): only the holder may release: otherwise throw the contract's LockError.
    //          Then free the word and wake one sleeper.
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
