// 03-queue: the properties every Queue must have, on every runtime. Written once, against the
// contract; each worker below runs in a real child process (Node, Bun) or worker (Deno).
// The workers and the checks (expectSequence, expectExactlyOnce…) know nothing of a mechanism:
// any Queue — a broker, a ring in shared memory, a socket server, a stream in Redis — is graded
// by them. Every sentence a learner reads is a key of packages/i18n/locales/{en,zh-CN}/queue.json
// (`fail("queue:…", params)`, `msg(…)` for a part): this file never translates, the harness does.
import process from "node:process";
import { hasCode, type Queue, type QueueCell } from "@workshop/contracts";
import {
  cpuMs,
  expectFinished,
  expectProgress,
  expectShape,
  fail,
  joinAll,
  type Message,
  msg,
  openCalls,
  type Scenario,
  type ScenarioContext,
  settle,
  slack,
  sleep,
} from "@workshop/harness/scenario";
import { mark, type ProcessLike, signalParent, traced, waitForParent } from "@workshop/process";
import { brief, describeError, mib, ordinal, range, startTogether } from "./support.ts";

const SEED_ITEMS = 5;
const FIFO_ITEMS = 10_000;
const PRODUCERS = 3;
const CONSUMERS = 3;
const PER_PRODUCER = 2_000;
const BOUND = 8;
const HEAVY_ITEMS = 400;
const HEAVY_BYTES = 64 * 1024;
const RSS_GROWTH_LIMIT = 24 * 1024 * 1024;
const STALL_MS = 500;
const CLOSE_GRACE_MS = 2_000;
const CLOSE_WAITERS = 4;
/**
 * A lone consumer that should be ending after close() (its items drained, get() woken with
 * EOFError) but with the whole run idle this long is blocked: said at once, not at CLOSE_GRACE_MS
 * (which still decides on a busy machine, where something is always running or queued).
 */
const CLOSE_QUIET_MS = 500;
/** How long a get() or put() is left blocked while its CPU time is measured (long enough for a loop to show). */
const BLOCK_MS = 700;
/**
 * A process that waits may use at most this share of one core. The solutions use about 1 % (3 % at
 * worst, measured); a loop that looks again and again uses a whole core when it has one — and still
 * 20 % or more of one on a machine busy with ten other processes.
 */
const IDLE_CPU_SHARE = 0.15;
/** "At once", for timeoutMs 0: a round trip to whoever owns the queue, on a busy machine. */
const AT_ONCE_MS = 250;
const LINE_BOUND = 2;
const LINE_PRODUCERS = 3;

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

/** Fills a bounded queue; then put_nowait and put(timeout) on the full queue must reject with Full. Stays alive until "bye". */
export async function filler(q: Queue<number>, bound: number): Promise<{ nowait: Outcome; timed: Outcome }> {
  for (let i = 0; i < bound; i++) {
    const r = await within(`put ${i}`, () => q.put(i, { timeoutMs: 2_000 }), slack(3_000));
    if (r.kind !== "value") fail("queue:bounded.putRefused", { item: i, held: i, maxsize: bound, said: said(r) });
  }
  const nowait = await within(`put ${bound} (queue full, timeoutMs 0)`, () => q.put(bound, { timeoutMs: 0 }), slack(1_000));
  // Also when the first is still pending: whether a 300 ms timeout is kept tells "0 taken for no timeout" from "never refused".
  const timed =
    nowait.kind !== "value" ? await within(`put ${bound} (queue full, timeout 300 ms)`, () => q.put(bound, { timeoutMs: 300 }), slack(2_000)) : nowait;
  signalParent("gave-up");
  await waitForParent("bye", { timeoutMs: 20_000 }); // alive while the queue is emptied: a put that gave up is gone, though its process lives on
  return { nowait, timed };
}

/** Waits for "go", takes `count` items, then get(timeout) on the empty queue must reject with Empty. */
export async function emptier(q: Queue<number>, count: number): Promise<{ got: unknown[]; empty: Outcome }> {
  signalParent("ready");
  await waitForParent("go", { timeoutMs: 20_000 });
  const got: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const r = await within("get", () => q.get({ timeoutMs: 2_000 }), slack(3_000));
    if (r.kind !== "value") fail("queue:bounded.getRefused", { count: count - i, said: said(r) });
    got.push(r.value);
  }
  return { got, empty: await within("get (queue empty, timeout 300 ms)", () => q.get({ timeoutMs: 300 }), slack(2_000)) };
}

/**
 * Gives up on an empty queue and stays alive: get with a timeout, then get_nowait (timeoutMs 0),
 * both Empty; its CPU time is measured while it waits. Then, told "check", one get_nowait: the
 * parent has put an item for it by then.
 */
export async function quitter(q: Queue<unknown>): Promise<{ cpuMs: number; waitedMs: number; check: Outcome }> {
  signalParent("ready");
  await waitForParent("go");
  signalParent("waiting");
  const cpu0 = cpuMs();
  const timed = await within(`get (queue empty, timeout ${BLOCK_MS} ms)`, () => q.get({ timeoutMs: BLOCK_MS }), slack(BLOCK_MS + 2_000));
  const cpu = cpuMs() - cpu0;
  expectEmptyInTime(msg("queue:get-timeout.getTimed", { ms: BLOCK_MS }), timed, BLOCK_MS);
  expectEmptyNow(msg("queue:get-timeout.getNow"), await within("get (queue empty, timeoutMs 0)", () => q.get({ timeoutMs: 0 }), slack(1_000)));
  signalParent("gave-up");
  await waitForParent("check", { timeoutMs: 20_000 });
  const check = await within("get (one item waiting, timeoutMs 0)", () => q.get({ timeoutMs: 0 }), slack(1_000));
  return { cpuMs: cpu, waitedMs: timed.ms, check };
}

/**
 * Puts one item into a full queue: it must wait until a get() makes room (or close() refuses it).
 * Measures its CPU meanwhile.
 */
export async function lineProducer(q: Queue<number>, item: number): Promise<{ cpuMs: number; ms: number; put: Outcome }> {
  signalParent("ready");
  await waitForParent("go");
  const cpu0 = cpuMs();
  const t0 = performance.now();
  signalParent("putting");
  const put = await within(`put ${item} (queue full)`, () => q.put(item), 30_000);
  const report = { cpuMs: cpuMs() - cpu0, ms: performance.now() - t0, put };
  signalParent(put.kind === "value" ? "admitted" : "refused");
  return report;
}

/**
 * A fast producer of big items. It samples its memory (rss() below) until the parent says the consumer
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
      misplaced(err, "get()");
    }
    if (++n % 10 === 0) await sleep(1);
  }
}

/** Blocks in get() on an empty queue; after close() it must drain and stop, and put must reject. */
export async function closeWaiter(q: Queue<number>): Promise<{ got: unknown[]; putAfterClose: Outcome; getAgain: Outcome }> {
  signalParent("ready");
  const got = await drain(q);
  const putAfterClose = await within("put after close", () => q.put(99, { timeoutMs: 500 }), slack(2_000));
  const getAgain = await within("get after EOF", () => q.get({ timeoutMs: 500 }), slack(2_000));
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
    mark(`got ${brief(v)}`);
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

/** Every item until EOFError. */
export async function drain(q: Queue<unknown>): Promise<unknown[]> {
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
      misplaced(err, msg("queue:call.getAfter", { count: got.length }));
    }
  }
}

/** A contract error where it cannot belong (Empty from a get() without a timeout…) is a fail; anything else is the learner's crash. */
function misplaced(err: unknown, call: string | Message): never {
  if (hasCode(err, "EMPTY")) fail("queue:check.misplacedEmpty", { call });
  if (hasCode(err, "FULL")) fail("queue:check.misplacedFull", { call });
  throw err;
}

// ---- a call with a deadline, as a worker sees it --------------------------------------------

/** How a call ended: its value, its error, or still pending after the time we gave it. */
export type Outcome =
  | { kind: "value"; value: unknown; ms: number }
  | { kind: "error"; code: string | null; text: string; ms: number }
  | { kind: "pending"; ms: number };

/** Run a traced call, but stop waiting after `ms`: a call that never returns is an answer too. */
export async function within(op: string, call: () => Promise<unknown>, ms: number): Promise<Outcome> {
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), ms)));
  try {
    const r = await Promise.race([traced(op, call, (v) => `got ${brief(v)}`).then((value) => ({ value })), late]);
    const took = Math.round(performance.now() - t0);
    return r === "late" ? { kind: "pending", ms: took } : { kind: "value", value: r.value, ms: took };
  } catch (err) {
    return {
      kind: "error",
      code: (err as { code?: unknown } | null)?.code === undefined ? null : String((err as { code: unknown }).code),
      text: describeError(err),
      ms: Math.round(performance.now() - t0),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** "returned 5 after 3 ms", "rejected after 3 ms with Error: x", "was still waiting after 1000 ms". */
function said(o: Outcome): Message {
  if (o.kind === "value") return msg("queue:said.value", { value: brief(o.value), ms: o.ms });
  if (o.kind === "error") return msg("queue:said.error", { ms: o.ms, error: o.text });
  return msg("queue:said.pending", { ms: o.ms });
}

// ---- scenarios (each runs in the top process of its own run) --------------------------------

type Ctx = ScenarioContext<QueueCell>;
type Proc = ProcessLike;

export const scenarios: Scenario<QueueCell>[] = [
  {
    name: "seed",
    title: msg("queue:seed.title", { items: SEED_ITEMS }),
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell);
      const p2 = await start("consumer", [q], "consumer");
      await expectSignal(p2, "ready", slack(30_000), msg("queue:doing.start"));
      const p1 = await start("seedProducer", [q], "producer");
      await joinProducers([p1], 5_000, msg("queue:seed.putAndClose", { items: SEED_ITEMS }));
      expectProgress(slack(CLOSE_QUIET_MS), msg("queue:seed.stillBlocked", { seconds: slack(CLOSE_QUIET_MS) / 1000 }));
      if ((await p2.join({ timeoutMs: CLOSE_GRACE_MS })) === null) fail("queue:seed.stillBlocked", { seconds: CLOSE_GRACE_MS / 1000 });
      expectFinished([p2]);
      expectSequence(p2.result as unknown[], SEED_ITEMS, msg("queue:who.consumer"));
    },
  },
  {
    name: "fifo",
    title: msg("queue:fifo.title", { items: FIFO_ITEMS }),
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell);
      const consumerProc = await start("consumer", [q], "consumer");
      const producerProc = await start("producer", [q, 0, FIFO_ITEMS], "producer");
      await startTogether([consumerProc, producerProc]);
      await joinProducers([producerProc], 15_000, msg("queue:fifo.put", { items: FIFO_ITEMS }));
      await q.close();
      await joinConsumers([consumerProc]);
      expectSequence(consumerProc.result as unknown[], FIFO_ITEMS, msg("queue:who.consumer"));
    },
  },
  {
    name: "mpmc",
    title: msg("queue:mpmc.title", { producers: PRODUCERS, consumers: CONSUMERS, items: PER_PRODUCER }),
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell);
      const producers: Proc[] = [];
      const consumers: Proc[] = [];
      for (let c = 0; c < CONSUMERS; c++) consumers.push(await start("consumer", [q], `consumer-${c + 1}`));
      for (let p = 0; p < PRODUCERS; p++) producers.push(await start("producer", [q, p * PER_PRODUCER, PER_PRODUCER], `producer-${p + 1}`));
      await startTogether([...consumers, ...producers]);
      await joinProducers(producers, 15_000, msg("queue:mpmc.put", { items: PER_PRODUCER }));
      await q.close();
      await joinConsumers(consumers);
      expectExactlyOnce(
        consumers.map((c) => ({ name: c.name, items: c.result as unknown[] })),
        range(0, PRODUCERS * PER_PRODUCER),
      );
    },
  },
  {
    name: "close-wakes",
    title: "queue:close-wakes.title",
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell);
      const waiters: Proc[] = [];
      // Four waiters and two items: two are still waiting when close() comes, so a close() that
      // wakes only one of them (notify, where notify_all was needed) leaves the other blocked.
      for (let i = 0; i < CLOSE_WAITERS; i++) waiters.push(await start("closeWaiter", [q], `consumer-${i + 1}`));
      for (const w of waiters) await expectSignal(w, "ready", slack(30_000), msg("queue:doing.start"));
      await sleep(200); // every consumer is now blocked in get() on an empty queue
      await q.put(1);
      await q.put(2);
      await q.close();
      await joinConsumers(waiters);
      const results = waiters.map((w) => ({ name: w.name, ...(w.result as Awaited<ReturnType<typeof closeWaiter>>) }));
      // A put() after close() that was taken in would reach another consumer as an item nobody put: say so first.
      for (const r of results) expectRejectedAfterClose(msg("queue:close-wakes.putAfterClose", { who: r.name }), r.putAfterClose);
      expectExactlyOnce(
        results.map((r) => ({ name: r.name, items: r.got })),
        [1, 2],
        () => msg("queue:close-wakes.lostHint"),
      );
      for (const r of results)
        if (r.getAgain.kind !== "error" || r.getAgain.code !== "EOF") fail("queue:close-wakes.getAgain", { who: r.name, said: said(r.getAgain) });
      const mainPut = await within("put after close", () => q.put(3, { timeoutMs: 500 }), slack(2_000));
      expectRejectedAfterClose(msg("queue:close-wakes.mainPut"), mainPut);
    },
  },
  {
    name: "get-timeout",
    title: "queue:get-timeout.title",
    deadlineMs: 15_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<unknown>(cell);
      const quit = await start("quitter", [q], "quitter");
      await expectSignal(quit, "ready", slack(30_000), msg("queue:doing.start"));
      await quit.notify("go");
      await expectSignal(quit, "waiting", slack(2_000), msg("queue:get-timeout.startGet"));
      await sleep(150); // quitter's get() is in line now; ours comes after it
      const cpu0 = cpuMs();
      const t0 = performance.now();
      const ours = within("get (behind quitter's)", () => q.get(), slack(BLOCK_MS + 10_000));
      await expectSignal(quit, "gave-up", slack(BLOCK_MS + 3_000), msg("queue:get-timeout.giveUp", { ms: BLOCK_MS }));
      const mainCpu = { cpuMs: cpuMs() - cpu0, ms: performance.now() - t0 };

      await q.put("next");
      const taken = await Promise.race([ours, sleep(slack(1_000)).then(() => undefined)]);
      if (!taken) {
        // Still in the queue, or handed to a get() that had given up? Take a look without waiting.
        const probe = await within("get (is the item still in the queue?)", () => q.get({ timeoutMs: 0 }), slack(1_000));
        if (probe.kind === "value" && probe.value === "next") fail("queue:get-timeout.neverWoken", { ms: slack(1_000) });
        fail("queue:get-timeout.neverReached");
      }
      if (taken.kind !== "value" || taken.value !== "next") fail("queue:get-timeout.wrongItem", { said: said(taken) });

      await q.put("for-quitter");
      await quit.notify("check");
      await joinAll([quit], slack(3_000), msg("queue:get-timeout.takeWaiting"));
      const { check, cpuMs: quitCpu, waitedMs } = quit.result as Awaited<ReturnType<typeof quitter>>;
      if (check.kind === "value" && check.value === "next") fail("queue:get-timeout.wentToQuitter");
      if (check.kind !== "value" || check.value !== "for-quitter") fail("queue:get-timeout.checkWrong", { said: said(check) });
      if (check.ms > slack(AT_ONCE_MS)) fail("queue:get-timeout.checkSlow", { ms: check.ms });
      expectIdle(
        [
          { who: "quitter", cpuMs: quitCpu, ms: waitedMs },
          { who: msg("queue:who.creator"), cpuMs: mainCpu.cpuMs, ms: mainCpu.ms },
        ],
        msg("queue:get-timeout.idle", { seconds: BLOCK_MS / 1000 }),
      );
      return { quitterCpuMs: round(quitCpu), mainCpuMs: round(mainCpu.cpuMs), waitedMs };
    },
  },
  {
    name: "bounded",
    title: msg("queue:bounded.title", { maxsize: BOUND }),
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell, { maxsize: BOUND });
      const f = await start("filler", [q, BOUND], "filler");
      const e = await start("emptier", [q, BOUND], "emptier");
      await expectSignal(f, "gave-up", slack(8_000), msg("queue:bounded.fill", { maxsize: BOUND }));
      await e.notify("go");
      const late = await settle([e], 8_000);
      await f.notify("bye");
      await joinAll([f], 2_000, msg("queue:doing.end"));
      const { nowait, timed } = f.result as Awaited<ReturnType<typeof filler>>;
      if (nowait.kind === "value") fail("queue:bounded.overfilled", { maxsize: BOUND, nth: nth(BOUND + 1) });
      if (nowait.kind === "pending" && timed.kind === "pending") fail("queue:bounded.neverRefused", { nowaitMs: nowait.ms, timedMs: timed.ms });
      if (nowait.kind === "pending") fail("queue:bounded.nowaitPending", { ms: nowait.ms });
      if (nowait.code !== "FULL") fail("queue:bounded.nowaitWrong", { error: nowait.text });
      if (nowait.ms > slack(AT_ONCE_MS)) fail("queue:bounded.nowaitSlow", { ms: nowait.ms });
      if (timed.kind === "pending") fail("queue:bounded.timedPending", { ms: timed.ms });
      if (timed.kind !== "error" || timed.code !== "FULL") fail("queue:bounded.timedWrong", { said: said(timed) });
      expectInTime(msg("queue:bounded.timed"), timed.ms, 300);
      if (late) fail("harness:join.late", { who: e.name, doing: msg("queue:bounded.emptyOut", { maxsize: BOUND }), ms: 8_000 });
      expectFinished([e]);
      const { got, empty } = e.result as Awaited<ReturnType<typeof emptier>>;
      if (empty.kind === "value")
        empty.value === BOUND ? fail("queue:bounded.putLeaked", { item: BOUND }) : fail("queue:bounded.emptyReturned", { value: brief(empty.value) });
      expectEmptyInTime(msg("queue:bounded.emptyTimed"), empty, 300);
      expectSequence(got, BOUND, msg("queue:who.emptier"));
    },
  },
  {
    name: "full-line",
    title: msg("queue:full-line.title", { producers: LINE_PRODUCERS, maxsize: LINE_BOUND }),
    deadlineMs: 15_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell, { maxsize: LINE_BOUND });
      const first = range(100, 100 + LINE_BOUND);
      for (const item of first) await q.put(item, { timeoutMs: 1_000 });
      const producers: Proc[] = [];
      for (let i = 0; i < LINE_PRODUCERS; i++) producers.push(await start("lineProducer", [q, i], `producer-${i + 1}`));
      const rounds = LINE_PRODUCERS - 1; // the last producer is still waiting when the queue closes
      await startTogether(producers);
      for (const p of producers) await expectSignal(p, "putting", 5_000, msg("queue:full-line.startPut"));
      const cpu0 = cpuMs();
      const t0 = performance.now();
      await sleep(BLOCK_MS);
      const mainCpu = { cpuMs: cpuMs() - cpu0, ms: performance.now() - t0 };
      const early = await admitted(producers);
      if (early.length) fail("queue:full-line.early", { count: early.length, maxsize: LINE_BOUND });
      await expectNoneRefused(producers);
      let now: Proc[] = [];
      const got: unknown[] = [];
      for (let round = 1; round <= rounds; round++) {
        const r = await within("get", () => q.get({ timeoutMs: 1_000 }), slack(2_000));
        if (r.kind !== "value") fail("queue:full-line.getWrong", { said: said(r) });
        got.push(r.value);
        const before = round - 1;
        const deadline = performance.now() + slack(1_000);
        now = await admitted(producers);
        while (now.length === before && performance.now() < deadline) {
          await sleep(10);
          now = await admitted(producers);
        }
        await expectNoneRefused(producers);
        if (now.length === before) fail("queue:full-line.noneAdmitted", { waiting: LINE_PRODUCERS - before, ms: slack(1_000) });
        await sleep(100); // would a second one come in too?
        now = await admitted(producers);
        if (now.length > round)
          fail("queue:full-line.tooMany", { admitted: now.length - before, maxsize: LINE_BOUND, held: LINE_BOUND - 1 + now.length - before });
      }
      const last = producers.find((p) => !now.includes(p))!;
      await q.close();
      if ((await last.join({ timeoutMs: CLOSE_GRACE_MS })) === null)
        fail("queue:full-line.closeStuck", { who: last.name, maxsize: LINE_BOUND, seconds: CLOSE_GRACE_MS / 1000 });
      expectFinished([last]);
      expectRejectedAfterClose(msg("queue:full-line.putWaiting", { who: last.name }), (last.result as { put: Outcome }).put);
      // The queue is closed and still full: a put() must hear "closed" (EOFError) at once, not wait for room.
      const fullPut = await within("put after close (queue still full)", () => q.put(99, { timeoutMs: 300 }), slack(2_000));
      if (fullPut.kind === "error" && fullPut.code === "FULL") fail("queue:full-line.fullAfterClose", { maxsize: LINE_BOUND, ms: fullPut.ms });
      expectRejectedAfterClose(msg("queue:full-line.putAfterClose", { maxsize: LINE_BOUND }), fullPut);
      for (let i = 0; i <= LINE_BOUND + LINE_PRODUCERS; i++) {
        const r = await within("get (draining after close)", () => q.get({ timeoutMs: 0 }), slack(2_000));
        if (r.kind === "error" && r.code === "EOF") break;
        if (r.kind !== "value") fail("queue:full-line.drainWrong", { said: said(r) });
        got.push(r.value);
      }
      const lastItem = producers.indexOf(last);
      if (got.includes(lastItem)) fail("queue:full-line.refusedCameOut", { who: last.name, item: lastItem });
      expectExactlyOnce([{ name: msg("queue:who.creator"), items: got }], [...first, ...now.map((p) => producers.indexOf(p))], () =>
        msg("queue:full-line.lostHint"),
      );
      await joinAll(producers, 2_000, msg("queue:full-line.returned"));
      const reports = producers.map((p) => ({ who: p.name as string | Message, ...(p.result as { cpuMs: number; ms: number }) }));
      expectIdle(
        [...reports.filter((r) => r.who !== last.name), { who: msg("queue:who.creator"), ...mainCpu }],
        msg("queue:full-line.idle", { producers: LINE_PRODUCERS, seconds: BLOCK_MS / 1000 }),
      );
      return { producerCpuMs: reports.map((r) => round(r.cpuMs)), mainCpuMs: round(mainCpu.cpuMs) };
    },
  },
  {
    name: "backpressure",
    title: msg("queue:backpressure.title", { maxsize: BOUND }),
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<Uint8Array>(cell, { maxsize: BOUND });
      const slow = await start("slowConsumer", [q], "slow-consumer");
      const fast = await start("heavyProducer", [q, HEAVY_ITEMS, HEAVY_BYTES], "fast-producer");
      await expectSignal(slow, "ready", slack(30_000), msg("queue:doing.start"));
      await expectSignal(fast, "ready", slack(30_000), msg("queue:doing.start"));
      // The consumer stalls for the first STALL_MS: the slowest consumer there is.
      const mainBefore = rss();
      let mainPeak = mainBefore;
      const sampler = setInterval(() => (mainPeak = Math.max(mainPeak, rss())), 20);
      await fast.notify("go");
      await sleep(STALL_MS);
      clearInterval(sampler);
      mainPeak = Math.max(mainPeak, rss());
      if (await signalled(fast, "done")) fail("queue:backpressure.neverWaited", { maxsize: BOUND, items: HEAVY_ITEMS, ms: STALL_MS });
      await fast.notify("consumer-started");
      await slow.notify("go");
      await joinAll([fast], 15_000, msg("queue:backpressure.putAll", { items: HEAVY_ITEMS }));
      await q.close();
      await joinConsumers([slow]);
      if (slow.result !== HEAVY_ITEMS) fail("queue:backpressure.gotWrong", { got: brief(slow.result), expected: HEAVY_ITEMS });
      const { rssBefore, stallPeak } = fast.result as { rssBefore: number; stallPeak: number };
      for (const [who, growth] of [
        [msg("queue:who.producer"), stallPeak - rssBefore],
        [msg("queue:who.creator"), mainPeak - mainBefore],
      ] as const) {
        if (growth > RSS_GROWTH_LIMIT)
          fail("queue:backpressure.memory", {
            who,
            growth: mib(growth),
            ms: STALL_MS,
            maxsize: BOUND,
            limit: mib(RSS_GROWTH_LIMIT),
            size: mib(BOUND * HEAVY_BYTES),
          });
      }
    },
  },
  {
    name: "consumer-crash",
    title: "queue:consumer-crash.title",
    deadlineMs: 15_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell);
      const first = 5;
      const total = 200;
      const doomed = await start("doomedConsumer", [q, first], "doomed-consumer");
      const prod = await start("gatedProducer", [q, first, total], "producer");
      await expectSignal(doomed, "waiting", slack(30_000), msg("queue:consumer-crash.getFirst", { items: first }));
      const survivors: Proc[] = [];
      for (let i = 0; i < 2; i++) survivors.push(await start("consumer", [q], `survivor-${i + 1}`));
      for (const s of survivors) await expectSignal(s, "ready", slack(30_000), msg("queue:doing.start"));
      await sleep(100); // the doomed consumer is blocked in get(), first in line
      doomed.kill();
      await doomed.join({ timeoutMs: 5_000 });
      await sleep(100); // let the queue notice the death (a socket closes, Process reports the exit)
      await prod.notify("more");
      await joinProducers([prod], 10_000, msg("queue:consumer-crash.putRest", { items: total }));
      await q.close();
      await joinConsumers(survivors, msg("queue:consumer-crash.context"));
      expectExactlyOnce(
        survivors.map((s) => ({ name: s.name, items: s.result as unknown[] })),
        range(first, total),
        (lost) => (lost.includes(first) ? msg("queue:consumer-crash.lostHint", { item: first }) : ""),
      );
    },
  },
  {
    name: "payloads",
    title: "queue:payloads.title",
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<unknown>(cell);
      const expected = payloads();
      const c = await start("payloadConsumer", [q, expected.length], "consumer");
      const p = await start("payloadProducer", [q], "producer");
      await joinAll([p, c], 15_000, msg("queue:payloads.pass"));
      const prints = c.result as string[];
      for (const [i, item] of expected.entries()) {
        const want = fingerprint(item);
        if (prints[i] !== want) fail("queue:payloads.changed", { index: i, kind: kindOf(item), expected: want, got: String(prints[i]) });
      }
    },
  },
];

// ---- checks that explain themselves (exported: any Queue's scenarios may use them) ----------

/** The learner's factory made a usable queue (a wrong answer is a fail, not a TypeError). */
export async function makeQueue<T>(cell: QueueCell, opts?: { maxsize: number }): Promise<Queue<T>> {
  if (typeof cell?.createQueue !== "function") fail("queue:check.noFactory");
  const q = await cell.createQueue<T>(opts);
  return expectShape(q, `createQueue(${opts ? `{ maxsize: ${opts.maxsize} }` : ""})`, ["put", "get", "close"]);
}

/** What went wrong with a set of deliveries: the lost, the doubled, the strays — each counted. */
export function tally(
  results: { name: Who; items: unknown[] }[],
  expected: unknown[],
): { lost: unknown[]; twice: Map<unknown, Who[]>; strays: [unknown, Who][] } {
  const wanted = new Set(expected);
  const seen = new Map<unknown, Who[]>();
  const strays: [unknown, Who][] = [];
  for (const { name, items } of results) {
    for (const item of items) {
      if (!wanted.has(item)) strays.push([item, name]);
      else seen.set(item, [...(seen.get(item) ?? []), name]);
    }
  }
  return { lost: expected.filter((i) => !seen.has(i)), twice: new Map([...seen].filter(([, who]) => who.length > 1)), strays };
}

/**
 * Every expected item delivered exactly once, whoever got it: the lost, the doubled and the strays
 * counted apart, and named. `hint` adds what the loss usually means (a message, or "").
 */
export function expectExactlyOnce(results: { name: Who; items: unknown[] }[], expected: unknown[], hint: (lost: unknown[]) => Message | "" = () => ""): void {
  for (const { name, items } of results) if (!Array.isArray(items)) fail("queue:check.notAList", { who: name, got: brief(items) });
  const { lost, twice, strays } = tally(results, expected);
  if (!lost.length && !twice.size && !strays.length) return;
  const total = results.reduce((n, r) => n + r.items.length, 0);
  const parts: Message[] = [];
  if (lost.length) parts.push(msg("queue:check.lost", { count: lost.length, items: list(lost.map(brief)) }));
  if (twice.size) {
    const to = ([item, who]: [unknown, Who[]]) =>
      who.length === new Set(who).size
        ? msg("queue:check.to", { item: brief(item), who: who.reduce((a, b) => msg("queue:list.and", { a, b })) })
        : msg("queue:check.toTimes", { item: brief(item), who: who[0], times: who.length });
    parts.push(msg("queue:check.twice", { count: twice.size, items: list([...twice].map(to)) }));
  }
  if (strays.length)
    parts.push(
      msg("queue:check.strays", { count: strays.length, items: list(strays.map(([item, who]) => msg("queue:check.to", { item: brief(item), who }))) }),
    );
  fail("queue:check.tally", {
    expected: expected.length,
    total,
    parts: parts.reduce((a, b) => msg("queue:check.parts", { a, b })),
    why: twice.size ? msg("queue:check.twiceWhy") : "",
    hint: lost.length ? hint(lost) : "",
  });
}

/** One producer, one consumer: exactly 0..count-1, in order. Losses and duplicates are counted first. */
export function expectSequence(got: unknown[], count: number, who: Who): void {
  if (!Array.isArray(got)) fail("queue:check.notAList", { who, got: brief(got) });
  const expected = range(0, count);
  const { lost } = tally([{ name: who, items: got }], expected);
  if (got.length === 0 && count > 0) fail("queue:check.noneGot", { who, items: count });
  const tail = lost.length > 0 && lost.every((item, i) => item === count - lost.length + i) && got.length === count - lost.length;
  expectExactlyOnce([{ name: who, items: got }], expected, () => (tail ? msg("queue:check.tail", { count: lost.length }) : ""));
  const at = got.findIndex((item, i) => item !== i);
  if (at >= 0) fail("queue:check.outOfOrder", { nth: nth(at + 1), got: brief(got[at]), expected: at });
}

function expectInTime(what: Message, ms: number, timeoutMs: number): void {
  if (ms < timeoutMs - 50) fail("queue:check.tooSoon", { what, ms });
  if (ms > timeoutMs + slack(700)) fail("queue:check.tooLate", { what, ms });
}

function expectEmptyInTime(what: Message, o: Outcome, timeoutMs: number): void {
  if (o.kind === "value") fail("queue:check.emptyValue", { what, value: brief(o.value), ms: o.ms });
  if (o.kind === "pending") fail("queue:check.emptyPending", { what, ms: o.ms });
  if (o.code === "EOF") fail("queue:check.emptyEof", { what });
  if (o.code !== "EMPTY") fail("queue:check.emptyWrong", { what, error: o.text });
  expectInTime(what, o.ms, timeoutMs);
}

function expectEmptyNow(what: Message, o: Outcome): void {
  if (o.kind === "pending") fail("queue:check.nowPending", { what, ms: o.ms });
  if (o.kind === "value") fail("queue:check.nowValue", { what, value: brief(o.value) });
  if (o.code !== "EMPTY") fail("queue:check.nowWrong", { what, error: o.text });
  if (o.ms > slack(AT_ONCE_MS)) fail("queue:check.nowSlow", { what, ms: o.ms });
}

function expectRejectedAfterClose(what: Message, o: Outcome): void {
  if (o.kind === "value") fail("queue:check.closedAccepted", { what });
  if (o.kind === "pending") fail("queue:check.closedPending", { what, ms: o.ms });
  if (o.code !== "EOF") fail("queue:check.closedWrong", { what, error: o.text });
}

/** Every process listed used at most IDLE_CPU_SHARE of a core while it (or others) only waited. */
function expectIdle(samples: { who: Who; cpuMs: number; ms: number }[], during: Message): void {
  const worst = samples.map((s) => ({ ...s, share: s.cpuMs / Math.max(1, s.ms) })).sort((a, b) => b.share - a.share)[0];
  if (!worst || worst.share <= IDLE_CPU_SHARE) return;
  const deno = process.versions.deno !== undefined;
  fail("queue:check.busy", {
    during,
    who: deno ? msg("queue:who.denoWorkers") : worst.who,
    cpu: round(worst.cpuMs),
    ms: round(worst.ms),
    percent: Math.round(worst.share * 100),
    limit: Math.round(IDLE_CPU_SHARE * 100),
  });
}

/** Join consumers after close(): each must end within the grace period, or it is still blocked. */
async function joinConsumers(consumers: Proc[], context: Message | "" = ""): Promise<void> {
  const closedAt = Date.now();
  // A lone consumer is named at once if the run goes idle (with several, which one is blocked is not known ahead).
  const quiet = slack(CLOSE_QUIET_MS);
  const done =
    consumers.length === 1 ? expectProgress(quiet, msg("queue:check.stillBlocked", { who: consumers[0]!.name, seconds: quiet / 1000, context })) : () => {};
  for (const c of consumers) {
    const left = Math.max(0, closedAt + CLOSE_GRACE_MS - Date.now());
    if ((await c.join({ timeoutMs: left })) === null) fail("queue:check.stillBlocked", { who: c.name, seconds: CLOSE_GRACE_MS / 1000, context });
  }
  done();
  expectFinished(consumers);
}

/** Producers of an unbounded queue must finish: one still inside put() is a put that waited where nothing limits the queue. */
async function joinProducers(producers: Proc[], timeoutMs: number, doing: Message): Promise<void> {
  const late = await settle(producers, timeoutMs);
  const inPut = late && openCalls(late.id).find((op) => op.startsWith("put"));
  if (late && inPut) fail("queue:check.putOnUnbounded", { who: late.name, call: inPut, seconds: timeoutMs / 1000 });
  if (late) fail("harness:join.late", { who: late.name, doing, ms: timeoutMs });
  expectFinished(producers);
}

/** Wait for a worker's signal; if it ended instead, say how (its fail, crash or exit). */
async function expectSignal(p: Proc, what: string, timeoutMs: number, doing: Message): Promise<void> {
  try {
    await p.waitFor(what, { timeoutMs });
  } catch {
    if (p.exitCode !== null) expectFinished([p]);
    fail("harness:join.late", { who: p.name, doing, ms: timeoutMs });
  }
}

/** No put() without a timeout may give up while the queue is open: it waits for room as long as it takes. */
async function expectNoneRefused(producers: Proc[]): Promise<void> {
  for (const p of producers) {
    if (!(await signalled(p, "refused"))) continue;
    await joinAll([p], 2_000, msg("queue:doing.end"));
    fail("queue:full-line.refused", { who: p.name, said: said((p.result as { put: Outcome }).put) });
  }
}

async function admitted(producers: Proc[]): Promise<Proc[]> {
  const out: Proc[] = [];
  for (const p of producers) if (await signalled(p, "admitted")) out.push(p);
  return out;
}

async function signalled(p: Proc, what: string): Promise<boolean> {
  try {
    await p.waitFor(what, { timeoutMs: 0 });
    return true;
  } catch {
    return false;
  }
}

/** A process as a verdict names it: its name ("consumer-2"), or a phrase ("the process that created the queue"). */
type Who = string | Message;

/** "1, 2 and 3", or the first few and how many more — as a message, so each language joins them its own way. */
function list(xs: (string | Message)[]): string | Message {
  const shown = xs.slice(0, 5);
  const more = xs.length - shown.length;
  const commas = (ys: (string | Message)[]) => ys.reduce((a, b) => msg("queue:list.comma", { a, b }));
  if (more > 0) return msg("queue:list.more", { shown: commas(shown), more });
  return shown.length > 1 ? msg("queue:list.and", { a: commas(shown.slice(0, -1)), b: shown.at(-1) }) : (shown[0] ?? "");
}

/** "1st", "2nd", "9th" in English; "第 9 次" in Chinese. */
function nth(n: number): Message {
  const suffix = ordinal(n).slice(String(n).length);
  const keys: Record<string, string> = { st: "queue:nth.st", nd: "queue:nth.nd", rd: "queue:nth.rd", th: "queue:nth.th" };
  const key = keys[suffix] ?? "queue:nth.th";
  return msg(key, { n });
}

function round(ms: number): number {
  return Math.round(ms);
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

function kindOf(x: unknown): Message {
  if (x instanceof Uint8Array) return msg("queue:payloads.kind.bytes", { size: mib(x.length) });
  if (typeof x === "string") return msg(/[^\x20-\x7e]/.test(x) ? "queue:payloads.kind.multibyte" : "queue:payloads.kind.string");
  if (Array.isArray(x)) return msg("queue:payloads.kind.array");
  return typeof x === "object" && x !== null ? msg("queue:payloads.kind.object") : msg("queue:payloads.kind.other", { type: typeof x, value: String(x) });
}

/**
 * The memory this process holds — on Deno, this worker's own: every worker shares one process, so
 * its resident size counts the others' heaps and garbage too (at load 13 it grew 26 MiB in 500 ms
 * for a correct broker solution); an isolate's heap and buffers (external: every Uint8Array's bytes)
 * are its own.
 */
function rss(): number {
  const m = process.memoryUsage();
  return process.versions.deno !== undefined ? m.heapUsed + m.external : m.rss;
}
