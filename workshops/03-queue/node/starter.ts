// 03-queue on Node — your exercise. Run `npm test -- 03-queue/node` to grade it.
//
// The queue lives in a broker: the process that creates the queue keeps the items and the waiting
// lists, and serves its forked children over their IPC channels (the plumbing below, done for
// you: a child's put() and get() arrive at the Broker as calls, with `who` naming the child).
// As written, this is the seed's queue: items go in and come out — but nothing ever ends.
// Make the Broker a real queue: EOF after close, timeouts, a bound, and dead children forgotten.
// Read workshops/03-queue/README.md first; `npm start -- hint 03-queue/node` helps.
import { Empty, EOFError, Full, type Queue } from "@workshop/contracts";
import { beforeExit, type Channel, currentProcess, type ReduceContext, type Reduction, reduce, registerReviver } from "@workshop/process";

const BATCH = 256; // items per message, both ways

type Request =
  | { op: "put"; id?: number; items: unknown[]; timeoutMs?: number } // no id: fire and forget
  | { op: "get"; id: number; timeoutMs?: number }
  | { op: "close"; id: number }
  | { op: "sync"; id: number }; // answered once everything sent before it was handled
type Answer = { id: number; items?: unknown[]; error?: string; message?: string };
type Reply = Answer | { closed: true }; // "closed" is news the broker sends every child

interface Getter {
  who: string;
  give(items: unknown[]): void;
  refuse(err: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}
interface Putter {
  who: string;
  item: unknown;
  done(err?: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

/** The queue's state, in one process: items, and who waits for what, both in arrival order. */
class Broker {
  private items: unknown[] = [];
  private head = 0; // items before `head` are taken (a cheap deque)
  private getters: Getter[] = [];
  private putters: Putter[] = [];
  closed = false;

  constructor(private readonly maxsize: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Resolves with at least one item (at most `max`); Empty past the timeout, EOF once closed and drained. */
  get(who: string, max: number, timeoutMs?: number): Promise<unknown[]> {
    if (this.size > 0) return Promise.resolve(this.take(max));
    // TODO(1): the seed's bug lives here. If the queue is closed and nothing is left, no item will
    //          ever come: reject with the contract's EOFError instead of waiting forever.
    return new Promise((give, refuse) => {
      const getter: Getter = { who, give, refuse };
      // TODO(2): with a timeoutMs, give up when it has passed: take this getter out of the line
      //          and refuse it with the contract's Empty (Python: queue.Empty).
      this.getters.push(getter);
    });
  }

  /** No more puts; getters drain what is left, then get EOFError. */
  close(): void {
    this.closed = true;
    // TODO(3): whoever still waits in get() now waits for nothing: refuse every waiting getter
    //          with EOFError (and every put() still waiting for room, too).
  }

  put(who: string, item: unknown, timeoutMs?: number): Promise<void> {
    // TODO(4): a closed queue takes no more items: reject.
    // TODO(5): a bounded queue (maxsize > 0) that holds maxsize items is full: don't push — wait
    //          in this.putters until a get() makes room, and reject with the contract's Full once
    //          timeoutMs has passed. That wait is the backpressure that keeps memory flat.
    this.push(item);
    return Promise.resolve();
  }

  /** A child process exited (or was killed). */
  forget(who: string): void {
    // TODO(7): its waits are void: drop its getters and putters. A getter of a dead process that
    //          stays in line would be handed the next item — and that item would be lost.
  }

  private push(item: unknown): void {
    const getter = this.getters.shift();
    if (getter) {
      clearTimeout(getter.timer);
      getter.give([item]); // someone is already waiting: hand it over directly
    } else this.items.push(item);
  }

  private take(max: number): unknown[] {
    const n = Math.min(max, this.size);
    const taken = this.items.slice(this.head, this.head + n);
    this.head += n;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    // TODO(6): room was made: let waiting putters in, first come first served — push each one's
    //          item and resolve its put(), while there is room.
    return taken;
  }
}

let queues = 0;

/** The queue as its creator sees it: it talks to the broker directly. */
class BrokerQueue<T> implements Queue<T> {
  private readonly broker: Broker;
  private readonly tag = `queue-${++queues}`;
  private readonly children = new Set<Channel>();

  constructor(readonly maxsize: number) {
    this.broker = new Broker(maxsize);
  }

  put(item: T, opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.broker.put(currentProcess().id, item, opts.timeoutMs);
  }

  async get(opts: { timeoutMs?: number } = {}): Promise<T> {
    return (await this.broker.get(currentProcess().id, 1, opts.timeoutMs))[0] as T;
  }

  close(): Promise<void> {
    this.closeBroker();
    return Promise.resolve();
  }

  private closeBroker(): void {
    if (this.broker.closed) return;
    this.broker.close();
    for (const channel of this.children) channel.send({ closed: true } satisfies Reply); // so their put() rejects too
  }

  // Handing the queue to a child: serve that child's requests on a tagged channel.
  [reduce](ctx: ReduceContext): Reduction {
    const who = ctx.child.id;
    const channel = ctx.channel(this.tag);
    this.children.add(channel);
    const answer = (id: number, work: Promise<unknown[] | undefined>) =>
      work.then(
        (items) => channel.send({ id, items } satisfies Reply),
        (err: Error) => channel.send({ id, error: (err as { code?: string }).code, message: err.message } satisfies Reply),
      );
    channel.onMessage((msg) => {
      const req = msg as Request;
      if (req.op === "put") {
        if (req.id === undefined)
          for (const item of req.items) void this.broker.put(who, item).catch(() => {}); // closed: dropped
        else
          void answer(
            req.id,
            this.broker.put(who, req.items[0], req.timeoutMs).then(() => undefined),
          );
      } else if (req.op === "get") void answer(req.id, this.broker.get(who, BATCH, req.timeoutMs));
      else {
        if (req.op === "close") this.closeBroker();
        channel.send({ id: req.id } satisfies Reply); // close or sync: messages are handled in order
      }
    });
    ctx.onExit(() => {
      this.children.delete(channel);
      this.broker.forget(who);
    });
    return { kind: "node-queue-broker", module: import.meta.url, data: { tag: this.tag, maxsize: this.maxsize, closed: this.broker.closed } };
  }
}

/** The queue as a child sees it: requests to the broker, plus a few prefetched items. */
class QueueClient<T> implements Queue<T> {
  private nextId = 0;
  private pending = new Map<number, (reply: Answer) => void>();
  private prefetched: unknown[] = [];
  private outbox: unknown[] = [];
  private flushScheduled = false;
  private unsynced = false; // pipelined puts sent since the last sync

  constructor(
    private readonly channel: Channel,
    private readonly maxsize: number,
    private closed: boolean,
  ) {
    channel.onMessage((msg) => {
      const reply = msg as Reply;
      if ("closed" in reply) {
        this.closed = true;
        return;
      }
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
    // Like Python's queue feeder thread, joined at exit: our pipelined puts must reach the broker
    // before we report and exit — a parent may see our exit before it reads our last messages.
    beforeExit(() => this.sync());
  }

  async put(item: T, opts: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closed) throw new EOFError("put() on a closed queue");
    if (this.maxsize > 0) {
      // Bounded: the broker must say "there was room" (or Full) — one round trip per put.
      this.flush();
      this.check(await this.request({ op: "put", items: [item], timeoutMs: opts.timeoutMs }));
      return;
    }
    // Unbounded: nothing to wait for. Batch puts into one message per BATCH or per event-loop turn.
    this.outbox.push(item);
    if (this.outbox.length >= BATCH) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  async get(opts: { timeoutMs?: number } = {}): Promise<T> {
    if (this.prefetched.length) return this.prefetched.shift() as T;
    const reply = this.check(await this.request({ op: "get", timeoutMs: opts.timeoutMs }));
    const [first, ...rest] = reply.items ?? [];
    this.prefetched.push(...rest);
    return first as T;
  }

  async close(): Promise<void> {
    this.flush(); // our own puts go in before the close
    await this.request({ op: "close" });
    this.closed = true;
  }

  /** Resolves once the broker has handled every put we sent. */
  private async sync(): Promise<void> {
    this.flush();
    if (!this.unsynced) return;
    this.unsynced = false;
    await this.request({ op: "sync" });
  }

  private flush(): void {
    this.flushScheduled = false;
    if (!this.outbox.length) return;
    this.channel.send({ op: "put", items: this.outbox } satisfies Request);
    this.unsynced = true;
    this.outbox = [];
  }

  private request(
    req: { op: "put"; items: unknown[]; timeoutMs?: number } | { op: "get"; timeoutMs?: number } | { op: "close" } | { op: "sync" },
  ): Promise<Answer> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.channel.send({ ...req, id } as Request);
    });
  }

  /** Turn an error reply back into the contract's error class, by its code. */
  private check(reply: Answer): Answer {
    switch (reply.error) {
      case undefined:
        return reply;
      case "EOF":
        this.closed = true;
        throw new EOFError(reply.message);
      case "EMPTY":
        throw new Empty(reply.message);
      case "FULL":
        throw new Full(reply.message);
      default:
        throw new Error(reply.message);
    }
  }
}

registerReviver(
  "node-queue-broker",
  (data: { tag: string; maxsize: number; closed: boolean }, ctx) => new QueueClient(ctx.channel(data.tag), data.maxsize, data.closed),
);

export function createQueue<T>(opts: { maxsize?: number } = {}): Promise<Queue<T>> {
  return Promise.resolve(new BrokerQueue<T>(opts.maxsize ?? 0));
}
