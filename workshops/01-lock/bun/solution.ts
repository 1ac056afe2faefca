// 01-lock on Bun — instructor solution.
// A lock server: the process that creates the lock keeps its state (who holds it, who waits, in
// arrival order) and answers requests from its children over the Bun.spawn IPC channel. Because
// one process decides everything, there is no race to win — and because the server sees a child
// exit, a holder that dies loses the lock. The counter is real shared memory: a file mapped into
// every process with Bun.mmap, which is what Python's Value does with mmap under the hood.
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Lock, LockError, type Value } from "@workshop/contracts";
import { type Channel, currentProcess, type ReduceContext, type Reduction, reduce, registerReviver } from "@workshop/process";

type Request = { id: number; op: "acquire"; timeoutMs?: number } | { id: number; op: "release" };
type Reply = { id: number; ok: boolean; error?: string };

interface Waiter {
  who: string;
  grant: (ok: boolean) => void;
  timer?: ReturnType<typeof setTimeout>;
}

/** The lock's state, kept in one process only: there is nothing to race on. */
class LockServer {
  private holder: string | null = null;
  private waiters: Waiter[] = [];

  acquire(who: string, timeoutMs?: number): Promise<boolean> {
    if (this.holder === null && this.waiters.length === 0) {
      this.holder = who;
      return Promise.resolve(true);
    }
    return new Promise((grant) => {
      const waiter: Waiter = { who, grant };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          grant(false);
        }, timeoutMs);
      }
      this.waiters.push(waiter); // FIFO: first come, first served
    });
  }

  release(who: string): void {
    if (this.holder !== who) {
      throw new LockError(this.holder === null ? "release() of a lock that is not held" : `release() by ${who}, but ${this.holder} holds the lock`);
    }
    this.handOver();
  }

  /** A process exited: drop its waits, and if it held the lock, the next in line gets it. */
  forget(who: string): void {
    this.waiters = this.waiters.filter((w) => w.who !== who);
    if (this.holder === who) this.handOver();
  }

  private handOver(): void {
    const next = this.waiters.shift();
    this.holder = next?.who ?? null;
    if (next) {
      clearTimeout(next.timer);
      next.grant(true);
    }
  }
}

let locks = 0;

/** The lock as the creating process sees it: it talks to its server directly. */
class ServedLock implements Lock {
  private readonly server = new LockServer();
  private readonly tag = `lock-${++locks}`;

  acquire(opts: { timeoutMs?: number } = {}): Promise<boolean> {
    return this.server.acquire(currentProcess().id, opts.timeoutMs);
  }

  release(): void {
    this.server.release(currentProcess().id);
  }

  // Handing the lock to a child: serve that child's requests on a tagged channel, and free the
  // lock if the child exits while holding it.
  [reduce](ctx: ReduceContext): Reduction {
    const who = ctx.child.id;
    const channel = ctx.channel(this.tag);
    channel.onMessage((msg) => {
      const req = msg as Request;
      if (req.op === "acquire") {
        void this.server.acquire(who, req.timeoutMs).then((ok) => channel.send({ id: req.id, ok } satisfies Reply));
      } else {
        try {
          this.server.release(who);
          channel.send({ id: req.id, ok: true } satisfies Reply);
        } catch (err) {
          channel.send({ id: req.id, ok: false, error: (err as Error).message } satisfies Reply);
        }
      }
    });
    ctx.onExit(() => this.server.forget(who));
    return { kind: "bun-served-lock", module: import.meta.url, data: this.tag };
  }
}

/** The lock as a child sees it: every call is a request to the server, answered by id. */
class LockClient implements Lock {
  private nextId = 0;
  private pending = new Map<number, (reply: Reply) => void>();

  constructor(private readonly channel: Channel) {
    channel.onMessage((msg) => {
      const reply = msg as Reply;
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  async acquire(opts: { timeoutMs?: number } = {}): Promise<boolean> {
    return (await this.request({ op: "acquire", timeoutMs: opts.timeoutMs })).ok;
  }

  async release(): Promise<void> {
    const reply = await this.request({ op: "release" });
    if (!reply.ok) throw new LockError(reply.error ?? "release() refused");
  }

  private request(req: { op: "acquire"; timeoutMs?: number } | { op: "release" }): Promise<Reply> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.channel.send({ ...req, id });
    });
  }
}

/** Like Value('i', 0): four bytes of a file, mapped into every process that uses it. */
class MappedValue implements Value {
  private readonly cell: Int32Array;

  constructor(readonly path: string) {
    const bytes = Bun.mmap(path); // MAP_SHARED: every process sees the same page
    this.cell = new Int32Array(bytes.buffer, bytes.byteOffset, 1);
  }

  get(): Promise<number> {
    return Promise.resolve(Atomics.load(this.cell, 0));
  }

  set(v: number): Promise<void> {
    Atomics.store(this.cell, 0, v);
    return Promise.resolve();
  }

  [reduce](): Reduction {
    return { kind: "bun-mapped-value", module: import.meta.url, data: this.path };
  }
}

registerReviver("bun-served-lock", (tag: string, ctx) => new LockClient(ctx.channel(tag)));
registerReviver("bun-mapped-value", (path: string) => new MappedValue(path));

export function createLock(): Promise<Lock> {
  return Promise.resolve(new ServedLock());
}

export function createValue(initial: number): Promise<Value> {
  const path = join(tmpdir(), `value-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, initial, true); // little-endian, as Int32Array reads it here
  writeFileSync(path, bytes);
  return Promise.resolve(new MappedValue(path));
}
