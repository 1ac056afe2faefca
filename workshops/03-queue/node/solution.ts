// 03-queue on Node — instructor solution: the Broker.
//
// The process that creates the queue keeps everything here: the items, and who waits for what,
// each in arrival order. Forked children's put() and get() arrive as calls on this Broker (ipc.ts
// carries them over their IPC channels; `who` names the process). One process decides, one call
// at a time, so two consumers can never take the same item. Read workshops/03-queue/README.md
// first; `npm start -- hint 03-queue/node` gives one hint at a time.
import { Empty, EOFError, Full, type Queue } from "@workshop/contracts";
import { type BrokerLike, serveQueue } from "./ipc.ts";

/** A get() waiting for an item: give() resolves it, refuse() rejects it. */
interface Getter {
  who: string;
  give(items: unknown[]): void;
  refuse(err: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

/** A put() waiting for room: done() resolves it, done(err) rejects it. */
interface Putter {
  who: string;
  item: unknown;
  done(err?: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

class Broker implements BrokerLike {
  private items: unknown[] = [];
  private getters: Getter[] = [];
  private putters: Putter[] = [];
  closed = false;

  constructor(private readonly maxsize: number) {} // 0: unbounded

  /** Resolves with the oldest items (at least one, at most `max`: the rest ride along to a child). */
  get(who: string, max: number, timeoutMs?: number): Promise<unknown[]> {
    if (this.items.length > 0) return Promise.resolve(this.take(max));
    if (this.closed) return Promise.reject(new EOFError("the queue is closed and drained"));
    return new Promise((give, refuse) => {
      const getter: Getter = { who, give, refuse };
      if (timeoutMs !== undefined) {
        getter.timer = setTimeout(() => {
          this.getters = this.getters.filter((g) => g !== getter);
          refuse(new Empty(`queue still empty after ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.getters.push(getter);
    });
  }

  /** No more puts; getters drain what is left, then get EOFError. */
  close(): void {
    this.closed = true;
    for (const g of this.getters.splice(0)) {
      clearTimeout(g.timer);
      g.refuse(new EOFError("the queue was closed"));
    }
    for (const p of this.putters.splice(0)) {
      clearTimeout(p.timer);
      p.done(new EOFError("the queue was closed while put() waited"));
    }
  }

  put(who: string, item: unknown, timeoutMs?: number): Promise<void> {
    if (this.closed) return Promise.reject(new EOFError("put() on a closed queue"));
    if (this.maxsize > 0 && this.items.length >= this.maxsize) {
      return new Promise((resolve, reject) => {
        const putter: Putter = { who, item, done: (err) => (err ? reject(err) : resolve()) };
        if (timeoutMs !== undefined) {
          putter.timer = setTimeout(() => {
            this.putters = this.putters.filter((p) => p !== putter);
            reject(new Full(`queue still full (maxsize ${this.maxsize}) after ${timeoutMs} ms`));
          }, timeoutMs);
        }
        this.putters.push(putter);
      });
    }
    this.push(item);
    return Promise.resolve();
  }

  /** A process exited: `who` will never again call, nor take what it waited for. */
  forget(who: string): void {
    for (const waiter of [...this.getters, ...this.putters]) if (waiter.who === who) clearTimeout(waiter.timer);
    this.getters = this.getters.filter((g) => g.who !== who);
    this.putters = this.putters.filter((p) => p.who !== who);
  }

  /** Take up to `max` of the oldest items. */
  private take(max: number): unknown[] {
    const taken = this.items.splice(0, max);
    while (this.putters.length > 0 && this.items.length < this.maxsize) {
      const p = this.putters.shift()!;
      clearTimeout(p.timer);
      this.push(p.item);
      p.done();
    }
    return taken;
  }

  /** A new item goes straight to the first getter in line, if one waits; else it joins the items. */
  private push(item: unknown): void {
    const getter = this.getters.shift();
    if (getter) {
      clearTimeout(getter.timer);
      getter.give([item]);
    } else this.items.push(item);
  }
}

export function createQueue<T>(opts: { maxsize?: number } = {}): Promise<Queue<T>> {
  const maxsize = opts.maxsize ?? 0;
  return Promise.resolve(serveQueue<T>(new Broker(maxsize), maxsize));
}
