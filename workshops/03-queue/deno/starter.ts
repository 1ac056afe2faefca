// 03-queue on Deno — your exercise: put, get and close on a ring in shared memory. Grade it with
// `npm test -- 03-queue/deno`.
//
// Every worker sees the same SharedArrayBuffer: the items, serialised, in a byte ring, and a
// header of Int32 words (ring.ts gives you the ring, the mutex, and waitChange/signal — a
// condition variable made of a sequence word). Read the ring only with the mutex held; sleep only
// without it. As given, this is the seed's queue: items go in and come out in order — and nothing
// ever ends. Read workshops/03-queue/README.md first; `npm start -- hint 03-queue/deno` helps.
import { Empty, EOFError, Full, type Queue } from "@workshop/contracts";
import { registerReviver } from "@workshop/process";
import { CLOSED, COUNT, decode, encode, GETTERS_WAITING, NOT_EMPTY, NOT_FULL, newRing, PUTTERS_WAITING, RING_KIND, Ring, type RingData } from "./ring.ts";

type Timeout = { timeoutMs?: number };

class RingQueue<T> extends Ring implements Queue<T> {
  async get(opts: Timeout = {}): Promise<T> {
    const ready = this.prefetched.shift(); // taken out of the ring by an earlier get()
    if (ready) return decode(ready) as T;
    // TODO(4): With opts.timeoutMs, give up with the contract's Empty once it has passed (0: don't wait): waitChange takes the deadline.
    const deadline = Number.POSITIVE_INFINITY;
    for (;;) {
      const seen = Atomics.load(this.h, NOT_EMPTY); // read it *before* you look: see ring.ts
      let bytes: Uint8Array | undefined;
      this.lock();
      try {
        if (this.h[COUNT]! > 0) {
          bytes = this.takeFrames();
          // TODO(6): You just made room, and a put() may be asleep waiting for it: signal NOT_FULL.
        } else {
          // TODO(1): Closed and empty means no item will ever come: throw the contract's EOFError (the seed's bug: it waited forever).
        }
      } finally {
        this.unlock();
      }
      if (bytes) return decode(bytes) as T; // outside the lock: the copy is ours
      await this.waitChange(NOT_EMPTY, GETTERS_WAITING, seen, deadline, () => new Empty(`queue still empty after ${opts.timeoutMs} ms`));
    }
  }

  close(): Promise<void> {
    this.lock();
    Atomics.store(this.h, CLOSED, 1);
    this.unlock();
    // TODO(2): Whoever sleeps now waits for nothing: wake the getters (NOT_EMPTY) so they see EOF, and the putters (NOT_FULL).
    return Promise.resolve();
  }

  async put(item: T, opts: Timeout = {}): Promise<void> {
    const bytes = encode(item);
    // TODO(5): A bounded queue (maxsize > 0) holding maxsize items is full, like a ring without room: wait, and throw Full past opts.timeoutMs.
    const deadline = Number.POSITIVE_INFINITY;
    for (;;) {
      const seen = Atomics.load(this.h, NOT_FULL);
      this.lock();
      try {
        // TODO(3): A closed queue takes no more items: throw the contract's EOFError.
        if (this.fits(bytes)) {
          this.writeFrame(bytes);
          this.signal(NOT_EMPTY, GETTERS_WAITING);
          return;
        }
      } finally {
        this.unlock();
      }
      await this.waitChange(NOT_FULL, PUTTERS_WAITING, seen, deadline, () => new Full(`queue still full after ${opts.timeoutMs} ms`));
    }
  }
}

// A worker that is handed the queue imports this file and rebuilds it on the same memory.
registerReviver(RING_KIND, (data: RingData) => new RingQueue(data));

export function createQueue<T>(opts: { maxsize?: number; ringBytes?: number } = {}): Promise<Queue<T>> {
  return Promise.resolve(new RingQueue<T>(newRing(opts, import.meta.url)));
}
