// 04-broker: the same Queue past one machine, on a broker (Redis Streams with a consumer group).
// Every property of 03-queue's Queue still holds, so its scenarios run here unchanged; a broker
// adds its own: what is processed is acknowledged; an item whose consumer died comes back after
// claimIdleMs (at least once) and is processed once all the same (once(id)); the bound holds
// under producers racing; processes that share nothing but the broker's address share the queue;
// a restarted broker loses nothing acknowledged; and Node, Deno and Bun share one queue at once.
// Each run has a redis-server of its own (packages/harness/src/services.ts), reached by REDIS_URL.
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import process from "node:process";
import { connect, GROUP, keysOf, type Redis } from "@workshop/04-broker/redis";
import { hasCode, type Queue } from "@workshop/contracts";
import { expectFinished, expectShape, Failure, fail, joinAll, type Message, msg, type Scenario, type ScenarioContext, sleep } from "@workshop/harness/scenario";
import { mark, type ProcessLike, type Runtime, signalParent, traced, waitForParent } from "@workshop/process";
import { journalPath } from "@workshop/process/journal";
import { expectExactlyOnce, expectSequence, scenarios as queueScenarios, within } from "./queue.ts";
import { brief, range, started, startTogether } from "./support.ts";

// Children import this module by URL and call its exported functions: 03-queue's workers too.
export * from "./queue.ts";

/** The chapter's Queue: the contract, plus once() and what a process needs to open it by name. */
interface BrokerQueue<T> extends Queue<T> {
  /** Runs `work` unless an item with this id was processed already (by anyone); false if it was. */
  once(id: string, work: () => Promise<void>): Promise<boolean>;
  readonly address?: { name?: unknown };
  /** The module that made the queue: another process imports it to open the queue by name. */
  readonly module?: unknown;
}

interface QueueOptions {
  maxsize?: number;
  name?: string;
  claimIdleMs?: number;
}

interface BrokerCell {
  createQueue<T>(opts?: QueueOptions): Promise<BrokerQueue<T>>;
}

interface Job {
  id: string;
  n: number;
}

type Ctx = ScenarioContext<BrokerCell>;
type Proc = ProcessLike;

/** claimIdleMs when a scenario does not choose one (Address.claimIdleMs's default). */
const CLAIM_IDLE_MS = 2_000;
/** claimIdleMs in the redelivery scenario: short, so the test is quick. */
const CLAIM_MS = 1_000;
const RACERS = 4;
const RACE_BOUND = 2;
const RACE_ROUNDS = 12;
const RACE_TRIES = 3;
const INTEROP_JOBS = 300;
/** Sized for a broker: every put() and get() is a round trip to a server (03-queue's are 10 000 and 3 × 2 000). */
const FIFO_ITEMS = 2_000;
const PRODUCERS = 3;
const CONSUMERS = 3;
const PER_PRODUCER = 500;
/** How long consumers that lag behind may take to drain after close(). */
const DRAIN_MS = 20_000;
const CLOSE_GRACE_MS = 2_000;

// ---- workers (each runs in its own process) -------------------------------------------------

/** Gets `count` items and returns them: exiting normally, it must acknowledge the last one too. */
export async function takeSome(q: Queue<unknown>, count: number): Promise<unknown[]> {
  signalParent("ready");
  const got: unknown[] = [];
  for (let i = 0; i < count; i++)
    got.push(
      await traced(
        "get",
        () => q.get({ timeoutMs: 5_000 }),
        (v) => `got ${brief(v)}`,
      ),
    );
  return got;
}

/** Puts jobs job-<from>… in order; then closes the queue if told to. */
export async function jobProducer(q: Queue<Job>, from: number, count: number, close: boolean): Promise<void> {
  for (let n = from; n < from + count; n++) await traced(`put job-${n}`, () => q.put({ id: `job-${n}`, n }));
  if (close) await traced("close", () => q.close());
}

/**
 * Gets one job, processes it (its effect: a count in Redis) or not, then holds it: it never comes
 * back for the next one, so the job is never acknowledged. The parent kills it there. A job listed
 * in `killedInWork` it holds inside once(): its work begins and never ends.
 */
export async function holder(q: BrokerQueue<Job>, processIds: string[], effects: string, killedInWork: string[] = []): Promise<void> {
  signalParent("ready");
  const job = (await traced(
    "get",
    () => q.get(),
    (j) => `got ${brief(j)}`,
  )) as Job;
  if (killedInWork.includes(job.id))
    await traced(`once ${job.id}`, () =>
      q.once(job.id, async () => {
        mark(`holding ${job.id}, in the middle of its work`);
        signalParent("holding");
        await waitForParent("never", { timeoutMs: 60_000 });
      }),
    );
  const processIt = processIds.includes(job.id);
  if (processIt) await traced(`once ${job.id}`, () => q.once(job.id, () => effect(effects, job.id)));
  mark(`holding ${job.id}, ${processIt ? "processed" : "not processed yet"}`);
  signalParent("holding");
  await waitForParent("never", { timeoutMs: 60_000 });
}

/** Gets until EOF (after the parent's "go", if told to wait); processes each job through once(). Says "got:<id>" as each arrives. */
export async function onceConsumer(q: BrokerQueue<Job>, effects: string, waitGo = false): Promise<{ got: string[]; processed: string[] }> {
  signalParent("ready");
  if (waitGo) await waitForParent("go", { timeoutMs: 20_000 });
  const got: string[] = [];
  const processed: string[] = [];
  for (;;) {
    let job: Job;
    try {
      job = (await traced(
        "get",
        () => q.get(),
        (j) => `got ${brief(j)}`,
      )) as Job;
    } catch (err) {
      if (hasCode(err, "EOF")) return { got, processed };
      throw err;
    }
    got.push(job.id);
    signalParent(`got:${job.id}`);
    if (await traced(`once ${job.id}`, () => q.once(job.id, () => effect(effects, job.id)))) processed.push(job.id);
  }
}

/** Round after round, on "go-<r>": try put_nowait RACE_TRIES times, as fast as it can. */
export async function racer(q: Queue<number>, me: number, rounds: number): Promise<number[]> {
  signalParent("ready");
  const accepted: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    await waitForParent(`go-${r}`, { timeoutMs: 20_000 });
    let took = 0;
    for (let t = 0; t < RACE_TRIES; t++) {
      const o = await within(`put (round ${r}, timeoutMs 0)`, () => q.put(r * 1000 + me * 10 + t, { timeoutMs: 0 }), 2_000);
      if (o.kind === "value") took++;
      else if (o.kind === "pending") fail("broker:boundRace.putWaited", { ms: o.ms });
      else if (o.code !== "FULL") fail("broker:boundRace.putRejected", { error: o.text });
    }
    accepted.push(took);
    signalParent(`done-${r}`);
  }
  return accepted;
}

/** A "machine" that knows only the queue's name: it opens the queue itself, then puts `count` jobs and closes. */
export async function machineProducer(module: string, name: string, count: number): Promise<void> {
  const q = await openByName(module, name);
  signalParent("opened");
  for (let n = 0; n < count; n++) {
    await traced(`put job-${n}`, () => q.put({ id: `job-${n}`, n }));
    signalParent(`put:${n}`);
  }
  await traced("close", () => q.close());
}

/** A "machine" that knows only the queue's name: it opens it, waits for "go", then gets until EOF. */
export async function machineConsumer(module: string, name: string): Promise<string[]> {
  const q = await openByName(module, name);
  signalParent("ready");
  await waitForParent("go", { timeoutMs: 20_000 });
  const got: string[] = [];
  for (;;) {
    try {
      got.push(
        (
          (await traced(
            "get",
            () => q.get(),
            (j) => `got ${brief(j)}`,
          )) as Job
        ).id,
      );
    } catch (err) {
      if (hasCode(err, "EOF")) return got;
      throw err;
    }
  }
}

async function openByName(module: string, name: string): Promise<BrokerQueue<Job>> {
  const cell = (await import(module)) as BrokerCell;
  return expectShape(await cell.createQueue<Job>({ name }), msg("broker:twoMachines.openShape", { name }), ["put", "get", "close"]);
}

let effectsConn: Promise<Redis> | undefined;

/** The side effect of processing a job: a count per id, kept in Redis where every process sees it. */
async function effect(effects: string, id: string): Promise<void> {
  effectsConn ??= connect();
  await (await effectsConn).hIncrBy(effects, id, 1);
}

// ---- scenarios ------------------------------------------------------------------------------

/**
 * 03-queue's scenarios apply to any Queue: they run here as they are — but for fifo and mpmc, sized
 * for a broker below. When one finds a consumer still blocked after close(), the broker is asked why;
 * an item delivered twice is explained the broker's way (every scenario: see explained()).
 */
const inherited = (queueScenarios as unknown as Scenario<BrokerCell>[]).map(explained);

/**
 * The scenario, with 03-queue's causes said the broker's way: a consumer blocked after close() by
 * what is still pending on the broker; an item delivered twice by how a broker hands one out again.
 */
function explained(s: Scenario<BrokerCell>): Scenario<BrokerCell> {
  return {
    ...s,
    async run(ctx: Ctx) {
      const made: BrokerQueue<unknown>[] = [];
      const started: Proc[] = [];
      const cell: BrokerCell = {
        async createQueue<T>(opts?: QueueOptions) {
          const q = await ctx.cell.createQueue<T>(opts);
          made.push(q as BrokerQueue<unknown>);
          return q;
        },
      };
      const start: Ctx["start"] = async (...args) => {
        const p = await ctx.start(...args);
        started.push(p);
        return p;
      };
      try {
        return await s.run({ ...ctx, cell, start });
      } catch (err) {
        if (err instanceof Failure) twiceTheBrokersWay(err);
        if (err instanceof Failure && err.text?.key === "queue:full-line.noneAdmitted") for (const q of made) await roomCountsHandedOut(q);
        if (err instanceof Failure && blockedAfterClose(err)) {
          for (const q of made) {
            const why = await stillOut(q);
            const said = err.text?.params ?? {};
            const who = said.who ?? started.find((p) => p.exitCode === null)?.name;
            if (why && who !== undefined) fail("broker:blocked.why", { who, seconds: said.seconds ?? CLOSE_GRACE_MS / 1000, context: said.context ?? "", why });
          }
        }
        throw err;
      }
    },
  };
}

/**
 * 03-queue's tally names a duplicate as a get() that did not take its item in one indivisible step.
 * On a broker the group hands each entry to one consumer; an item comes twice when it is handed out
 * again while its consumer still holds it — claimed before claimIdleMs, or held unacknowledged that long.
 */
function twiceTheBrokersWay(err: Failure): void {
  const said = err.text;
  if (said?.key !== "queue:check.tally" || (said.params?.why as Message | undefined)?.key !== "queue:check.twiceWhy") return;
  fail("queue:check.tally", { ...said.params, why: msg("broker:twice.why", { claimIdleMs: CLAIM_IDLE_MS }) });
}

/**
 * 03-queue's "a get() made room, but no waiting put() got in" blames the wake-up. On a broker, a
 * put() that counts the items handed out (XLEN without XPENDING) sees no room either: if a put()
 * that doesn't wait is refused while fewer than maxsize entries wait, that is the cause.
 */
async function roomCountsHandedOut(q: BrokerQueue<unknown>): Promise<void> {
  const name = q.address?.name;
  if (typeof name !== "string") return;
  const admin = await broker();
  const { stream, meta } = keysOf(name);
  const maxsize = Number(await admin.hGet(meta, "maxsize"));
  const [length, { pending }] = await Promise.all([admin.xLen(stream), admin.xPending(stream, GROUP)]);
  if (!(maxsize > 0 && pending > 0 && length - pending < maxsize)) return;
  const probe = await within("put (probe, timeoutMs 0)", () => q.put("probe", { timeoutMs: 0 }), 2_000);
  if (probe.kind === "error" && probe.code === "FULL") fail("broker:room.countsHandedOut", { maxsize, waiting: length - pending, count: pending });
}

/**
 * The close marker passed on again and again: getters that met it keep reading, and meet the one
 * they passed on. Its entry changes while we look, though nobody puts into a closed queue.
 */
async function markerGoingRound(admin: Redis, stream: string): Promise<boolean> {
  const last = async () => (await admin.xRevRange(stream, "+", "-", { COUNT: 1 }))?.[0];
  const before = await last();
  if (before?.message.close === undefined) return false;
  await sleep(300);
  const after = await last();
  return after?.message.close !== undefined && after.id !== before.id;
}

/** 03-queue's "consumer still blocked … after close()": a get() that never saw the end. */
function blockedAfterClose(err: Failure): boolean {
  return err.text ? /^queue:[\w-]+\.stillBlocked$/.test(err.text.key) : /still blocked .*after close\(\)/.test(err.message);
}

/** Why a closed queue whose stream is empty is not drained yet: items still out with consumers. */
async function stillOut(q: BrokerQueue<unknown>): Promise<Message | undefined> {
  const name = q.address?.name;
  if (typeof name !== "string") return undefined;
  const admin = await broker();
  const { stream } = keysOf(name);
  const { pending } = await admin.xPending(stream, GROUP);
  const markers = ((await admin.xRevRange(stream, "+", "-", { COUNT: 50 })) ?? []).filter((e) => e?.message.close !== undefined);
  // No marker: close() left none (nor `closed`), or a getter took it out and passed none on.
  if (!markers.length) return msg((await admin.hGet(keysOf(name).meta, "closed")) ? "broker:blocked.markerNotPassedOn" : "broker:blocked.noMarker");
  // More than one close marker: getters added one each and never took out the one they read (XACK, XDEL).
  if (markers.length > 1 && pending) {
    const held = new Set((await admin.xPendingRange(stream, GROUP, "-", "+", 100)).map((e) => e.id));
    const heldMarkers = markers.filter((m) => held.has(m?.id ?? "")).length;
    if (heldMarkers) return msg("broker:blocked.markerPending", { count: heldMarkers });
  }
  if (await markerGoingRound(admin, stream)) return msg("broker:blocked.markerGoingRound");
  if (!pending) return undefined;
  return msg("broker:blocked.stillPending", { count: pending });
}
const first = inherited.filter((s) => s.name === "seed");
const rest = inherited.filter((s) => s.name !== "seed" && s.name !== "fifo" && s.name !== "mpmc");

const own: Record<string, Scenario<BrokerCell>> = {
  fifo: {
    name: "fifo",
    title: msg("broker:fifo.title", { items: FIFO_ITEMS }),
    deadlineMs: 40_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell);
      const consumer = await start("consumer", [q], "consumer");
      const producer = await start("producer", [q, 0, FIFO_ITEMS], "producer");
      await startTogether([consumer, producer]);
      await joinAll([producer], 20_000, msg("broker:join.putItems", { items: FIFO_ITEMS }));
      await q.close();
      await drained([consumer], q);
      expectSequence(consumer.result as unknown[], FIFO_ITEMS, msg("broker:who.consumer"));
    },
  },
  mpmc: {
    name: "mpmc",
    title: msg("broker:mpmc.title", { producers: PRODUCERS, consumers: CONSUMERS, items: PER_PRODUCER }),
    deadlineMs: 40_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell);
      const consumers: Proc[] = [];
      const producers: Proc[] = [];
      for (let c = 0; c < CONSUMERS; c++) consumers.push(await start("consumer", [q], `consumer-${c + 1}`));
      for (let p = 0; p < PRODUCERS; p++) producers.push(await start("producer", [q, p * PER_PRODUCER, PER_PRODUCER], `producer-${p + 1}`));
      await startTogether([...consumers, ...producers]);
      await joinAll(producers, 20_000, msg("broker:join.putItsItems", { items: PER_PRODUCER }));
      await q.close();
      await drained(consumers, q);
      expectExactlyOnce(
        consumers.map((c) => ({ name: c.name, items: c.result as unknown[] })),
        range(0, PRODUCERS * PER_PRODUCER),
      );
    },
  },
  acked: {
    name: "acked",
    title: "broker:acked.title",
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell);
      const admin = await broker();
      for (const i of range(0, 20)) await q.put(i);
      const c1 = await start("takeSome", [q, 10], "consumer-1");
      await joinAll([c1], 10_000, msg("broker:join.getAndReturn", { items: 10 }));
      const pending = await pendingIds(admin, q);
      if (pending.length) {
        const what = pending.length === 1 ? msg("broker:acked.lastPending") : msg("broker:acked.somePending", { pending: pending.length });
        fail("broker:acked.notAcked", { who: c1.name, items: 10, what });
      }
      const c2 = await start("consumer", [q], "consumer-2");
      await q.close();
      await drained([c2], q);
      expectExactlyOnce(
        [
          { name: "consumer-1", items: c1.result as unknown[] },
          { name: "consumer-2", items: c2.result as unknown[] },
        ],
        range(0, 20),
      );
      const left = await admin.xLen(keysOf(nameOf(q)).stream);
      if (left > 1) fail("broker:acked.notDeleted", { entries: left });
    },
  },
  "bound-race": {
    name: "bound-race",
    title: msg("broker:boundRace.title", { racers: RACERS, maxsize: RACE_BOUND, rounds: RACE_ROUNDS }),
    deadlineMs: 30_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell, { maxsize: RACE_BOUND });
      const racers: Proc[] = [];
      for (let i = 0; i < RACERS; i++) racers.push(await start("racer", [q, i, RACE_ROUNDS], `producer-${i + 1}`));
      for (const p of racers) await started(p);
      for (let r = 1; r <= RACE_ROUNDS; r++) {
        for (const p of racers) await p.notify(`go-${r}`);
        for (const p of racers) await waitOrFinish(p, `done-${r}`, 10_000, msg("broker:boundRace.tryPuts", { round: r }));
        const inside: unknown[] = [];
        for (;;) {
          const o = await within("get (counting, timeoutMs 0)", () => q.get({ timeoutMs: 0 }), 2_000);
          if (o.kind !== "value") break;
          inside.push(o.value);
        }
        if (inside.length > RACE_BOUND) fail("broker:boundRace.overfull", { round: r, inside: inside.length, maxsize: RACE_BOUND, racers: RACERS });
        if (inside.length < RACE_BOUND)
          fail("broker:boundRace.underfull", { round: r, inside: inside.length, tries: RACERS * RACE_TRIES, maxsize: RACE_BOUND });
      }
      await joinAll(racers, 5_000, msg("broker:join.end"));
    },
  },
  redelivery: {
    name: "redelivery",
    title: msg("broker:redelivery.title", { claimIdleMs: CLAIM_MS }),
    deadlineMs: 25_000,
    async run({ cell, start }: Ctx) {
      const { q, admin, effects, survivors } = await redeliverySetup(cell, start);
      // Three holders wait in get(); job-0 goes to one (it processes it), job-1 to another (it does not, yet),
      // job-2 to the third (killed in the middle of once(job-2, work)).
      const jobs = ["job-0", "job-1", "job-2"];
      const { holders, since } = await holdAndKill(q, admin, start, jobs, effects, ["job-0"], ["job-2"]);
      for (const s of survivors) await s.notify("go"); // they wait in get() on an open queue, where nothing new comes
      const back = await untilBack(survivors, jobs, since);
      for (const job of ["job-1", "job-2"]) if (!back.has(job)) await whyNotBack(admin, q, job, holders, "");
      if (!back.has("job-0")) fail("broker:redelivery.processedNotBack", { job: "job-0" });
      expectNotEarly(back);
      for (const n of range(3, 6)) await q.put({ id: `job-${n}`, n });
      await q.close();
      await drained(survivors, q);
      await expectEachOnce(admin, effects, 6, "job-0", "job-2");
      return { redeliveredAfterMs: Object.fromEntries([...back].map(([id, ms]) => [id, Math.round(ms)])) };
    },
  },
  drained: {
    name: "drained",
    title: "broker:drained.title",
    deadlineMs: 25_000,
    async run({ cell, start }: Ctx) {
      const { q, admin, effects, survivors } = await redeliverySetup(cell, start);
      const { holders, since } = await holdAndKill(q, admin, start, ["job-0"], effects, []);
      for (const n of range(1, 4)) await q.put({ id: `job-${n}`, n });
      await q.close();
      for (const s of survivors) await s.notify("go"); // they reach the close marker long before job-0 may be claimed
      const back = await untilBack(survivors, ["job-0"], since, true);
      if (!back.has("job-0"))
        await whyNotBack(
          admin,
          q,
          "job-0",
          holders,
          survivors.every((s) => s.finished) ? msg("broker:drained.stoppedEarly", { holder: holders[0]!.name }) : "",
        );
      await drained(survivors, q);
      await expectEachOnce(admin, effects, 4);
    },
  },
  "two-machines": {
    name: "two-machines",
    title: "broker:twoMachines.title",
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const name = `orders-${Math.random().toString(36).slice(2, 8)}`;
      const declared = await makeQueue<Job>(cell, { name, maxsize: 4 });
      const module = declared.module;
      if (typeof module !== "string") fail("broker:twoMachines.noModule");
      const consumerMachine = await start("machineConsumer", [module, name], "machine-b");
      await waitOrFinish(consumerMachine, "ready", 10_000, msg("broker:twoMachines.open", { name }));
      const producerMachine = await start("machineProducer", [module, name, 40], "machine-a");
      await waitOrFinish(producerMachine, "opened", 10_000, msg("broker:twoMachines.open", { name }));
      await sleep(500);
      let went = 0;
      while (went < 40 && (await signalled(producerMachine, `put:${went}`))) went++;
      const a = producerMachine.name;
      if (went > 4) fail("broker:twoMachines.boundIgnored", { who: a, went, name, maxsize: 4 });
      if (went < 4) fail("broker:twoMachines.tooFew", { who: a, went, maxsize: 4, ms: 500 });
      await consumerMachine.notify("go");
      await joinAll([producerMachine], 10_000, msg("broker:twoMachines.putAndClose", { jobs: 40 }));
      await joinAll([consumerMachine], 10_000, msg("broker:twoMachines.getAll"));
      const got = consumerMachine.result as string[];
      expectExactlyOnce(
        [{ name: "machine-b", items: got }],
        range(0, 40).map((n) => `job-${n}`),
      );
      const at = got.findIndex((id, i) => id !== `job-${i}`);
      if (at >= 0) fail("broker:twoMachines.order", { who: consumerMachine.name, got: got[at], due: `job-${at}` });
    },
  },
  restart: {
    name: "restart",
    title: "broker:restart.title",
    deadlineMs: 30_000,
    async run({ cell, start }: Ctx) {
      const admin = await broker();
      const dir = (await admin.configGet("dir")).dir ?? "";
      const runDir = dirname(journalPath() ?? "/nonexistent/journal");
      if (!dir.startsWith(runDir)) return { notRun: `REDIS_URL points at a server the grader did not start (dir ${dir}): it is not crashed` };
      await persist(admin);
      const q = await makeQueue<number>(cell);
      const producer = await start("producer", [q, 0, 40], "producer");
      await producer.notify("go");
      await joinAll([producer], 10_000, msg("broker:join.putItems", { items: 40 }));
      const c1 = await start("takeSome", [q, 20], "consumer-1");
      await joinAll([c1], 10_000, msg("broker:join.getAndReturn", { items: 20 }));
      mark("broker: DEBUG CRASH-AND-RECOVER");
      await admin.sendCommand(["DEBUG", "CRASH-AND-RECOVER"]).catch(() => {}); // the server dies mid-reply
      await untilRestarted(admin);
      mark("broker: back");
      const c2 = await start("consumer", [q], "consumer-2");
      await traced("close (after the restart)", () => q.close());
      await drained([c2], q);
      const before = c1.result as unknown[];
      const after = c2.result as unknown[];
      expectExactlyOnce([{ name: "consumer-1", items: before }], range(0, 20));
      const again = after.filter((x) => before.includes(x));
      if (again.length) fail("broker:restart.again", { who: c1.name, last: 19, count: again.length, items: again.slice(0, 5).map(brief).join(", ") });
      expectExactlyOnce([{ name: "consumer-2", items: after }], range(20, 40), (lost) =>
        lost.length ? msg("broker:restart.lostHint", { count: lost.length }) : "",
      );
    },
  },
  interop: {
    name: "interop",
    title: msg("broker:interop.title", { jobs: INTEROP_JOBS }),
    deadlineMs: 50_000,
    async run({ cell, start, runtime }: Ctx) {
      const q = await makeQueue<Job>(cell);
      expectShape(q, "createQueue()", ["once"]);
      const name = nameOf(q);
      const effects = `${keysOf(name).stream}:effects`;
      // The runtime being graded plays its part with your queue; the other two run their reference solution, as separate commands.
      const parts: Part[] = [];
      for (const consumerRuntime of ["deno", "bun"] as const) {
        if (consumerRuntime === runtime) parts.push(mine(await start("onceConsumer", [q, effects], `${runtime}-consumer`), runtime, "consume"));
        else parts.push(peer(consumerRuntime, runtime, ["consume", "--queue", name, "--json"]));
      }
      if (runtime === "node") parts.push(mine(await start("jobProducer", [q, 0, INTEROP_JOBS, true], "node-producer"), runtime, "produce"));
      else parts.push(peer("node", runtime, ["produce", String(INTEROP_JOBS), "--queue", name, "--tag", "job"]));
      const producer = parts.find((p) => p.role === "produce")!;
      const consumers = parts.filter((p) => p.role === "consume");
      if (!(await until(() => producer.ended() || consumers.some((c) => c.ended()), 30_000, `${producer.id}: putting ${INTEROP_JOBS} jobs`)))
        fail("broker:interop.producerLate", { who: producer.name, what: producer.what, jobs: INTEROP_JOBS, seconds: 30 });
      for (const p of parts) if (p.ended()) await p.check();
      if (!(await until(() => consumers.every((c) => c.ended()), 10_000, "the consumers: draining")))
        for (const c of consumers) if (!c.ended()) fail("broker:interop.neverSawEnd", { who: c.name, what: c.what, seconds: 10, producer: producer.name });
      const results: { name: Message; items: unknown[] }[] = [];
      for (const c of consumers) results.push({ name: c.name, items: await c.check() });
      expectExactlyOnce(
        results,
        range(0, INTEROP_JOBS).map((n) => `job-${n}`),
        () => msg("broker:interop.lostHint"),
      );
      return { processedBy: Object.fromEntries(consumers.map((c, i) => [c.id, results[i]!.items.length])) };
    },
  },
};

export const scenarios: Scenario<BrokerCell>[] = [
  ...first,
  ...[own.acked!, own.fifo!, own.mpmc!].map(explained),
  ...rest.flatMap((s) => (s.name === "bounded" ? [s, explained(own["bound-race"]!)] : [s])),
  ...[own.redelivery!, own.drained!, own["two-machines"]!, own.restart!, own.interop!].map(explained),
];

// ---- helpers --------------------------------------------------------------------------------

/** The learner's factory made a usable queue, with the name a process needs to open it. */
async function makeQueue<T>(cell: BrokerCell, opts?: QueueOptions): Promise<BrokerQueue<T>> {
  if (typeof cell?.createQueue !== "function") fail("broker:queue.noFactory");
  const q = expectShape(await cell.createQueue<T>(opts), `createQueue(${opts ? JSON.stringify(opts) : ""})`, ["put", "get", "close"]);
  nameOf(q);
  return q;
}

function nameOf(q: BrokerQueue<unknown>): string {
  const name = q.address?.name;
  if (typeof name !== "string") fail("broker:queue.noName");
  return name;
}

/** The ids of the entries delivered to a consumer of the queue's group and not acknowledged. */
async function pendingIds(admin: Redis, q: BrokerQueue<unknown>): Promise<string[]> {
  const entries = await admin.xPendingRange(keysOf(nameOf(q)).stream, GROUP, "-", "+", 100);
  return entries.map((e) => e.id);
}

let adminConn: Promise<Redis> | undefined;

/** The scenario's own connection to the broker, to look at what the queue holds. */
function broker(): Promise<Redis> {
  adminConn ??= connect();
  return adminConn;
}

/**
 * After close(): consumers that lag behind drain what is left (each get a round trip), then stop
 * at EOFError. Once the broker has handed out every item, they have CLOSE_GRACE_MS to stop.
 */
async function drained(consumers: Proc[], q: BrokerQueue<unknown>): Promise<void> {
  const admin = await broker();
  const { stream } = keysOf(nameOf(q));
  const capAt = performance.now() + DRAIN_MS;
  let emptyAt: number | undefined;
  for (;;) {
    if (consumers.every((c) => c.exitCode !== null)) break;
    const [length, pending] = await Promise.all([admin.xLen(stream), admin.xPending(stream, GROUP)]);
    if (length - pending.pending <= 1) emptyAt ??= performance.now(); // nothing left to hand out but the close marker
    const late = consumers.find((c) => c.exitCode === null);
    if (late && ((emptyAt !== undefined && performance.now() - emptyAt > CLOSE_GRACE_MS) || performance.now() > capAt)) {
      const why = await stillOut(q);
      if (why) fail("broker:blocked.why", { who: late.name, seconds: CLOSE_GRACE_MS / 1000, context: "", why });
      fail("broker:blocked.nothingLeft", { who: late.name, seconds: CLOSE_GRACE_MS / 1000 });
    }
    await sleep(50);
  }
  expectFinished(consumers);
}

/** A queue with claimIdleMs CLAIM_MS, and two survivors: started, but not getting until told "go". */
async function redeliverySetup(cell: BrokerCell, start: Ctx["start"]) {
  const q = await makeQueue<Job>(cell, { claimIdleMs: CLAIM_MS });
  expectShape(q, `createQueue({ claimIdleMs: ${CLAIM_MS} })`, ["once"]);
  const admin = await broker();
  const effects = `${keysOf(nameOf(q)).stream}:effects`;
  const survivors: Proc[] = [];
  for (let i = 0; i < 2; i++) survivors.push(await start("onceConsumer", [q, effects, true], `survivor-${i + 1}`));
  for (const s of survivors) await waitOrFinish(s, "ready", 10_000, msg("broker:join.start"));
  return { q, admin, effects, survivors };
}

/**
 * One holder per job, all waiting in get() before the jobs are put; each gets one job, processes it
 * if it is listed, and is killed holding it. Returns when each job was handed out, by the broker's clock.
 */
async function holdAndKill(
  q: BrokerQueue<Job>,
  admin: Redis,
  start: Ctx["start"],
  jobs: string[],
  effects: string,
  processIds: string[],
  killedInWork: string[] = [],
) {
  const holders: Proc[] = [];
  for (let i = 0; i < jobs.length; i++) holders.push(await start("holder", [q, processIds, effects, killedInWork], `holder-${i + 1}`));
  for (const h of holders) await waitOrFinish(h, "ready", 10_000, msg("broker:join.start"));
  await sleep(100); // every holder is in get() now
  for (const id of jobs) await q.put({ id, n: Number(id.slice(4)) });
  for (const h of holders) await waitOrFinish(h, "holding", 10_000, msg("broker:join.getAndHold"));
  const now = performance.now();
  const since = new Map<string, number>();
  for (const id of jobs) since.set(id, now - (await idleMs(admin, q, id)));
  for (const h of holders) h.kill();
  for (const h of holders) await h.join({ timeoutMs: 5_000 });
  return { holders, since };
}

/** Wait until the survivors got every job again (or, `orEnd`, stopped), at most CLAIM_MS × 3 + 5 s; ms from hand-out to return. */
async function untilBack(survivors: Proc[], jobs: string[], since: Map<string, number>, orEnd = false): Promise<Map<string, number>> {
  const back = new Map<string, number>();
  const deadline = performance.now() + CLAIM_MS * 3 + 5_000;
  let nextNote = 0;
  for (;;) {
    for (const id of jobs)
      if (!back.has(id) && (await Promise.all(survivors.map((s) => signalled(s, `got:${id}`)))).some(Boolean)) back.set(id, performance.now() - since.get(id)!);
    const failed = survivors.find((s) => s.exitCode !== null && !s.finished);
    if (failed) expectFinished([failed]);
    if (back.size === jobs.length || (orEnd && survivors.every((s) => s.exitCode !== null)) || performance.now() > deadline) return back;
    if (performance.now() > nextNote) {
      mark(`waiting for ${jobs.join(" and ")} to be handed out again`);
      nextNote = performance.now() + 2_000;
    }
    await sleep(20);
  }
}

/** A job that never came back: still pending with its dead consumer (nobody claimed it), or gone (acknowledged too early). */
async function whyNotBack(admin: Redis, q: BrokerQueue<unknown>, job: string, holders: Proc[], ifPending: Message | ""): Promise<never> {
  const entry = await entryOf(admin, q, job);
  const pending = entry && (await admin.xPendingRange(keysOf(nameOf(q)).stream, GROUP, entry, entry, 1))[0];
  if (pending && ifPending) fail("broker:claim.notBack", { job, why: ifPending });
  if (pending) fail("broker:claim.nobodyClaimed", { job, seconds: Math.round(pending.millisecondsSinceLastDelivery / 100) / 10 });
  fail("broker:claim.ackedTooEarly", { job, holders: holders.map((h) => h.name).join(", ") });
}

/** A job handed out again before claimIdleMs had passed: a live (slow) consumer's item was taken. */
function expectNotEarly(back: Map<string, number>): void {
  const early = [...back].find(([, ms]) => ms < CLAIM_MS - 150);
  if (early) fail("broker:claim.early", { job: early[0], ms: Math.round(early[1]), claimIdleMs: CLAIM_MS });
}

/** Every job's side effect happened exactly once (job-0's second processing, job-2's none, are named as what they are). */
async function expectEachOnce(admin: Redis, effects: string, count: number, processedBeforeDeath?: string, killedInWork?: string): Promise<void> {
  const counts = (await admin.hGetAll(effects)) as Record<string, string>;
  const times = (id: string) => Number(counts[id] ?? 0);
  if (processedBeforeDeath && times(processedBeforeDeath) > 1)
    fail("broker:claim.processedAgain", { job: processedBeforeDeath, times: times(processedBeforeDeath) });
  if (killedInWork && times(killedInWork) === 0) fail("broker:claim.skippedAfterKill", { job: killedInWork });
  for (const n of range(0, count)) {
    const id = `job-${n}`;
    if (times(id) === 0) fail("broker:claim.neverProcessed", { job: id });
    if (times(id) > 1) fail("broker:claim.processedTwice", { job: id, times: times(id) });
  }
}

/** How long ago the broker handed out the entry of this job (0 if it is not pending). */
async function idleMs(admin: Redis, q: BrokerQueue<unknown>, job: string): Promise<number> {
  const entry = await entryOf(admin, q, job);
  const pending = entry && (await admin.xPendingRange(keysOf(nameOf(q)).stream, GROUP, entry, entry, 1))[0];
  return pending ? pending.millisecondsSinceLastDelivery : 0;
}

/** The stream entry that holds the job with this id, if it is still in the stream. */
async function entryOf(admin: Redis, q: BrokerQueue<unknown>, job: string): Promise<string | undefined> {
  const entries = await admin.xRange(keysOf(nameOf(q)).stream, "-", "+");
  return entries?.find((e) => e?.message.item?.includes(`"id":"${job}"`))?.id;
}

/** Wait for a worker's signal; if it ended instead, say how (its fail, crash or exit). */
async function waitOrFinish(p: Proc, what: string, timeoutMs: number, doing: Message): Promise<void> {
  try {
    await p.waitFor(what, { timeoutMs });
  } catch {
    if (p.exitCode !== null) expectFinished([p]);
    fail("harness:join.late", { who: p.name, doing, ms: timeoutMs });
  }
}

async function signalled(p: Proc, what: string): Promise<boolean> {
  try {
    await p.waitFor(what, { timeoutMs: 0 });
    return true;
  } catch {
    return false;
  }
}

/** Persistence on, as an operator would turn it on: append-only file, fsync at every write, kept in the config. */
async function persist(admin: Redis): Promise<void> {
  await admin.configSet({ appendonly: "yes", appendfsync: "always" });
  const deadline = performance.now() + 10_000;
  for (;;) {
    const info = await admin.info("persistence");
    if (/aof_enabled:1/.test(info) && /aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info)) break;
    if (performance.now() > deadline) fail("broker:restart.noPersistence", { seconds: 10, info });
    await sleep(20);
  }
  await admin.sendCommand(["CONFIG", "REWRITE"]); // a restart reads its config file again
}

/** After a crash: wait until the broker answers again, its data loaded. */
async function untilRestarted(admin: Redis): Promise<void> {
  const deadline = performance.now() + 15_000;
  for (;;) {
    try {
      if ((await admin.ping()) === "PONG") return;
    } catch {
      // still down, or still loading its data
    }
    if (performance.now() > deadline) fail("broker:restart.notBack", { seconds: 15 });
    await sleep(50);
  }
}

// ---- the other runtimes, as separate commands -------------------------------------------------

/** One party to the interop scenario: a child of the graded runtime (your queue), or a command of another runtime. */
interface Part {
  /** As a verdict names it: "your Deno consumer", "the Bun consumer". */
  name: Message;
  /** For the journal and the verdict's data: "deno-consumer", "bun-consumer (solution.ts)". */
  id: string;
  what: Message;
  role: "produce" | "consume";
  ended(): boolean;
  /** Once ended: fail if it failed; a consumer's processed job ids. */
  check(): Promise<string[]>;
}

function mine(p: Proc, rt: Runtime, role: Part["role"]): Part {
  return {
    name: msg(role === "produce" ? "broker:interop.yours.producer" : "broker:interop.yours.consumer", { runtime: rt }),
    id: p.name,
    what: msg("broker:interop.yoursWhat"),
    role,
    ended: () => p.exitCode !== null,
    check: async () => {
      expectFinished([p]);
      return role === "consume" ? (p.result as { processed: string[] }).processed : [];
    },
  };
}

interface DenoCommand {
  spawn(): { output(): Promise<{ code: number; stdout: Uint8Array; stderr: Uint8Array }> };
}
const deno = (globalThis as { Deno?: { Command: new (exe: string, opts: object) => DenoCommand } }).Deno;

const RUNTIME_NAMES: Record<Runtime, string> = { node: "Node", deno: "Deno", bun: "Bun" };

/** The reference solution of `rt` running the chapter's demo.ts — the command a learner runs on another machine. */
function peer(rt: Runtime, current: string, args: string[]): Part {
  const repo = process.cwd(); // the harness starts every runtime in the repository
  const demo = `${repo}/workshops/04-broker/demo.ts`;
  const bin = `${repo}/node_modules/.bin`;
  let argv: string[];
  if (rt === "node") argv = [current === "node" ? process.execPath : "node", "--import", "tsx", demo, "solution", ...args];
  else if (rt === "bun") argv = [current === "bun" ? process.execPath : `${bin}/bun`, demo, "solution", ...args];
  else argv = [`${bin}/deno`, "run", "--no-prompt", "--quiet", "--no-lock", `--allow-read=${repo}`, ...chapterDenoPermissions(repo), demo, "solution", ...args];
  const role = args[0] === "produce" ? "produce" : "consume";
  const name = msg(role === "produce" ? "broker:interop.peer.producer" : "broker:interop.peer.consumer", { runtime: RUNTIME_NAMES[rt] });
  const id = `${rt}-${role === "produce" ? "producer" : "consumer"} (solution.ts)`;
  const what = msg("broker:interop.peerWhat", { runtime: rt });
  mark(`${id}: ${argv.slice(0, 3).join(" ")} …`);
  let outcome: Ran | undefined;
  const done = run(argv, repo).then((r) => (outcome = r));
  return {
    name,
    id,
    what,
    role,
    ended: () => outcome !== undefined,
    check: async () => {
      const r = await done;
      if (r.startError !== undefined) fail("broker:interop.couldNotStart", { who: name, what, exe: argv[0], error: r.startError });
      if (r.code !== 0) fail("broker:interop.peerFailed", { who: name, what, code: r.code, output: tail(r.stderr || r.stdout) });
      if (role === "produce") return [];
      try {
        return (JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "") as { processed: string[] }).processed;
      } catch {
        fail("broker:interop.noReport", { who: name, what, output: tail(r.stdout) });
      }
    },
  };
}

/** Wait until `ended()`, at most `ms`, saying what we wait for in the journal now and then (so a long wait is not a stall). */
async function until(ended: () => boolean, ms: number, note: string): Promise<boolean> {
  const deadline = performance.now() + ms;
  let nextNote = 0;
  while (!ended()) {
    if (performance.now() > deadline) return false;
    if (performance.now() > nextNote) {
      mark(`waiting for ${note}`);
      nextNote = performance.now() + 2_000;
    }
    await sleep(25);
  }
  return true;
}

/** What the chapter lets Deno do (its package.json), but run subprocesses: a peer needs none. */
function chapterDenoPermissions(repo: string): string[] {
  const pkg = JSON.parse(readFileSync(`${repo}/workshops/04-broker/package.json`, "utf8")) as { workshop?: { denoPermissions?: string[] } };
  return (pkg.workshop?.denoPermissions ?? []).filter((p) => !p.startsWith("--allow-run"));
}

/** How a command ended: its exit code and output, or why it could not start. */
interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  startError?: string;
}

async function run(argv: string[], cwd: string): Promise<Ran> {
  const [exe, ...args] = argv as [string, ...string[]];
  if (deno) {
    // Deno's node:child_process wants to read the whole environment (--allow-env); Deno.Command passes it on as it is.
    let out: { code: number; stdout: Uint8Array; stderr: Uint8Array };
    try {
      out = await new deno.Command(exe, { args, cwd, stdin: "null", stdout: "piped", stderr: "piped" }).spawn().output();
    } catch (err) {
      return { code: null, stdout: "", stderr: "", startError: String((err as Error)?.message ?? err) };
    }
    const text = new TextDecoder();
    return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
  }
  const { spawn } = await import("node:child_process");
  return new Promise((resolve) => {
    const child = spawn(exe, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (c: Uint8Array) => (stdout += new TextDecoder().decode(c)));
    child.stderr?.on("data", (c: Uint8Array) => (stderr += new TextDecoder().decode(c)));
    child.on("error", (err) => resolve({ code: null, stdout, stderr, startError: err.message }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-8).join("\n");
}
