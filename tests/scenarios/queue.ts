// 03-queue: the properties every Queue must have, on every runtime. Written once, against the
// contract; each worker below runs in a real child process (Node, Bun) or worker (Deno).
import process from "node:process";
import { hasCode, type Queue, type QueueCell } from "@workshop/contracts";
import { fail, joinAll, type Scenario, type ScenarioContext, sleep } from "@workshop/harness/scenario";
import { mark, signalParent, traced, waitForParent } from "@workshop/process";

const SEED_ITEMS = 5;
const FIFO_ITEMS = 10_000;
const PRODUCERS = 3;
const CONSUMERS = 3;
const PER_PRODUCER = 2_000;
const BOUND = 8;
const HEAVY_ITEMS = 1_000;
const HEAVY_BYTES = 64 * 1024;
const RSS_GROWTH_LIMIT = 24 * 1024 * 1024;
const STALL_MS = 500;
const CLOSE_GRACE_MS = 2_000;

// ---- workers (each runs in its own process) -------------------------------------------------

/** The seed's producer, fixed: put 0..4, then say "no more" with close(). */
export async function seedProducer(q: Queue<number>): Promise<void> {
  for (let i = 0; i < SEED_ITEMS; i++) await traced(`put ${i}`, () => q.put(i));
  await traced("close", () => q.close());
}

/** Python's `while True: item = q.get()` — but it stops at EOFError, so it can end. */
export async function consumer(q: Queue<unknown>): Promise<unknown[]> {
  signalParent("ready");
  return drain(q);
}

/** Puts `count` numbers starting at `from`, after the start barrier. */
export async function producer(q: Queue<number>, from: number, count: number): Promise<void> {
  signalParent("ready");
  await waitForParent("go");
  for (let i = from; i < from + count; i++) await traced(`put ${i}`, () => q.put(i));
}

/** Fills a bounded queue, then one more put must time out with Full. */
export async function filler(q: Queue<number>, bound: number): Promise<{ error?: string; full?: { code: string | null; ms: number; threw: string | null } }> {
  for (let i = 0; i < bound; i++) {
    try {
      await traced(`put ${i}`, () => q.put(i, { timeoutMs: 2_000 }));
    } catch (err) {
      return { error: `put(${i}, { timeoutMs: 2000 }) on a queue holding only ${i} of ${bound} items threw ${describe(err)}` };
    }
  }
  const t0 = performance.now();
  try {
    await traced(`put ${bound} (queue full, timeout 300 ms)`, () => q.put(bound, { timeoutMs: 300 }));
    return { full: { code: null, ms: Math.round(performance.now() - t0), threw: null } };
  } catch (err) {
    return { full: { code: hasCode(err, "FULL") ? "FULL" : null, ms: Math.round(performance.now() - t0), threw: describe(err) } };
  }
}

/** Takes `count` items, then one more get on the empty queue must time out with Empty. */
export async function emptier(
  q: Queue<number>,
  count: number,
): Promise<{ got: number[]; error?: string; empty?: { code: string | null; ms: number; threw: string | null } }> {
  const got: number[] = [];
  for (let i = 0; i < count; i++) {
    try {
      got.push(
        await traced(
          "get",
          () => q.get({ timeoutMs: 2_000 }),
          (v) => `got ${brief(v)}`,
        ),
      );
    } catch (err) {
      return { got, error: `get({ timeoutMs: 2000 }) threw ${describe(err)} with ${count - i} items still in the queue` };
    }
  }
  const t0 = performance.now();
  try {
    const v = await traced(
      "get (queue empty, timeout 300 ms)",
      () => q.get({ timeoutMs: 300 }),
      (v) => `got ${brief(v)}`,
    );
    got.push(v);
    return { got, empty: { code: null, ms: Math.round(performance.now() - t0), threw: null } };
  } catch (err) {
    return { got, empty: { code: hasCode(err, "EMPTY") ? "EMPTY" : null, ms: Math.round(performance.now() - t0), threw: describe(err) } };
  }
}

/**
 * A fast producer of big items. It samples its resident memory until the parent says the consumer
 * has started: that peak, against the baseline, is what an unbounded buffer would have cost.
 */
export async function heavyProducer(q: Queue<Uint8Array>, count: number, bytes: number): Promise<{ rssBefore: number; stallPeak: number }> {
  const payload = new Uint8Array(bytes).fill(7);
  const rssBefore = rss();
  let peak = rssBefore;
  let stallPeak: number | undefined;
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
  void waitForParent("consumer-started", { timeoutMs: 30_000 }).then(
    () => (stallPeak ??= Math.max(peak, rss())),
    () => {},
  );
  signalParent("ready");
  await waitForParent("go");
  try {
    for (let i = 0; i < count; i++) {
      payload[0] = i & 0xff;
      await traced(`put #${i} (64 KiB)`, () => q.put(payload));
    }
  } finally {
    clearInterval(sampler);
  }
  signalParent("done");
  return { rssBefore, stallPeak: stallPeak ?? Math.max(peak, rss()) };
}

/** Waits for the parent's "go", then consumes slowly until EOF; returns how many it got. */
export async function slowConsumer(q: Queue<Uint8Array>): Promise<number> {
  signalParent("ready");
  await waitForParent("go", { timeoutMs: 20_000 });
  let n = 0;
  for (;;) {
    try {
      await traced(
        "get",
        () => q.get(),
        () => `got #${n}`,
      );
    } catch (err) {
      if (hasCode(err, "EOF")) return n;
      throw err;
    }
    if (++n % 10 === 0) await sleep(1);
  }
}

/** Blocks in get() on an empty queue; after close() it must drain and stop, and put must reject. */
export async function closeWaiter(q: Queue<number>): Promise<{ got: number[]; putAfterClose: string | null; getAgain: string | null }> {
  signalParent("ready");
  const got = (await drain(q)) as number[];
  let putAfterClose: string | null = null;
  try {
    await traced("put after close", () => q.put(99, { timeoutMs: 500 }));
  } catch (err) {
    putAfterClose = describe(err);
  }
  let getAgain: string | null = null;
  try {
    await traced("get after EOF", () => q.get({ timeoutMs: 500 }));
  } catch (err) {
    getAgain = hasCode(err, "EOF") ? "EOF" : describe(err);
  }
  return { got, putAfterClose, getAgain };
}

/** Gets `count` items, then blocks in get() until the parent kills it. */
export async function doomedConsumer(q: Queue<number>, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const v = await traced(
      "get",
      () => q.get(),
      (v) => `got ${brief(v)}`,
    );
    mark(`got ${v}`);
  }
  signalParent("waiting");
  await traced("get (about to be killed)", () => q.get());
  mark("got an item after it should have died");
}

/** Puts `first` items, waits for the parent's "more", then puts the rest. */
export async function gatedProducer(q: Queue<number>, first: number, total: number): Promise<void> {
  for (let i = 0; i < first; i++) await traced(`put ${i}`, () => q.put(i));
  await waitForParent("more", { timeoutMs: 20_000 });
  for (let i = first; i < total; i++) await traced(`put ${i}`, () => q.put(i));
}

/** Puts every structured value of `payloads()` in order. */
export async function payloadProducer(q: Queue<unknown>): Promise<void> {
  for (const [i, item] of payloads().entries()) await traced(`put item ${i}`, () => q.put(item));
}

/** Gets `count` items and returns a fingerprint of each (1 MiB payloads don't travel back). */
export async function payloadConsumer(q: Queue<unknown>, count: number): Promise<string[]> {
  const prints: string[] = [];
  for (let i = 0; i < count; i++)
    prints.push(
      fingerprint(
        await traced(
          "get",
          () => q.get({ timeoutMs: 10_000 }),
          () => `got item ${i}`,
        ),
      ),
    );
  return prints;
}

async function drain(q: Queue<unknown>): Promise<unknown[]> {
  const got: unknown[] = [];
  for (;;) {
    try {
      got.push(
        await traced(
          "get",
          () => q.get(),
          (v) => `got ${brief(v)}`,
        ),
      );
    } catch (err) {
      if (hasCode(err, "EOF")) return got;
      throw err;
    }
  }
}

// ---- scenarios (each runs in the top process of its own run) --------------------------------

type Ctx = ScenarioContext<QueueCell>;
type Proc = Awaited<ReturnType<Ctx["start"]>>;

export const scenarios: Scenario<QueueCell>[] = [
  {
    name: "seed",
    title: `the seed, fixed: a producer puts ${SEED_ITEMS} items and closes; the consumer ends; both join`,
    async run({ cell, start }: Ctx) {
      const q = await cell.createQueue<number>();
      const p2 = await start("consumer", [q], "consumer");
      await p2.waitFor("ready", { timeoutMs: 5_000 });
      const p1 = await start("seedProducer", [q], "producer");
      await joinAll([p1], 5_000, `put ${SEED_ITEMS} items and close() the queue`);
      if ((await p2.join({ timeoutMs: CLOSE_GRACE_MS })) === null) {
        fail(
          `consumer still blocked ${CLOSE_GRACE_MS / 1000} s after close(): this is the seed's bug — \`while True: q.get()\` never ends. ` +
            "Once the queue is closed and drained, get() must reject with EOFError, so the consumer's loop can stop and p2.join() returns.",
        );
      }
      await joinAll([p2], 0);
      expectSequence(p2.result as unknown[], SEED_ITEMS, "the consumer");
    },
  },
  {
    name: "fifo",
    title: `one producer, one consumer: ${FIFO_ITEMS} items arrive in the order they were put`,
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const q = await cell.createQueue<number>();
      const consumerProc = await start("consumer", [q], "consumer");
      const producerProc = await start("producer", [q, 0, FIFO_ITEMS], "producer");
      await startTogether([consumerProc, producerProc]);
      await joinAll([producerProc], 15_000, `put ${FIFO_ITEMS} items`);
      await q.close();
      await joinConsumers([consumerProc]);
      expectSequence(consumerProc.result as unknown[], FIFO_ITEMS, "the consumer");
    },
  },
  {
    name: "mpmc",
    title: `${PRODUCERS} producers × ${CONSUMERS} consumers × ${PER_PRODUCER} items: every item delivered exactly once`,
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const q = await cell.createQueue<number>();
      const procs: Proc[] = [];
      const consumers: Proc[] = [];
      for (let c = 0; c < CONSUMERS; c++) consumers.push(await start("consumer", [q], `consumer-${c + 1}`));
      for (let p = 0; p < PRODUCERS; p++) procs.push(await start("producer", [q, p * PER_PRODUCER, PER_PRODUCER], `producer-${p + 1}`));
      await startTogether([...consumers, ...procs]);
      await joinAll(procs, 15_000, `put its ${PER_PRODUCER} items`);
      await q.close();
      await joinConsumers(consumers);
      expectExactlyOnce(
        consumers.map((c) => ({ name: c.name, items: c.result as number[] })),
        range(0, PRODUCERS * PER_PRODUCER),
      );
    },
  },
  {
    name: "bounded",
    title: `maxsize ${BOUND}: put on a full queue ⇒ Full, get on an empty one ⇒ Empty, both in time`,
    async run({ cell, start }: Ctx) {
      const q = await cell.createQueue<number>({ maxsize: BOUND });
      const f = await start("filler", [q, BOUND], "filler");
      await joinAll([f], 5_000, `put ${BOUND} items and then time out on the ${BOUND + 1}th`);
      const { error, full } = f.result as Awaited<ReturnType<typeof filler>>;
      if (error) fail(error);
      if (full?.threw === null)
        fail(
          `put() on a queue already holding ${BOUND} items (maxsize ${BOUND}) succeeded after ${full.ms} ms: it must wait, and reject with Full past its timeout`,
        );
      if (full?.code !== "FULL")
        fail(`put() on a full queue threw ${full?.threw}, not the contract's Full: callers tell "full" from other failures by its code`);
      expectInTime("put({ timeoutMs: 300 }) on a full queue", full.ms, 300);
      const e = await start("emptier", [q, BOUND], "emptier");
      await joinAll([e], 5_000, `get ${BOUND} items and then time out on the empty queue`);
      const { got, error: getError, empty } = e.result as Awaited<ReturnType<typeof emptier>>;
      if (getError) fail(getError);
      if (empty?.threw === null) {
        fail(
          got.at(-1) === BOUND
            ? `put(${BOUND}) timed out with Full, yet the item went into the queue anyway (a later get returned it): a put that gives up must leave the queue unchanged`
            : `get() on an empty queue returned ${brief(got.at(-1))} after ${empty.ms} ms: with nothing left it must wait, and reject with Empty past its timeout`,
        );
      }
      if (empty?.code !== "EMPTY") fail(`get() on an empty queue threw ${empty?.threw}, not the contract's Empty`);
      expectInTime("get({ timeoutMs: 300 }) on an empty queue", empty.ms, 300);
      expectSequence(got, BOUND, "the emptier");
    },
  },
  {
    name: "backpressure",
    title: `a fast producer, a slow consumer, maxsize ${BOUND}: the producer waits, memory stays flat`,
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const q = await cell.createQueue<Uint8Array>({ maxsize: BOUND });
      const slow = await start("slowConsumer", [q], "slow-consumer");
      const fast = await start("heavyProducer", [q, HEAVY_ITEMS, HEAVY_BYTES], "fast-producer");
      await slow.waitFor("ready", { timeoutMs: 5_000 });
      await fast.waitFor("ready", { timeoutMs: 5_000 });
      // The consumer stalls for the first STALL_MS: the slowest consumer there is.
      const mainBefore = rss();
      let mainPeak = mainBefore;
      const sampler = setInterval(() => (mainPeak = Math.max(mainPeak, rss())), 20);
      await fast.notify("go");
      await sleep(STALL_MS);
      clearInterval(sampler);
      mainPeak = Math.max(mainPeak, rss());
      if (await signalled(fast, "done")) {
        fail(
          `put() never waited: with maxsize ${BOUND} and nobody consuming yet, the producer finished all ${HEAVY_ITEMS} puts of 64 KiB within ${STALL_MS} ms. ` +
            "A bounded queue must make put() wait while it holds maxsize items — that wait is the backpressure that keeps memory flat.",
        );
      }
      await fast.notify("consumer-started");
      await slow.notify("go");
      await joinAll([fast], 15_000, `put its ${HEAVY_ITEMS} items once the consumer started`);
      await q.close();
      await joinConsumers([slow]);
      if (slow.result !== HEAVY_ITEMS) fail(`the consumer got ${String(slow.result)} items, expected ${HEAVY_ITEMS}`);
      const { rssBefore, stallPeak } = fast.result as { rssBefore: number; stallPeak: number };
      for (const [who, growth] of [
        ["the producer", stallPeak - rssBefore],
        ["the process that created the queue", mainPeak - mainBefore],
      ] as const) {
        if (growth > RSS_GROWTH_LIMIT) {
          fail(
            `${who}'s resident memory grew by ${mib(growth)} in ${STALL_MS} ms while a fast producer of 64 KiB items faced a stalled consumer on a queue of maxsize ${BOUND} ` +
              `(limit ${mib(RSS_GROWTH_LIMIT)}; ${BOUND} items are only ${mib(BOUND * HEAVY_BYTES)}): items are being buffered somewhere instead of making the producer wait.`,
          );
        }
      }
    },
  },
  {
    name: "close-wakes",
    title: "close() with consumers waiting: all wake, drain what is left, and stop; put after close rejects",
    async run({ cell, start }: Ctx) {
      const q = await cell.createQueue<number>();
      const waiters: Proc[] = [];
      for (let i = 0; i < 3; i++) waiters.push(await start("closeWaiter", [q], `consumer-${i + 1}`));
      for (const w of waiters) await w.waitFor("ready", { timeoutMs: 5_000 });
      await sleep(200); // every consumer is now blocked in get() on an empty queue
      await q.put(1);
      await q.put(2);
      await q.close();
      await joinConsumers(waiters);
      expectExactlyOnce(
        waiters.map((w) => ({ name: w.name, items: (w.result as { got: number[] }).got })),
        [1, 2],
      );
      for (const w of waiters) {
        const { putAfterClose, getAgain } = w.result as Awaited<ReturnType<typeof closeWaiter>>;
        if (putAfterClose === null) fail(`${w.name}: put() after close() succeeded: a closed queue takes no more items — reject the put`);
        if (getAgain !== "EOF")
          fail(`${w.name}: a second get() after EOFError ${getAgain ? `threw ${getAgain}` : "returned an item"}: a closed, drained queue stays at EOF`);
      }
      let mainPut: unknown = null;
      try {
        await q.put(3, { timeoutMs: 500 });
      } catch (err) {
        mainPut = err;
      }
      if (mainPut === null) fail("put() after close() succeeded in the process that created the queue: a closed queue takes no more items");
    },
  },
  {
    name: "consumer-crash",
    title: "a consumer killed while waiting in get() does not wedge the others, nor swallow an item",
    deadlineMs: 15_000,
    async run({ cell, start }: Ctx) {
      const q = await cell.createQueue<number>();
      const first = 5;
      const total = 200;
      const doomed = await start("doomedConsumer", [q, first], "doomed-consumer");
      const prod = await start("gatedProducer", [q, first, total], "producer");
      await doomed.waitFor("waiting", { timeoutMs: 5_000 });
      const survivors: Proc[] = [];
      for (let i = 0; i < 2; i++) survivors.push(await start("consumer", [q], `survivor-${i + 1}`));
      for (const s of survivors) await s.waitFor("ready", { timeoutMs: 5_000 });
      await sleep(100); // the doomed consumer is blocked in get(), first in line
      doomed.kill();
      await doomed.join({ timeoutMs: 5_000 });
      await sleep(100); // let the queue notice the death (a socket closes, Process reports the exit)
      await prod.notify("more");
      await joinAll([prod], 10_000, `put its ${total} items after a consumer died`);
      await q.close();
      await joinConsumers(survivors, " after another consumer had died");
      expectExactlyOnce(
        survivors.map((s) => ({ name: s.name, items: s.result as number[] })),
        range(first, total),
        (item) =>
          item === first
            ? ` — it was probably handed to doomed-consumer, which had already died while waiting in get(). When a consumer's process exits, forget the get()s it was waiting in (Node: ReduceContext.onExit; Bun: the socket closes)`
            : "",
      );
    },
  },
  {
    name: "payloads",
    title: "items are structured values: multi-byte text, nested objects, 1 MiB Uint8Arrays — intact",
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const q = await cell.createQueue<unknown>();
      const expected = payloads();
      const c = await start("payloadConsumer", [q, expected.length], "consumer");
      const p = await start("payloadProducer", [q], "producer");
      await joinAll([p, c], 15_000, "pass the payloads along");
      const prints = c.result as string[];
      for (const [i, item] of expected.entries()) {
        const want = fingerprint(item);
        if (prints[i] !== want)
          fail(`item ${i} (${kindOf(item)}) arrived changed: expected ${want}, got ${prints[i]} — items must come out exactly as they went in`);
      }
    },
  },
];

// ---- checks that explain themselves ---------------------------------------------------------

function expectSequence(got: unknown[], count: number, who: string): void {
  if (!Array.isArray(got)) fail(`${who} returned ${brief(got)} instead of the list of items it got`);
  for (let i = 0; i < Math.min(got.length, count); i++) {
    if (got[i] === i) continue;
    const dup = got.indexOf(got[i], 0) < i;
    if (dup) fail(`item ${brief(got[i])} delivered twice (the ${ordinal(i + 1)} get returned it again)`);
    if (typeof got[i] === "number" && (got[i] as number) > i && !got.includes(i))
      fail(`item ${i} was lost: ${who} got ${brief(got[i])} where ${i} was due, and never got ${i}`);
    fail(`items out of order: the ${ordinal(i + 1)} get returned ${brief(got[i])}, expected ${i} — one producer, one consumer: a queue is first in, first out`);
  }
  if (got.length < count)
    fail(`${who} got only ${got.length} of ${count} items: item ${got.length} and later were lost (or close() cut them off before they were drained)`);
  if (got.length > count) fail(`${who} got ${got.length} items, but only ${count} were put: item ${brief(got[count])} delivered twice`);
}

function expectExactlyOnce(results: { name: string; items: number[] }[], expected: number[], hint: (item: number) => string = () => ""): void {
  const seen = new Map<number, string>();
  for (const { name, items } of results) {
    if (!Array.isArray(items)) fail(`${name} returned ${brief(items)} instead of the list of items it got`);
    for (const item of items) {
      const before = seen.get(item);
      if (before !== undefined) fail(`item ${item} delivered twice (to ${before} and ${name}): a get() must take the item out of the queue for good`);
      seen.set(item, name);
    }
  }
  const lost = expected.filter((i) => !seen.has(i));
  if (lost.length) {
    const first = lost[0] ?? 0;
    fail(
      `item ${first} was never delivered${lost.length > 1 ? ` (nor ${lost.length - 1} other${lost.length > 2 ? "s" : ""})` : ""}: ` +
        `${expected.length} items went in, the consumers got ${seen.size}${hint(first)}`,
    );
  }
  const stray = [...seen.keys()].find((i) => !expected.includes(i));
  if (stray !== undefined) fail(`${seen.get(stray)} got item ${stray}, which nobody put in this queue`);
}

function expectInTime(what: string, ms: number, timeoutMs: number): void {
  if (ms < timeoutMs - 50) fail(`${what} gave up after only ${ms} ms: wait for the whole timeout before giving up`);
  if (ms > timeoutMs + 700) fail(`${what} took ${ms} ms to give up: check the deadline while waiting, not only when something happens`);
}

/** Join consumers after close(): each must end within the grace period, or it is still blocked. */
async function joinConsumers(consumers: Proc[], context = ""): Promise<void> {
  const closedAt = Date.now();
  for (const c of consumers) {
    const left = Math.max(0, closedAt + CLOSE_GRACE_MS - Date.now());
    if ((await c.join({ timeoutMs: left })) === null) {
      fail(
        `${c.name} still blocked ${CLOSE_GRACE_MS / 1000} s after close()${context}: once the queue is closed and drained, every waiting get() ` +
          "must wake up and reject with EOFError — otherwise the consumer never ends and join() never returns (the seed's bug).",
      );
    }
  }
  await joinAll(consumers, 0);
}

/** A start barrier: every process is up before the producers begin. */
async function startTogether(procs: Proc[]): Promise<void> {
  for (const p of procs) await p.waitFor("ready", { timeoutMs: 10_000 });
  for (const p of procs) await p.notify("go");
}

async function signalled(p: Proc, what: string): Promise<boolean> {
  try {
    await p.waitFor(what, { timeoutMs: 0 });
    return true;
  } catch {
    return false;
  }
}

// ---- values ----------------------------------------------------------------------------------

/** Structured values of every kind the contract promises, including 1 MiB byte arrays. */
export function payloads(): unknown[] {
  const mib = (seed: number) => {
    const bytes = new Uint8Array(1 << 20);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + seed) & 0xff;
    return bytes;
  };
  return [
    "hello",
    "多字节文本：生产者与消费者 🚀 — ünïcödé",
    { id: 1, text: "嵌套的对象", tags: ["a", "β", "🚀"], nested: { deep: [1, 2.5, -3, null, true] } },
    mib(1),
    [0, "", false, null, { empty: {} }, []],
    "长".repeat(100_000),
    { name: "blob", bytes: mib(2) },
    mib(3),
    42,
  ];
}

/** A short, exact description of a value: equal fingerprints mean equal values. */
function fingerprint(x: unknown): string {
  if (x instanceof Uint8Array) {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum = (sum * 31 + x[i]!) >>> 0;
    return `Uint8Array(${x.length}, checksum ${sum})`;
  }
  if (typeof x === "string") {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum = (sum * 31 + x.charCodeAt(i)) >>> 0;
    return x.length > 60 ? `string(${x.length} chars, checksum ${sum})` : JSON.stringify(x);
  }
  if (Array.isArray(x)) return `[${x.map(fingerprint).join(",")}]`;
  if (x && typeof x === "object") {
    const proto = Object.getPrototypeOf(x);
    if (proto !== Object.prototype && proto !== null) return `${x.constructor?.name ?? "object"}?`;
    return `{${Object.entries(x)
      .map(([k, v]) => `${k}:${fingerprint(v)}`)
      .join(",")}}`;
  }
  return `${typeof x}:${String(x)}`;
}

function kindOf(x: unknown): string {
  if (x instanceof Uint8Array) return `a ${mib(x.length)} Uint8Array`;
  if (typeof x === "string") return /[^\x20-\x7e]/.test(x) ? "a multi-byte string" : "a string";
  if (Array.isArray(x)) return "an array";
  return typeof x === "object" && x !== null ? "an object" : `the ${typeof x} ${String(x)}`;
}

function brief(x: unknown): string {
  if (x instanceof Uint8Array) return `Uint8Array(${x.length})`;
  const s = typeof x === "string" ? JSON.stringify(x) : (JSON.stringify(x) ?? String(x));
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function rss(): number {
  return process.memoryUsage().rss;
}

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function ordinal(n: number): string {
  return `${n}${n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th"}`;
}
