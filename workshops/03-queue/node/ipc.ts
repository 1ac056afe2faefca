// 03-queue on Node — the plumbing, given: you write the Broker (starter.ts), this carries the calls.
// The process that creates the queue owns the Broker. A forked child's put() and get() travel to
// it over the child's IPC channel (a private, tagged channel from @workshop/process) as requests,
// and come back as answers; the Broker never knows a child from its creator, only `who` asks.
// Two tricks make it fast: an unbounded put() does not wait for an answer (puts travel in
// batches, flushed before the child exits — Python joins its queue's feeder thread for the same
// reason), and a get() answer carries every item that is ready (up to a batch), which the child
// keeps for its next get()s (unbounded queues only: a bounded one counts every item until it is got).
import { Empty, EOFError, Full, type Queue } from "@workshop/contracts";
import { beforeExit, type Channel, currentProcess, type ReduceContext, type Reduction, reduce, registerReviver } from "@workshop/process";

/** What the plumbing calls on your Broker. `who` names the asking process ("main", "w1", …). */
export interface BrokerLike {
  readonly closed: boolean;
  /** Resolves once the item is in the queue; rejects with Full past timeoutMs, EOFError once closed. */
  put(who: string, item: unknown, timeoutMs?: number): Promise<void>;
  /** Resolves with at least one item and at most `max`; Empty past timeoutMs, EOFError once closed and drained. */
  get(who: string, max: number, timeoutMs?: number): Promise<unknown[]>;
  close(): void;
  /** `who` exited or was killed. */
  forget(who: string): void;
}

const BATCH = 256; // items per message, both ways

type Request =
  | { op: "put"; id?: number; items: unknown[]; timeoutMs?: number } // no id: fire and forget
  | { op: "get"; id: number; timeoutMs?: number }
  | { op: "close"; id: number }
  | { op: "sync"; id: number }; // answered once everything sent before it was handled
type Answer = { id: number; items?: unknown[]; error?: string; message?: string };
type Reply = Answer | { closed: true }; // "closed" is news the broker sends every child
type Timeout = { timeoutMs?: number };

let queues = 0;

/** The queue as its creator sees it: calls on the Broker, in this very process. */
class BrokerQueue<T> implements Queue<T> {
  private readonly tag = `queue-${++queues}`;
  private readonly children = new Set<Channel>();

  constructor(
    private readonly broker: BrokerLike,
    readonly maxsize: number,
  ) {}

  async put(item: T, opts: Timeout = {}): Promise<void> {
    await this.broker.put(currentProcess().id, item, opts.timeoutMs);
  }

  async get(opts: Timeout = {}): Promise<T> {
    return firstOf(await this.broker.get(currentProcess().id, 1, opts.timeoutMs)) as T;
  }

  async close(): Promise<void> {
    this.closeBroker();
  }

  private closeBroker(): void {
    if (this.broker.closed) return;
    this.broker.close();
    for (const channel of this.children) channel.send({ closed: true } satisfies Reply); // so their put() rejects too
  }

  // Handing the queue to a child: serve that child's requests on a tagged channel.
  /** Items per get() answer: a batch when unbounded; one when bounded, since an item in a child's batch has left the queue and made room. */
  private get batch(): number {
    return this.maxsize > 0 ? 1 : BATCH;
  }

  [reduce](ctx: ReduceContext): Reduction {
    const who = ctx.child.id;
    const channel = ctx.channel(this.tag);
    this.children.add(channel);
    const answer = (id: number, call: () => Promise<unknown[] | undefined>) =>
      attempt(call).then(
        (items) => channel.send({ id, items } satisfies Reply),
        // Every rejection is sent as one, with its code — or OTHER: an error without a code is still an error.
        (err: unknown) => channel.send({ id, error: (err as { code?: string } | null)?.code ?? "OTHER", message: messageOf(err) } satisfies Reply),
      );
    channel.onMessage((msg) => {
      const req = msg as Request;
      if (req.op === "put") {
        if (req.id === undefined)
          for (const item of req.items) void attempt(() => this.broker.put(who, item)).catch(() => {}); // closed: dropped
        else void answer(req.id, async () => void (await this.broker.put(who, req.items[0], req.timeoutMs)));
      } else if (req.op === "get") void answer(req.id, () => this.broker.get(who, this.batch, req.timeoutMs));
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
    // Our pipelined puts must reach the broker before we report and exit — a parent may see our
    // exit before it reads our last messages.
    beforeExit(() => this.sync());
  }

  async put(item: T, opts: Timeout = {}): Promise<void> {
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

  async get(opts: Timeout = {}): Promise<T> {
    if (this.prefetched.length) return this.prefetched.shift() as T;
    const reply = this.check(await this.request({ op: "get", timeoutMs: opts.timeoutMs }));
    const first = firstOf(reply.items);
    this.prefetched.push(...(reply.items ?? []).slice(1));
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
        throw new Error(`the Broker rejected with an error that is not EOFError, Empty or Full: ${reply.message}`);
    }
  }
}

/** The first item of a Broker.get() answer — which must be a non-empty list. */
function firstOf(items: unknown): unknown {
  if (!Array.isArray(items) || items.length === 0)
    throw new TypeError(`Broker.get() resolved to ${Array.isArray(items) ? "an empty list" : String(items)}: it must resolve to a list of at least one item`);
  return items[0];
}

/** A Broker call as a promise, also when it threw instead of rejecting (or returned no promise). */
async function attempt<T>(call: () => Promise<T>): Promise<T> {
  return await call();
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : `Broker rejected with ${String(err)}, not an Error`;
}

registerReviver(
  "node-queue-broker",
  (data: { tag: string; maxsize: number; closed: boolean }, ctx) => new QueueClient(ctx.channel(data.tag), data.maxsize, data.closed),
);

/** Serve your Broker as a Queue: to this process directly, and to every child it is handed to. */
export function serveQueue<T>(broker: BrokerLike, maxsize: number): Queue<T> {
  return new BrokerQueue<T>(broker, maxsize);
}
