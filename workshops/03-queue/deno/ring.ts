// 03-queue on Deno — the plumbing, given: the shared memory and its tools; you write put, get and
// close with them (starter.ts).
//
// A SharedArrayBuffer that every worker sees: a header of Int32 words, then a byte ring. Items are
// serialised and stored in the ring as frames: a u32 length, then the bytes (a frame may wrap
// around the ring's end). The mutex (01-lock's lesson) guards the header and the ring. Two words
// are sequence numbers that work as condition variables: NOT_EMPTY moves on when an item comes (or
// the queue closes), NOT_FULL when room is made. A waiter reads the sequence *before* it looks at
// the ring, and sleeps only while it is unchanged — so a signal between the look and the sleep is
// never lost.
import { deserialize, serialize } from "node:v8";
import { type Reduction, reduce } from "@workshop/process";

// The header: Int32 words at the start of the buffer.
const LOCK = 0; // the mutex: 0 free, 1 held, 2 held and someone sleeps on it
const HEAD = 1; // byte offset of the oldest frame
const TAIL = 2; // byte offset where the next frame goes
const USED = 3; // bytes in use
export const COUNT = 4; // items in the queue
export const CLOSED = 5; // 1 once close() was called
export const NOT_EMPTY = 6; // a sequence: moved on by every put (and by close)
export const NOT_FULL = 7; // a sequence: moved on by every get that made room (and by close)
export const GETTERS_WAITING = 8; // how many sleep on NOT_EMPTY: signal() notifies only if someone does
export const PUTTERS_WAITING = 9; // how many sleep on NOT_FULL
const HEADER_BYTES = 16 * 4;
const FRAME_HEADER = 4; // a u32 length before each item's bytes

const DEFAULT_RING_BYTES = 32 << 20; // the contract promises 16 MiB items; pages are committed only once used
const PREFETCH_ITEMS = 64; // a get takes up to this many ready items under one lock...
const PREFETCH_BYTES = 256 * 1024; // ...or this many bytes, and keeps the rest for the next get()s

/** What travels to a worker: the memory itself (structured clone keeps it shared). */
export interface RingData {
  buffer: SharedArrayBuffer;
  maxsize: number;
  /** The module that defines the queue class: a worker imports it, which registers the reviver. */
  home: string;
}

export const RING_KIND = "deno-ring-queue";

export function newRing(opts: { maxsize?: number; ringBytes?: number }, home: string): RingData {
  return { buffer: new SharedArrayBuffer(HEADER_BYTES + (opts.ringBytes ?? DEFAULT_RING_BYTES)), maxsize: opts.maxsize ?? 0, home };
}

/** The shared memory and the tools to use it. Call them with the mutex held, except where said. */
export class Ring {
  protected readonly h: Int32Array;
  protected readonly maxsize: number;
  /** Items a get() took out of the ring beyond the one it needed: the next get()s return them first. */
  protected prefetched: Uint8Array[] = [];
  private readonly ring: Uint8Array;
  private readonly view: DataView;

  constructor(private readonly data: RingData) {
    this.h = new Int32Array(data.buffer, 0, HEADER_BYTES / 4);
    this.ring = new Uint8Array(data.buffer, HEADER_BYTES);
    this.view = new DataView(data.buffer, HEADER_BYTES);
    this.maxsize = data.maxsize;
  }

  /** Does a frame of these bytes fit in the free part of the ring? */
  protected fits(bytes: Uint8Array): boolean {
    if (FRAME_HEADER + bytes.length > this.ring.length)
      throw new RangeError(`an item of ${bytes.length} bytes does not fit in this queue's ${this.ring.length}-byte ring`);
    return this.ring.length - this.h[USED]! >= FRAME_HEADER + bytes.length;
  }

  /** Append a frame and count the item (check `fits` first). */
  protected writeFrame(bytes: Uint8Array): void {
    let tail = this.h[TAIL]!;
    if (this.ring.length - tail >= FRAME_HEADER) this.view.setUint32(tail, bytes.length, true);
    else this.copyIn(tail, new Uint8Array(new Uint32Array([bytes.length]).buffer)); // the length wraps around
    tail = this.copyIn((tail + FRAME_HEADER) % this.ring.length, bytes);
    this.h[TAIL] = tail;
    this.h[USED]! += FRAME_HEADER + bytes.length;
    this.h[COUNT]! += 1;
  }

  /**
   * Take the oldest item out of the ring (COUNT > 0) — plus, if the queue is unbounded, a few more
   * into `prefetched`. (Not when bounded: an item taken out early would make room before it is got.)
   */
  protected takeFrames(): Uint8Array {
    const first = this.readFrame();
    for (let taken = first.length; this.maxsize <= 0 && this.h[COUNT]! > 0 && this.prefetched.length < PREFETCH_ITEMS && taken < PREFETCH_BYTES; ) {
      const more = this.readFrame();
      this.prefetched.push(more);
      taken += more.length;
    }
    return first;
  }

  /**
   * Sleep (without the mutex) until `word` moves on from `seen`, or the deadline passes: then throw
   * what `timedOut` returns. `waiting` counts the sleepers, so that signal() knows to wake them.
   */
  protected async waitChange(word: number, waiting: number, seen: number, deadline: number, timedOut: () => Error): Promise<void> {
    const left = deadline - performance.now();
    if (left <= 0) throw timedOut();
    Atomics.add(this.h, waiting, 1); // count ourselves in before sleeping, so signal() wakes us
    const wait = Atomics.waitAsync(this.h, word, seen, left);
    if (wait.async) await wait.value;
    Atomics.sub(this.h, waiting, 1);
  }

  /** Move `word` on and wake every sleeper counted in `waiting`. Works with or without the mutex. */
  protected signal(word: number, waiting: number): void {
    Atomics.add(this.h, word, 1);
    if (Atomics.load(this.h, waiting) > 0) Atomics.notify(this.h, word);
  }

  /**
   * The mutex. Critical sections are short and never await, so a waiter spins a little, then
   * sleeps in 1 ms slices (Atomics.wait is allowed in workers and on Deno's main thread).
   */
  protected lock(): void {
    let c = Atomics.compareExchange(this.h, LOCK, 0, 1);
    for (let spins = 0; c !== 0 && spins < 100; spins++) c = Atomics.compareExchange(this.h, LOCK, 0, 1);
    if (c === 0) return;
    if (c !== 2) c = Atomics.exchange(this.h, LOCK, 2); // contended: mark "someone sleeps"
    while (c !== 0) {
      Atomics.wait(this.h, LOCK, 2, 1);
      c = Atomics.exchange(this.h, LOCK, 2);
    }
  }

  protected unlock(): void {
    if (Atomics.exchange(this.h, LOCK, 0) === 2) Atomics.notify(this.h, LOCK, 1); // someone sleeps: wake one
  }

  // Passing the queue to a worker shares the memory: structured clone keeps a SharedArrayBuffer shared.
  [reduce](): Reduction {
    return { kind: RING_KIND, module: this.data.home, data: this.data };
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
    if (FRAME_HEADER + length > this.h[USED]!) throw garbled(`a frame claims ${length} bytes, but the ring holds only ${this.h[USED]}`);
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
}

// Items as bytes. node:v8's serialize is the structured-clone format (Uint8Array, nested objects,
// any string) but costs ~2 µs a call; numbers and well-formed strings, the common case, take a
// one-byte tag and a short path instead.
const NUMBER = 1;
const STRING = 2;
const CLONE = 3;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function encode(item: unknown): Uint8Array {
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

export function decode(bytes: Uint8Array): unknown {
  if (bytes[0] === NUMBER) return new DataView(bytes.buffer, bytes.byteOffset + 1, 8).getFloat64(0, true);
  if (bytes[0] === STRING) return fromUtf8.decode(bytes.subarray(1));
  if (bytes[0] !== CLONE) throw garbled(`an item starts with tag ${bytes[0]}, which no put() writes`);
  try {
    return deserialize(bytes.subarray(1));
  } catch (err) {
    throw garbled(`an item's bytes cannot be deserialised (${(err as Error).message})`);
  }
}

/** Bytes that no put() wrote: the ring was read or written by two workers at once. */
function garbled(what: string): Error {
  return new Error(`the ring is garbled: ${what}. Was the ring read or written without holding the mutex (lock() … unlock())?`);
}
