// Mutants of the 04-broker solutions: each plants one bug a learner really writes on a broker, and
// names the words the first failing verdict must contain. The three runtimes' solutions are the
// same code (the wire protocol is the contract), so every bug is planted in each of them.
import type { Mutant } from "./mutant.ts";

type Bug = Omit<Mutant, "runtime">;

const bugs: Bug[] = [
  {
    name: "no ack: items stay pending for ever",
    find: "    if (ids.length) await this.redis.multi().xAck(this.keys.stream, GROUP, ids).xDel(this.keys.stream, ids).exec();\n",
    replace: "",
    expect: ["fail", "acknowledged", "XACK"],
  },
  {
    name: "no ack before exit",
    find: "  protected async beforeExit(): Promise<void> {\n    await this.ack();\n  }",
    replace: "  protected async beforeExit(): Promise<void> {}",
    expect: ["fail", "not acknowledged", "beforeExit"],
  },
  {
    name: "ack without XDEL: the stream grows for ever",
    find: "    if (ids.length) await this.redis.multi().xAck(this.keys.stream, GROUP, ids).xDel(this.keys.stream, ids).exec();",
    replace: "    if (ids.length) await this.redis.xAck(this.keys.stream, GROUP, ids);",
    expect: ["fail", "XDEL"],
  },
  {
    name: "ack before processing (at get, at most once)",
    find: "    this.held.push(entry.id);",
    replace: "    await this.redis.multi().xAck(this.keys.stream, GROUP, entry.id).xDel(this.keys.stream, entry.id).exec();",
    expect: ["fail", "job-1 was lost", "before it was processed"],
  },
  {
    name: "no claim of a dead consumer's items",
    find: '    const { messages } = await this.redis.xAutoClaim(this.keys.stream, GROUP, this.consumer, this.address.claimIdleMs, "0-0", { COUNT: 1 });\n    return messages[0] ?? undefined;',
    replace: "    return undefined;",
    expect: ["fail", "nobody claimed it", "XAUTOCLAIM"],
  },
  {
    name: "no dedupe: once() always runs the work",
    find: "    if (await this.redis.sIsMember(this.keys.done, id)) return false;\n",
    replace: "",
    expect: ["fail", "job-0 was processed 2 times", "once"],
  },
  {
    name: "EOF at the close marker while a dead consumer's item is still pending",
    find: "      if (this.closing && (await this.redis.xPending(this.keys.stream, GROUP)).pending === 0) throw",
    replace: "      if (this.closing) throw",
    expect: ["fail", "still pending", "not drained"],
  },
  {
    name: "maxsize race: read, then write, in two steps",
    find: "      const added = await this.redis.eval(PUT, { keys: [this.keys.stream, this.keys.meta], arguments: [GROUP, encode(item)] });",
    replace: [
      '      const [length, pending, closed] = await Promise.all([this.redis.xLen(this.keys.stream), this.redis.xPending(this.keys.stream, GROUP), this.redis.hGet(this.keys.meta, "closed")]);',
      "      const full = this.address.maxsize > 0 && length - pending.pending >= this.address.maxsize;",
      '      const added = closed ? "closed" : full ? "full" : await this.redis.xAdd(this.keys.stream, "*", { item: encode(item) });',
    ].join("\n"),
    expect: ["fail", "more than one saw room", "one step"],
  },
  {
    name: "get: if (timeoutMs) treats 0 as no timeout",
    find: "      if (opts.timeoutMs !== undefined && left(deadline) <= 0) throw new Empty(",
    replace: "      if (opts.timeoutMs && left(deadline) <= 0) throw new Empty(",
    expect: ["fail", "timeoutMs 0", "don't wait"],
  },
  {
    name: "put: if (timeoutMs) treats 0 as no timeout",
    find: "      if (opts.timeoutMs !== undefined && left(deadline) <= 0) throw new Full(",
    replace: "      if (opts.timeoutMs && left(deadline) <= 0) throw new Full(",
    expect: ["fail", "timeoutMs 0", "don't wait"],
  },
  {
    name: "close not seen by waiting getters: the marker is not passed on",
    find: '.xDel(this.keys.stream, marker.id).xAdd(this.keys.stream, "*", { close: "1" }).exec();',
    replace: ".xDel(this.keys.stream, marker.id).exec();",
    expect: ["fail", "still blocked", "after close()"],
  },
  {
    name: "a get() makes room but wakes no waiting putter",
    find: "    if (this.address.maxsize > 0) await this.madeRoom();\n",
    replace: "",
    expect: ["fail", "made room", "got in"],
  },
  {
    name: "once() records the id first, then works (SADD as the check): at most once",
    find: "    if (await this.redis.sIsMember(this.keys.done, id)) return false;\n    await work();\n    await this.redis.sAdd(this.keys.done, id);\n",
    replace: "    if ((await this.redis.sAdd(this.keys.done, id)) === 0) return false; // claim the id, then work\n    await work();\n",
    expect: ["fail", "job-2 was never processed", "recorded the id before the work"],
  },
  {
    name: "claim without min-idle-time: a live consumer's item is taken",
    find: 'this.consumer, this.address.claimIdleMs, "0-0"',
    replace: 'this.consumer, 0, "0-0"',
    expect: ["fail", "delivered more than once", "claimIdleMs"],
  },
  {
    name: "claim only when get() starts: a waiting get() blocks past the next look",
    find: "      wait = Math.min(left(deadline), this.untilClaim());",
    replace: "      wait = left(deadline);",
    expect: ["fail", "nobody claimed it", "look again"],
  },
  {
    name: "the bound counts items handed out (XLEN without XPENDING)",
    find: "local waiting = redis.call('XLEN', KEYS[1]) - redis.call('XPENDING', KEYS[1], ARGV[1])[1]",
    replace: "local waiting = redis.call('XLEN', KEYS[1])",
    expect: ["fail", "handed out", "XLEN minus XPENDING"],
  },
  {
    name: "the close marker passed on without acknowledging the old one",
    find: '.multi().xAck(this.keys.stream, GROUP, marker.id).xDel(this.keys.stream, marker.id).xAdd(this.keys.stream, "*", { close: "1" }).exec();',
    replace: '.xAdd(this.keys.stream, "*", { close: "1" });',
    expect: ["fail", "close marker", "still pending", "XACK"],
  },
  {
    name: "the marker passed on, but the getter does not remember it met the end (this.closing)",
    find: "    this.closing = true;\n  }",
    replace: "  }",
    expect: ["fail", "going round", "this.closing"],
  },
];

export const mutants: Mutant[] = (["node", "deno", "bun"] as const).flatMap((runtime) => bugs.map((bug) => ({ runtime, ...bug })));
