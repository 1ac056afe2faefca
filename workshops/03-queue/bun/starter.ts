// 03-queue on Bun — your exercise: the QueueServer. Grade it with `npm test -- 03-queue/bun`.
//
// The process that creates the queue keeps everything here: the items (as bytes), and who waits
// for what, each in arrival order. Clients' put() and get() arrive over a Unix socket as calls on
// this server (wire.ts does the socket and the framing; `conn` is the asking connection). As
// given, this is the seed's queue: items go in and come out in order — and nothing ever ends.
// Read workshops/03-queue/README.md first; `npm start -- hint 03-queue/bun` gives one at a time.
import { Empty, EOFError, Full, type Queue } from "@workshop/contracts";
import { type ServerLike, serveQueue } from "./wire.ts";

/** A get() waiting for an item: give() resolves it, refuse() rejects it. */
interface Getter {
  conn: unknown;
  give(items: Uint8Array[]): void;
  refuse(err: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

/** A put() waiting for room: done() resolves it, done(err) rejects it. */
interface Putter {
  conn: unknown;
  item: Uint8Array;
  done(err?: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

class QueueServer implements ServerLike {
  private items: Uint8Array[] = [];
  private getters: Getter[] = [];
  private putters: Putter[] = [];
  closed = false;

  constructor(private readonly maxsize: number) {} // 0: unbounded

  /** Resolves with the oldest items (at least one, at most `max`: the rest ride along to a child). */
  get(conn: unknown, max: number, timeoutMs?: number): Promise<Uint8Array[]> {
    if (this.items.length > 0) return Promise.resolve(this.take(max));
    // TODO(1): Closed and empty means no item will ever come: reject with the contract's EOFError (the seed's bug: it waited forever).
    return new Promise((give, refuse) => {
      const getter: Getter = { conn, give, refuse };
      // TODO(4): With a timeoutMs, give up once it has passed: take this getter out of the line, refuse it with Empty (0 means don't wait).
      this.getters.push(getter);
    });
  }

  /** No more puts; getters drain what is left, then get EOFError. */
  close(): void {
    this.closed = true;
    // TODO(2): Whoever still waits now waits for nothing: refuse every waiting getter and every waiting putter with EOFError.
  }

  put(conn: unknown, item: Uint8Array, timeoutMs?: number): Promise<void> {
    // TODO(3): A closed queue takes no more items: reject this put() with the contract's EOFError.
    // TODO(5): A bounded queue (maxsize > 0) holding maxsize items is full: wait in this.putters; reject with Full once timeoutMs has passed.
    this.push(item);
    return Promise.resolve();
  }

  /** A connection closed (its process exited): `conn` will never again call, nor take what it waited for. */
  forget(conn: unknown): void {
    // TODO(7): Drop every getter and putter of `conn`: a dead getter left in line would be handed the next item, and that item would be lost.
  }

  /** Take up to `max` of the oldest items. */
  private take(max: number): Uint8Array[] {
    const taken = this.items.splice(0, max);
    // TODO(6): Room was made: let waiting putters in, oldest first, only while there is room — push each one's item, resolve its put().
    return taken;
  }

  /** A new item goes straight to the first getter in line, if one waits; else it joins the items. */
  private push(item: Uint8Array): void {
    const getter = this.getters.shift();
    if (getter) {
      clearTimeout(getter.timer);
      getter.give([item]);
    } else this.items.push(item);
  }
}

export function createQueue<T>(opts: { maxsize?: number } = {}): Promise<Queue<T>> {
  const maxsize = opts.maxsize ?? 0;
  return Promise.resolve(serveQueue<T>(new QueueServer(maxsize), maxsize));
}
