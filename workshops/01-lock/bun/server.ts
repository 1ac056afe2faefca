// 01-lock on Bun — the given parts: the wiring of the lock server. You write its decisions
// (LockServer in starter.ts); this carries the calls. The process that creates the lock owns the
// server. Its own acquire() and release() call the server directly; a child's travel to it over
// the child's Bun.spawn IPC channel (a private, tagged channel from @workshop/process) as requests,
// and come back as replies. The server never knows a child from its creator, only `who` asks.
import { type Lock, LockError } from "@workshop/contracts";
import { type Channel, currentProcess, type ReduceContext, type Reduction, reduce, registerReviver } from "@workshop/process";

/** What the wiring calls on your server. `who` names the asking process ("main", "w1", …). */
export interface LockServerLike {
  /** Resolves true once `who` holds the lock; false if `timeoutMs` passed first. */
  acquire(who: string, timeoutMs?: number): Promise<boolean>;
  /** Throws LockError unless `who` holds the lock. */
  release(who: string): void;
  /** `who` exited or was killed: it waits for nothing any more, and holds nothing. */
  forget(who: string): void;
}

/** A caller waiting for the lock, for your server's line: grant(true) gives it the lock, grant(false) says time is up. */
export interface Waiter {
  who: string;
  grant: (ok: boolean) => void;
  timer?: ReturnType<typeof setTimeout>;
}

type Request = { id: number; op: "acquire"; timeoutMs?: number } | { id: number; op: "release" };
type Reply = { id: number; ok: boolean; error?: string };

let locks = 0;

/** The lock as the creating process sees it: it talks to its server directly. */
class ServedLock implements Lock {
  private readonly tag = `lock-${++locks}`;

  constructor(private readonly server: LockServerLike) {}

  acquire(opts: { timeoutMs?: number } = {}): Promise<boolean> {
    return this.server.acquire(currentProcess().id, opts.timeoutMs);
  }

  release(): void {
    this.server.release(currentProcess().id);
  }

  // Handing the lock to a child: serve that child's requests on a tagged channel, and tell the
  // server when the child exits.
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

registerReviver("bun-served-lock", (tag: string, ctx) => new LockClient(ctx.channel(tag)));

/** A Lock whose decisions are `server`'s: the creating process calls it, children ask over IPC. */
export function serveLock(server: LockServerLike): Lock {
  return new ServedLock(server);
}
