// 04-broker — the plumbing, given, the same on Node, Deno and Bun: the connection to Redis, the
// keys of a queue, the wire format of an item, and passing a queue to a child process. You write
// the queue itself (<runtime>/starter.ts); this file is imported by every runtime's starter and
// solution alike — the wire protocol is the contract, so one implementation fits all three.
//
// A queue named "orders" is four keys on the server:
//   wq:orders        the stream: one entry per item (field `item`), or a close marker (field `close`)
//   wq:orders:meta   a hash: `maxsize` (0 = unbounded) and, once closed, `closed`
//   wq:orders:room   a list a waiting put() blocks on (BLPOP): a get() that took an item pushes to it
//   wq:orders:done   a set: the ids of the items processed so far (see once())
// and one consumer group, GROUP, in which every process that gets is a consumer of its own.
import { Buffer } from "node:buffer";
import process from "node:process";
import { createClient } from "@redis/client";
import type { Queue, Timeout } from "@workshop/contracts";
import { beforeExit, currentProcess, type Reduction, reduce, registerReviver } from "@workshop/process";

export type Redis = ReturnType<typeof client>;

/** One entry of the stream, as XREADGROUP and XAUTOCLAIM return it. */
export interface Entry {
  id: string;
  message: Record<string, string>;
}

/** What a process needs to open a queue: where the server is, and the queue's name. */
export interface Address {
  url: string;
  name: string;
  /** 0: unbounded. The bound itself lives on the server (the meta hash); this is a copy. */
  maxsize: number;
  /** How long (ms) an item may stay with a consumer, unacknowledged, before another may claim it. */
  claimIdleMs: number;
}

/** The consumer group every getter of every queue belongs to. */
export const GROUP = "getters";

export interface QueueOptions {
  /** 0 (default): unbounded. Kept on the server: whoever opens the queue by name gets the same bound. */
  maxsize?: number;
  /** Open (or create) the queue with this name — from any process, on any machine. Default: a new name. */
  name?: string;
  /** See Address.claimIdleMs (default 2 000 ms). */
  claimIdleMs?: number;
  /** The server (default: REDIS_URL, else redis://127.0.0.1:6379). */
  url?: string;
}

const CLAIM_IDLE_MS = 2_000;

/** The keys of a queue (see the top of this file). */
export function keysOf(name: string) {
  return { stream: `wq:${name}`, meta: `wq:${name}:meta`, room: `wq:${name}:room`, done: `wq:${name}:done` };
}

/** Where the broker is: REDIS_URL, or a Redis on this machine. */
export function brokerUrl(): string {
  return process.env.REDIS_URL || "redis://127.0.0.1:6379";
}

/**
 * A connection to the server. If the server goes away (a restart), commands wait for it to come
 * back and the connection is made again; if it was never there, this rejects and says where it looked.
 */
export async function connect(url = brokerUrl()): Promise<Redis> {
  let connected = false;
  const redis = client(url, (retries, cause) => (connected && retries < 100 ? Math.min(20 * 2 ** retries, 200) : cause));
  redis.on("error", () => {}); // a dropped connection: the calls in flight reject, the client reconnects
  try {
    await redis.connect();
  } catch (err) {
    throw new Error(`could not reach Redis at ${url} (${(err as Error)?.message}): is redis-server running? Set REDIS_URL to point at it`);
  }
  connected = true;
  return redis;
}

function client(url: string, reconnect: (retries: number, cause: Error) => number | Error) {
  return createClient({ url, socket: { reconnectStrategy: reconnect } });
}

/** Create the queue's stream, consumer group and bound on the server, unless they exist; its address. */
export async function declareQueue(redis: Redis, opts: QueueOptions = {}): Promise<Address> {
  const name = opts.name ?? `q-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const keys = keysOf(name);
  try {
    await redis.xGroupCreate(keys.stream, GROUP, "0", { MKSTREAM: true });
  } catch (err) {
    if (!String((err as Error)?.message).includes("BUSYGROUP")) throw err; // it exists already: open it
  }
  await redis.hSetNX(keys.meta, "maxsize", String(Math.max(0, Math.floor(opts.maxsize ?? 0))));
  const maxsize = Number(await redis.hGet(keys.meta, "maxsize")); // the first to declare it set the bound
  return { url: opts.url ?? brokerUrl(), name, maxsize, claimIdleMs: opts.claimIdleMs ?? CLAIM_IDLE_MS };
}

// ---- the wire format: JSON, with byte arrays as base64 -----------------------------------------
// Not v8.serialize: that is V8's format, and Bun (JavaScriptCore) writes another. JSON reads the
// same on every runtime — and in every language a Redis client exists for.

const BYTES = "$uint8array";

export function encode(item: unknown): string {
  return JSON.stringify(item, (_key, value) =>
    value instanceof Uint8Array ? { [BYTES]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") } : value,
  );
}

export function decode(text: string | undefined): unknown {
  if (text === undefined) throw new Error("a stream entry without an `item` field: was it written by put()?");
  return JSON.parse(text, (_key, value) =>
    value && typeof value === "object" && typeof value[BYTES] === "string" ? new Uint8Array(Buffer.from(value[BYTES], "base64")) : value,
  );
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The deadline of a wait: `timeoutMs` from now (Infinity: no timeout). */
export function deadlineOf(opts: Timeout): number {
  return performance.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
}

/** ms left before `deadline` (Infinity: no timeout). */
export function left(deadline: number): number {
  return deadline - performance.now();
}

// ---- the base of your queue: connections, a name in the group, passing it to a child ----------

const KIND = "redis-queue";

export abstract class StreamQueue<T> implements Queue<T> {
  /** This process's name in the consumer group: the broker tracks who holds which item by it. */
  readonly consumer = `${currentProcess().id}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  readonly keys: ReturnType<typeof keysOf>;
  private idle: Redis[] = []; // connections for blocking calls, free to use

  constructor(
    /** For quick commands. A blocking one (XREADGROUP BLOCK, BLPOP) takes a connection of its own: see blocking(). */
    readonly redis: Redis,
    readonly address: Address,
    /** The module of the subclass (its import.meta.url): a child imports it to rebuild the queue — or to open another by name. */
    readonly module: string,
  ) {
    this.keys = keysOf(address.name);
    beforeExit(() => this.beforeExit()); // a child that returns normally says what it has finished first
  }

  abstract put(item: T, opts?: Timeout): Promise<void>;
  abstract get(opts?: Timeout): Promise<T>;
  abstract close(): Promise<void>;
  /** Run before a child process exits normally (not when it is killed). */
  protected abstract beforeExit(): Promise<void>;

  /**
   * Run a blocking command on a connection of its own: while Redis holds a connection in BLOCK, it
   * answers nothing else on it. Connections are kept for the next blocking call.
   */
  protected async blocking<R>(call: (redis: Redis) => Promise<R>): Promise<R> {
    const conn = this.idle.pop() ?? (await connect(this.address.url));
    try {
      return await call(conn);
    } finally {
      this.idle.push(conn);
    }
  }

  /**
   * The next entry no consumer of the group has been given yet (XREADGROUP … >), now yours until you
   * acknowledge it. `ms`: how long to wait for one (undefined: don't wait; Infinity: until one comes)
   * — a finite wait is never BLOCK 0, which Redis reads as "forever", the opposite of timeoutMs 0.
   */
  protected async read(ms?: number): Promise<Entry | undefined> {
    const stream = { key: this.keys.stream, id: ">" };
    const block = ms === Number.POSITIVE_INFINITY ? 0 : Math.max(1, Math.ceil(ms ?? 0));
    const reply =
      ms === undefined
        ? await this.redis.xReadGroup(GROUP, this.consumer, stream, { COUNT: 1 })
        : await this.blocking((r) => r.xReadGroup(GROUP, this.consumer, stream, { COUNT: 1, BLOCK: block }));
    return reply?.[0]?.messages[0];
  }

  /** Close this process's connections (a script that is done; children and graded runs need not). */
  async disconnect(): Promise<void> {
    await this.beforeExit();
    for (const conn of [this.redis, ...this.idle.splice(0)]) conn.destroy();
  }

  [reduce](): Reduction {
    return { kind: KIND, module: this.module, data: this.address };
  }
}

/** Register how a child rebuilds your queue from its address (call at the top level of your module). */
export function shareQueues(open: (redis: Redis, address: Address) => StreamQueue<unknown>): void {
  registerReviver(KIND, async (address: Address) => open(await connect(address.url), address));
}
