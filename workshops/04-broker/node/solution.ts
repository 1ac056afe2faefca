// 04-broker on Node — instructor solution: the Queue on a Redis stream with a consumer group.
//
// The items live in Redis, in no process: put() adds an entry to a stream (XADD); get() reads the
// next one as a consumer of the stream's group (XREADGROUP), which hands each entry to one
// consumer and keeps it pending until that consumer acknowledges it (XACK) — when it comes back
// for the next one, or exits. A consumer killed halfway leaves its item pending, and after
// claimIdleMs another one claims it (XAUTOCLAIM): at least once. once(id) keeps an item that came
// twice from being processed twice. Read workshops/04-broker/README.md first.

import {
  type Address,
  connect,
  deadlineOf,
  declareQueue,
  decode,
  type Entry,
  encode,
  GROUP,
  left,
  type QueueOptions,
  type Redis,
  StreamQueue,
  shareQueues,
  sleep,
} from "@workshop/04-broker/redis";
import { Empty, EOFError, Full, type Timeout } from "@workshop/contracts";

/** put() as one step on the server: a Lua script runs whole, and nothing happens between its lines. */
const PUT = `
if redis.call('HGET', KEYS[2], 'closed') then return 'closed' end
local maxsize = tonumber(redis.call('HGET', KEYS[2], 'maxsize') or '0')
local waiting = redis.call('XLEN', KEYS[1]) - redis.call('XPENDING', KEYS[1], ARGV[1])[1]
if maxsize > 0 and waiting >= maxsize then return 'full' end
return redis.call('XADD', KEYS[1], '*', 'item', ARGV[2])`;

class RedisQueue<T> extends StreamQueue<T> {
  private held: string[] = []; // ids of the items this process was given and has not acknowledged
  private nextClaim = 0; // when to look again for items a dead consumer left behind
  private closing = false; // this process met the close marker: no new entries will come

  async put(item: T, opts: Timeout = {}): Promise<void> {
    const deadline = deadlineOf(opts);
    for (;;) {
      const added = await this.redis.eval(PUT, { keys: [this.keys.stream, this.keys.meta], arguments: [GROUP, encode(item)] });
      if (added === "closed") {
        await this.redis.lPush(this.keys.room, "closed"); // the next waiting put() finds out too
        throw new EOFError("put() on a closed queue");
      }
      if (added !== "full") return;
      if (opts.timeoutMs !== undefined && left(deadline) <= 0) throw new Full(`queue still full after ${opts.timeoutMs} ms`);
      const seconds = opts.timeoutMs === undefined ? 0 : Math.max(1, left(deadline)) / 1000; // BLPOP 0: forever
      await this.blocking((r) => r.blPop(this.keys.room, seconds));
    }
  }

  async get(opts: Timeout = {}): Promise<T> {
    const acked = this.ack(); // sent now, awaited below: it goes out with the first look, in one round trip
    const deadline = deadlineOf(opts);
    let wait: number | undefined; // the first look does not wait
    for (;;) {
      const entry = (await this.claim()) ?? (this.closing ? undefined : await this.read(wait));
      await acked;
      if (entry?.message.close !== undefined) await this.passOn(entry);
      else if (entry) return this.take(entry);
      // Closed, and nothing out with any consumer (a dead one's items come back through claim()): drained.
      if (this.closing && (await this.redis.xPending(this.keys.stream, GROUP)).pending === 0) throw new EOFError("the queue is closed and drained");
      if (opts.timeoutMs !== undefined && left(deadline) <= 0) throw new Empty(`queue still empty after ${opts.timeoutMs} ms`);
      wait = Math.min(left(deadline), this.untilClaim()); // never past the next look for a dead consumer's items
      if (this.closing) await sleep(Math.min(wait, 100)); // an ack sends no news: look again soon
    }
  }

  async close(): Promise<void> {
    await this.redis.multi().hSet(this.keys.meta, "closed", "1").xAdd(this.keys.stream, "*", { close: "1" }).lPush(this.keys.room, "closed").exec();
  }

  /** The close marker: every item put before close() came before it. Pass it on, in one step, for the next getter. */
  private async passOn(marker: Entry): Promise<void> {
    await this.redis.multi().xAck(this.keys.stream, GROUP, marker.id).xDel(this.keys.stream, marker.id).xAdd(this.keys.stream, "*", { close: "1" }).exec();
    this.closing = true;
  }

  private async take(entry: Entry): Promise<T> {
    this.held.push(entry.id);
    if (this.address.maxsize > 0) await this.madeRoom();
    return decode(entry.message.item) as T;
  }

  /** An item left the queue: a token on the room list wakes one waiting put() (more than maxsize would be useless). */
  private async madeRoom(): Promise<void> {
    await this.redis.multi().lPush(this.keys.room, "1").lTrim(this.keys.room, 0, this.address.maxsize).exec();
  }

  /** At least once means an item may come twice: run `work` unless this id was processed already (by anyone). */
  async once(id: string, work: () => Promise<void>): Promise<boolean> {
    if (await this.redis.sIsMember(this.keys.done, id)) return false;
    await work();
    await this.redis.sAdd(this.keys.done, id);
    return true;
  }

  protected async beforeExit(): Promise<void> {
    await this.ack();
  }

  private async ack(): Promise<void> {
    const ids = this.held.splice(0);
    if (ids.length) await this.redis.multi().xAck(this.keys.stream, GROUP, ids).xDel(this.keys.stream, ids).exec();
  }

  /** An item some consumer has held unacknowledged for claimIdleMs — it died, most likely. */
  private async claim(): Promise<Entry | undefined> {
    if (performance.now() < this.nextClaim) return undefined;
    this.nextClaim = performance.now() + this.address.claimIdleMs / 2;
    const { messages } = await this.redis.xAutoClaim(this.keys.stream, GROUP, this.consumer, this.address.claimIdleMs, "0-0", { COUNT: 1 });
    return messages[0] ?? undefined;
  }

  private untilClaim(): number {
    return Math.max(1, this.nextClaim - performance.now());
  }
}

shareQueues((redis: Redis, address: Address) => new RedisQueue(redis, address, import.meta.url));

export async function createQueue<T>(opts: QueueOptions = {}): Promise<RedisQueue<T>> {
  const redis = await connect(opts.url);
  return new RedisQueue<T>(redis, await declareQueue(redis, opts), import.meta.url);
}
