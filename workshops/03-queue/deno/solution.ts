// 03-queue on Deno — instructor solution.
// A ring buffer in a SharedArrayBuffer that every worker sees. Items are serialised (node:v8,
// the structured-clone format) and stored as length-prefixed frames in a byte ring. A mutex (one
// Int32, as in 01-lock) guards the ring's bookkeeping; two "sequence" words act as condition
// variables: a put bumps NOT_EMPTY and wakes getters, a get bumps NOT_FULL and wakes putters.
// A waiter reads the sequence *before* it checks the ring, then waits only while the sequence is
// unchanged — so a wake-up between the check and the wait is never missed.
import { deserialize, serialize } from "node:v8";
import { Empty, EOFError, Full, type Queue } from "@workshop/contracts";
import { currentProcess, type Reduction, reduce, registerReviver } from "@workshop/process";

// The header: Int32 words at the start of the buffer.
const LOCK = 0; // 0 = free, else the holder's number
const HEAD = 1; // byte offset of the oldest frame
const TAIL = 2; // byte offset where the next frame goes
const USED = 3; // bytes in use
const COUNT = 4; // items in the queue
const CLOSED = 5; // 1 once close() was called
const NOT_EMPTY = 6; // bumped by every put and by close()
const NOT_FULL = 7; // bumped by every get and by close()
const HEADER_BYTES = 8 * 4;
const FRAME_HEADER = 4; // a u32 length before each item's bytes

const DEFAULT_RING_BYTES = 4 << 20; // four 1 MiB items fit; a bigger one needs { ringBytes }
const WAIT_SLICE_MS = 50; // never wait without a bound: a worker parked forever survives terminate()

class SharedRingQueue<T> implements Queue<T> {
  private readonly h: Int32Array;
  private readonly ring: Uint8Array;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly maxsize: number,
  ) {
    this.h = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.ring = new Uint8Array(buffer, HEADER_BYTES);
  }

  async put(item: T, opts: { timeoutMs?: number } = {}): Promise<void> {
    const bytes = serialize(item);
    const need = FRAME_HEADER + bytes.length;
    if (need > this.ring.length) throw new RangeError(`an item of ${bytes.length} bytes does not fit in this queue's ${this.ring.length}-byte ring`);
    const deadline = performance.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
    for (;;) {
      const seen = Atomics.load(this.h, NOT_FULL); // before the check: see the class comment
      this.lock();
      try {
        if (this.h[CLOSED]) throw new EOFError("put() on a closed queue");
        const roomForOne = this.maxsize <= 0 || this.h[COUNT]! < this.maxsize;
        if (roomForOne && this.ring.length - this.h[USED]! >= need) {
          this.writeFrame(bytes);
          this.signal(NOT_EMPTY);
          return;
        }
      } finally {
        this.unlock();
      }
      // Full (by count, or the ring's bytes): wait for a get to make room — the backpressure.
      await this.waitChange(NOT_FULL, seen, deadline, () => new Full(`queue still full after ${opts.timeoutMs} ms`));
    }
  }

  async get(opts: { timeoutMs?: number } = {}): Promise<T> {
    const deadline = performance.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
    for (;;) {
      const seen = Atomics.load(this.h, NOT_EMPTY);
      let bytes: Uint8Array | undefined;
      this.lock();
      try {
        if (this.h[COUNT]! > 0) {
          bytes = this.readFrame();
          this.signal(NOT_FULL);
        } else if (this.h[CLOSED]) throw new EOFError("the queue is closed and drained");
      } finally {
        this.unlock();
      }
      if (bytes) return deserialize(bytes) as T; // outside the lock: the copy is ours
      await this.waitChange(NOT_EMPTY, seen, deadline, () => new Empty(`queue still empty after ${opts.timeoutMs} ms`));
    }
  }

  close(): Promise<void> {
    this.lock();
    Atomics.store(this.h, CLOSED, 1);
    this.unlock();
    // Wake every waiter, both kinds: getters drain and then see EOF; putters see "closed".
    this.signal(NOT_EMPTY);
    this.signal(NOT_FULL);
    return Promise.resolve();
  }

  /** Sleep until `word` moves on from `seen`, without blocking this worker's event loop. */
  private async waitChange(word: number, seen: number, deadline: number, timedOut: () => Error): Promise<void> {
    const left = deadline - performance.now();
    if (left <= 0) throw timedOut();
    const wait = Atomics.waitAsync(this.h, word, seen, Math.min(left, WAIT_SLICE_MS));
    if (wait.async) await wait.value;
  }

  private signal(word: number): void {
    Atomics.add(this.h, word, 1);
    Atomics.notify(this.h, word);
  }

  /**
   * The mutex. Its critical sections are short and never await, so a waiter spins a little and
   * then sleeps in 1 ms slices (Atomics.wait is allowed in workers and on Deno's main thread).
   */
  private lock(): void {
    const me = currentProcess().num;
    for (let spins = 0; ; spins++) {
      const holder = Atomics.compareExchange(this.h, LOCK, 0, me);
      if (holder === 0) return;
      if (spins > 100) Atomics.wait(this.h, LOCK, holder, 1);
    }
  }

  private unlock(): void {
    Atomics.store(this.h, LOCK, 0);
    Atomics.notify(this.h, LOCK, 1);
  }

  // ---- the byte ring (called with the mutex held) ----

  private writeFrame(bytes: Uint8Array): void {
    const len = new Uint8Array(new Uint32Array([bytes.length]).buffer);
    let tail = this.copyIn(this.h[TAIL]!, len);
    tail = this.copyIn(tail, bytes);
    this.h[TAIL] = tail;
    this.h[USED]! += FRAME_HEADER + bytes.length;
    this.h[COUNT]! += 1;
  }

  private readFrame(): Uint8Array {
    const len = new Uint8Array(FRAME_HEADER);
    let head = this.copyOut(this.h[HEAD]!, len);
    const bytes = new Uint8Array(new Uint32Array(len.buffer)[0]!);
    head = this.copyOut(head, bytes);
    this.h[HEAD] = head;
    this.h[USED]! -= FRAME_HEADER + bytes.length;
    this.h[COUNT]! -= 1;
    return bytes;
  }

  /** Copy `src` into the ring at `at`, wrapping around the end; returns the offset after it. */
  private copyIn(at: number, src: Uint8Array): number {
    const first = Math.min(src.length, this.ring.length - at);
    this.ring.set(src.subarray(0, first), at);
    this.ring.set(src.subarray(first), 0);
    return (at + src.length) % this.ring.length;
  }

  private copyOut(at: number, dst: Uint8Array): number {
    const first = Math.min(dst.length, this.ring.length - at);
    dst.set(this.ring.subarray(at, at + first));
    dst.set(this.ring.subarray(0, dst.length - first), first);
    return (at + dst.length) % this.ring.length;
  }

  // Passing the queue to a worker shares the memory: structured clone keeps a SharedArrayBuffer shared.
  [reduce](): Reduction {
    return { kind: "deno-ring-queue", module: import.meta.url, data: { buffer: this.buffer, maxsize: this.maxsize } };
  }
}

registerReviver("deno-ring-queue", (data: { buffer: SharedArrayBuffer; maxsize: number }) => new SharedRingQueue(data.buffer, data.maxsize));

export function createQueue<T>(opts: { maxsize?: number; ringBytes?: number } = {}): Promise<Queue<T>> {
  const buffer = new SharedArrayBuffer(HEADER_BYTES + (opts.ringBytes ?? DEFAULT_RING_BYTES));
  return Promise.resolve(new SharedRingQueue<T>(buffer, opts.maxsize ?? 0));
}
