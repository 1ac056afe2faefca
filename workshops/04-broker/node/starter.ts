// 04-broker on Node — your exercise: the Queue on a Redis stream. Grade it with `npm test -- 04-broker/node`.
//
// The items live in Redis, in no process: put() adds an entry to a stream (XADD); get() reads the
// next one as a consumer of the stream's group (XREADGROUP), which hands each entry to one
// consumer and keeps it pending until that consumer acknowledges it (XACK). The connection, the
// keys, the wire format and passing the queue to a child are given (@workshop/04-broker/redis).
// As given, this is the seed's queue: items go in and come out in order — and nothing ever ends.
// Read workshops/04-broker/README.md first; `npm start -- hint 04-broker/node` gives one hint at a time.

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
-- TODO(3): A bounded queue (HGET KEYS[2] 'maxsize' > 0) is full when the entries waiting (XLEN minus XPENDING's count, ARGV[1] is the group) reach maxsize: return 'full'.
return redis.call('XADD', KEYS[1], '*', 'item', ARGV[2])`;

class RedisQueue<T> extends StreamQueue<T> {
  private held: string[] = []; // ids of the items this process was given and has not acknowledged
  private nextClaim = 0; // when to look again for items a dead consumer left behind
  private closing = false; // this process met the close marker: no new entries will come

  async put(item: T, opts: Timeout = {}): Promise<void> {
    const deadline = deadlineOf(opts);
    for (;;) {
      const added = await this.redis.eval(PUT, { keys: [this.keys.stream, this.keys.meta], arguments: [GROUP, encode(item)] });
      if (added === "closed") throw new EOFError("put() on a closed queue");
      if (added !== "full") return;
      // TODO(4): Full means wait for room: BLPOP this.keys.room (a blocking call: this.blocking((r) => r.blPop(…)); 0 s = forever), then try again. A put() that finds the queue closed pushes a token on for the next waiting one.
      // TODO(6): With opts.timeoutMs, reject with the contract's Full once the deadline has passed (0: at once, without waiting).
      throw new Full("the queue is full");
    }
  }

  async get(opts: Timeout = {}): Promise<T> {
    // TODO(2): Coming back for more means what this process was given before has been processed: acknowledge it (XACK) and delete it from the stream (XDEL). beforeExit() does the same.
    const deadline = deadlineOf(opts);
    let wait: number | undefined; // the first look does not wait
    for (;;) {
      const entry = (await this.claim()) ?? (this.closing ? undefined : await this.read(wait));
      if (entry?.message.close !== undefined) await this.passOn(entry);
      else if (entry) return this.take(entry);
      // TODO(1): A getter that met the close marker (this.closing) throws the contract's EOFError: every item put before close() came before the marker.
      // TODO(8): …but only once nothing is out with any consumer (XPENDING's count is 0): a dead consumer's items come back through claim().
      // TODO(6): With opts.timeoutMs, reject with the contract's Empty once the deadline has passed (0: after this first look).
      wait = Math.min(left(deadline), this.untilClaim()); // never past the next look for a dead consumer's items
      if (this.closing) await sleep(Math.min(wait, 100)); // an ack sends no news: look again soon
    }
  }

  async close(): Promise<void> {
    // TODO(1): No more puts: mark the queue closed (HSET this.keys.meta closed 1) and add the close marker to the stream (XADD … { close: "1" }), in one MULTI.
    // TODO(4): …and wake the put()s waiting for room: they will find the queue closed (LPUSH a token on this.keys.room).
  }

  /** The close marker: every item put before close() came before it. */
  private async passOn(marker: Entry): Promise<void> {
    // TODO(5): The group hands the marker to one getter only: pass it on, in one MULTI — acknowledge and delete it (marker.id), add a new one — so the next getter, maybe already waiting, meets it too.
    this.closing = true;
  }

  private async take(entry: Entry): Promise<T> {
    this.held.push(entry.id);
    // TODO(4): An item left the queue: if it is bounded (this.address.maxsize > 0), push a token on this.keys.room for one waiting put() (LPUSH, then LTRIM to about maxsize).
    return decode(entry.message.item) as T;
  }

  /** At least once means an item may come twice: run `work` unless this id was processed already (by anyone). */
  async once(id: string, work: () => Promise<void>): Promise<boolean> {
    // TODO(9): Skip an id already in this.keys.done (SISMEMBER): return false. Otherwise do the work, then record the id (SADD).
    await work();
    return true;
  }

  protected async beforeExit(): Promise<void> {
    // TODO(2): A process that returns normally has processed what it was given: acknowledge it.
  }

  /** An item some consumer has held unacknowledged for claimIdleMs — it died, most likely. */
  private async claim(): Promise<Entry | undefined> {
    if (performance.now() < this.nextClaim) return undefined;
    this.nextClaim = performance.now() + this.address.claimIdleMs / 2;
    // TODO(7): Claim one entry idle for claimIdleMs or more (XAUTOCLAIM key group this.consumer minIdle "0-0" COUNT 1): it is yours now.
    return undefined;
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
