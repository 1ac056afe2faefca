// 03-queue on Deno — your exercise. Run `npm test -- 03-queue/deno` to grade it.
//
// The queue is a ring buffer in a SharedArrayBuffer that every worker sees: items, serialised,
// stored as length-prefixed frames. Given: the mutex (01-lock's lesson), the byte ring, the
// encoding, and two "sequence" words that work as condition variables — a put bumps NOT_EMPTY
// and wakes getters, a get bumps NOT_FULL and wakes putters. A waiter reads the sequence *before*
// it looks at the ring and then sleeps only while it is unchanged, so no wake-up is ever missed.
// As written, this is the seed's queue: items go in and come out — but nothing ever ends.
// Read workshops/03-queue/README.md first; `npm start -- hint 03-queue/deno` helps.
import { deserialize, serialize } from "node:v8";
import { Empty, EOFError, Full, type Queue } from "@workshop/contracts";
import { type Reduction, reduce, registerReviver } from "@workshop/process";

// The header: Int32 words at the start of the buffer.
const LOCK = 0; // 0 = free, else the holder's number
const HEAD = 1; // byte offset of the oldest frame
const TAIL = 2; // byte offset where the next frame goes
const USED = 3; // bytes in use
const COUNT = 4; // items in the queue
const CLOSED = 5; // 1 once close() was called
const NOT_EMPTY = 6; // bumped by every put and by close()
const NOT_FULL = 7; // bumped by every get and by close()
const GETTERS_WAITING = 8; // how many sleep on NOT_EMPTY / NOT_FULL: notify only if someone does
const PUTTERS_WAITING = 9;
const HEADER_BYTES = 16 * 4;
const FRAME_HEADER = 4; // a u32 length before each item's bytes

const DEFAULT_RING_BYTES = 32 << 20; // the contract promises 16 MiB items; pages are committed only once used
const WAIT_SLICE_MS = 50; // never wait without a bound: a worker parked forever survives terminate()

// Items as bytes. node:v8's serialize is the structured-clone format (Uint8Array, nested objects,
// any string) but costs ~2 µs a call here; numbers and well-formed strings, the common case, take
// a one-byte tag and a short path instead.
const NUMBER = 1;
const STRING = 2;
const CLONE = 3;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

function encode(item: unknown): Uint8Array {
  if (typeof item === "number") {
    const bytes = new Uint8Array(9);
    bytes[0] = NUMBER;
    new DataView(bytes.buffer).setFloat64(1, item, true);
    return bytes;
  }
  const [tag, body] = typeof item === "string" && item.isWellFormed() ? [STRING, utf8.encode(item)] : [CLONE, serialize(item)];
  const bytes = new Uint8Array(1 + body.length);
  bytes[0] = tag;
  bytes.set(body, 1);
  return bytes;
}

function decode(bytes: Uint8Array): unknown {
  if (bytes[0] === NUMBER) return new DataView(bytes.buffer, bytes.byteOffset + 1, 8).getFloat64(0, true);
  if (bytes[0] === STRING) return fromUtf8.decode(bytes.subarray(1));
  return deserialize(bytes.subarray(1));
}

class SharedRingQueue<T> implements Queue<T> {
  private readonly h: Int32Array;
  private readonly ring: Uint8Array;
  private readonly view: DataView;

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly maxsize: number,
  ) {
    this.h = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.ring = new Uint8Array(buffer, HEADER_BYTES);
    this.view = new DataView(buffer, HEADER_BYTES);
  }

  async get(opts: { timeoutMs?: number } = {}): Promise<T> {
    for (;;) {
      const seen = Atomics.load(this.h, NOT_EMPTY); // read it *before* you look: see the top of the file
      this.lock();
      try {
        if (this.h[COUNT]! > 0) {
          const bytes = this.readFrame();
          // TODO(4): a put() may be waiting for room that you just made: signal NOT_FULL.
          return decode(bytes) as T;
        }
        // TODO(1): the seed's bug lives here. Closed and empty means no item will ever come:
        //          throw the contract's EOFError instead of waiting forever.
      } finally {
        this.unlock();
      }
      // TODO(2): give up with the contract's Empty once opts.timeoutMs has passed (waitChange
      //          takes a deadline, and calls `timedOut` when it has passed).
      await this.waitChange(NOT_EMPTY, GETTERS_WAITING, seen, Number.POSITIVE_INFINITY, () => new Empty("queue still empty"));
    }
  }

  close(): Promise<void> {
    this.lock();
    Atomics.store(this.h, CLOSED, 1);
    this.unlock();
    // TODO(3): wake everyone who sleeps: getters (NOT_EMPTY), so they drain and then see EOF, and
    //          putters (NOT_FULL), so they see the queue is closed.
    return Promise.resolve();
  }

  async put(item: T, opts: { timeoutMs?: number } = {}): Promise<void> {
    const bytes = encode(item);
    const need = FRAME_HEADER + bytes.length;
    if (need > this.ring.length) throw new RangeError(`an item of ${bytes.length} bytes does not fit in this queue's ${this.ring.length}-byte ring`);
    for (;;) {
      const seen = Atomics.load(this.h, NOT_FULL);
      this.lock();
      try {
        // TODO(5): a closed queue takes no more items: throw the contract's EOFError (Python: "Queue is closed").
        // TODO(6): a bounded queue (maxsize > 0) that holds maxsize items (this.h[COUNT]) is full,
        //          just like a ring without `need` free bytes: wait instead of writing.
        if (this.ring.length - this.h[USED]! >= need) {
          this.writeFrame(bytes);
          this.signal(NOT_EMPTY, GETTERS_WAITING);
          return;
        }
      } finally {
        this.unlock();
      }
      // TODO(7): give up with the contract's Full once opts.timeoutMs has passed.
      await this.waitChange(NOT_FULL, PUTTERS_WAITING, seen, Number.POSITIVE_INFINITY, () => new Full("queue still full"));
    }
  }

  /** Sleep until `word` moves on from `seen`, without blocking this worker's event loop. */
  private async waitChange(word: number, waiting: number, seen: number, deadline: number, timedOut: () => Error): Promise<void> {
    const left = deadline - performance.now();
    if (left <= 0) throw timedOut();
    Atomics.add(this.h, waiting, 1); // count ourselves in before waiting, so signal() wakes us
    const wait = Atomics.waitAsync(this.h, word, seen, Math.min(left, WAIT_SLICE_MS));
    if (wait.async) await wait.value;
    Atomics.sub(this.h, waiting, 1);
  }

  /** Move the sequence word on, and wake its sleepers — if there are any (a notify costs). */
  private signal(word: number, waiting: number): void {
    Atomics.add(this.h, word, 1);
    if (Atomics.load(this.h, waiting) > 0) Atomics.notify(this.h, word);
  }

  /**
   * The mutex (0 free, 1 held, 2 held and someone sleeps on it). Critical sections are short and
   * never await, so a waiter spins a little, then sleeps in 1 ms slices — Atomics.wait is allowed
   * in workers and on Deno's main thread, and a bounded wait never outlives terminate().
   */
  private lock(): void {
    let c = Atomics.compareExchange(this.h, LOCK, 0, 1);
    for (let spins = 0; c !== 0 && spins < 100; spins++) c = Atomics.compareExchange(this.h, LOCK, 0, 1);
    if (c === 0) return;
    // Contended: mark "someone sleeps" (2), and sleep while it stays marked.
    if (c !== 2) c = Atomics.exchange(this.h, LOCK, 2);
    while (c !== 0) {
      Atomics.wait(this.h, LOCK, 2, 1);
      c = Atomics.exchange(this.h, LOCK, 2);
    }
  }

  private unlock(): void {
    if (Atomics.exchange(this.h, LOCK, 0) === 2) Atomics.notify(this.h, LOCK, 1); // someone sleeps: wake one
  }

  // ---- the byte ring (called with the mutex held) ----

  private writeFrame(bytes: Uint8Array): void {
    let tail = this.h[TAIL]!;
    if (this.ring.length - tail >= FRAME_HEADER) this.view.setUint32(tail, bytes.length, true);
    else this.copyIn(tail, new Uint8Array(new Uint32Array([bytes.length]).buffer)); // the length wraps around
    tail = this.copyIn((tail + FRAME_HEADER) % this.ring.length, bytes);
    this.h[TAIL] = tail;
    this.h[USED]! += FRAME_HEADER + bytes.length;
    this.h[COUNT]! += 1;
  }

  private readFrame(): Uint8Array {
    const head = this.h[HEAD]!;
    let length: number;
    if (this.ring.length - head >= FRAME_HEADER) length = this.view.getUint32(head, true);
    else {
      const len = new Uint8Array(FRAME_HEADER);
      this.copyOut(head, len);
      length = new DataView(len.buffer).getUint32(0, true);
    }
    const bytes = new Uint8Array(length);
    this.h[HEAD] = this.copyOut((head + FRAME_HEADER) % this.ring.length, bytes);
    this.h[USED]! -= FRAME_HEADER + length;
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
