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
import { expectFinished, expectShape, Failure, fail, joinAll, type Scenario, type ScenarioContext, sleep } from "@workshop/harness/scenario";
import { mark, type ProcessLike, signalParent, traced, waitForParent } from "@workshop/process";
import { journalPath } from "@workshop/process/journal";
import { expectExactlyOnce, expectSequence, scenarios as queueScenarios, within } from "./queue.ts";
import { brief, fmt, range, startTogether } from "./support.ts";

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
 * back for the next one, so the job is never acknowledged. The parent kills it there.
 */
export async function holder(q: BrokerQueue<Job>, processIds: string[], effects: string): Promise<void> {
  signalParent("ready");
  const job = (await traced(
    "get",
    () => q.get(),
    (j) => `got ${brief(j)}`,
  )) as Job;
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
      else if (o.kind === "pending") fail(`put(item, { timeoutMs: 0 }) was still waiting after ${o.ms} ms: timeoutMs 0 means "don't wait"`);
      else if (o.code !== "FULL") fail(`put(item, { timeoutMs: 0 }) on a bounded queue rejected with ${o.text}: a full queue rejects with Full`);
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
  return expectShape(await cell.createQueue<Job>({ name }), `createQueue({ name: "${name}" }) in another process`, ["put", "get", "close"]);
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
 * for a broker below. When one finds a consumer still blocked after close(), the broker is asked why.
 */
const inherited = (queueScenarios as unknown as Scenario<BrokerCell>[]).map(explained);

/** The scenario, with a blocked-after-close failure explained by what is still pending on the broker. */
function explained(s: Scenario<BrokerCell>): Scenario<BrokerCell> {
  return {
    ...s,
    async run(ctx: Ctx) {
      const made: BrokerQueue<unknown>[] = [];
      const cell: BrokerCell = {
        async createQueue<T>(opts?: QueueOptions) {
          const q = await ctx.cell.createQueue<T>(opts);
          made.push(q as BrokerQueue<unknown>);
          return q;
        },
      };
      try {
        return await s.run({ ...ctx, cell });
      } catch (err) {
        if (err instanceof Failure && /still blocked .*after close\(\)/.test(err.message)) {
          for (const q of made) {
            const why = await stillOut(q);
            if (why) fail(`${err.message.split(":")[0]}: ${why}`);
          }
        }
        throw err;
      }
    },
  };
}

/** Why a closed queue whose stream is empty is not drained yet: items still out with consumers. */
async function stillOut(q: BrokerQueue<unknown>): Promise<string | undefined> {
  const name = q.address?.name;
  if (typeof name !== "string") return undefined;
  const { pending } = await (await broker()).xPending(keysOf(name).stream, GROUP);
  if (!pending) return undefined;
  return (
    `the queue was closed and nothing was left to hand out, but ${pending === 1 ? "1 item handed out is" : `${pending} items handed out are`} still pending — ` +
    "never acknowledged (XACK), or held by a consumer that died and that nobody claimed (XAUTOCLAIM) — so no get() can call the queue drained. " +
    "Acknowledge an item once it has been processed: when its consumer comes back for the next one, and before it exits"
  );
}
const first = inherited.filter((s) => s.name === "seed");
const rest = inherited.filter((s) => s.name !== "seed" && s.name !== "fifo" && s.name !== "mpmc");

const own: Record<string, Scenario<BrokerCell>> = {
  fifo: {
    name: "fifo",
    title: `one producer, one consumer: ${fmt(FIFO_ITEMS)} items arrive in the order they were put (each put and get a round trip to the broker)`,
    deadlineMs: 40_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell);
      const consumer = await start("consumer", [q], "consumer");
      const producer = await start("producer", [q, 0, FIFO_ITEMS], "producer");
      await startTogether([consumer, producer]);
      await joinAll([producer], 20_000, `put ${fmt(FIFO_ITEMS)} items`);
      await q.close();
      await drained([consumer], q);
      expectSequence(consumer.result as unknown[], FIFO_ITEMS, "the consumer");
    },
  },
  mpmc: {
    name: "mpmc",
    title: `${PRODUCERS} producers × ${CONSUMERS} consumers × ${fmt(PER_PRODUCER)} items: every item delivered exactly once`,
    deadlineMs: 40_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell);
      const consumers: Proc[] = [];
      const producers: Proc[] = [];
      for (let c = 0; c < CONSUMERS; c++) consumers.push(await start("consumer", [q], `consumer-${c + 1}`));
      for (let p = 0; p < PRODUCERS; p++) producers.push(await start("producer", [q, p * PER_PRODUCER, PER_PRODUCER], `producer-${p + 1}`));
      await startTogether([...consumers, ...producers]);
      await joinAll(producers, 20_000, `put its ${fmt(PER_PRODUCER)} items`);
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
    title: "what a consumer processed is acknowledged — when it comes back for more, and when it exits — and leaves the stream",
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell);
      const admin = await broker();
      for (const i of range(0, 20)) await q.put(i);
      const c1 = await start("takeSome", [q, 10], "consumer-1");
      await joinAll([c1], 10_000, "get 10 items and return");
      const pending = await pendingIds(admin, q);
      if (pending.length) {
        const what =
          pending.length === 1
            ? "the last of them is still pending, not acknowledged: before a process exits normally, it must acknowledge what it holds (beforeExit)"
            : `${pending.length} of them are still pending, not acknowledged: acknowledge (XACK) an item once it has been processed — when its consumer comes back with the next get(), and before it exits`;
        fail(
          `consumer-1 got 10 items and returned, yet ${what}. Unacknowledged, they stay pending in the group, and after claimIdleMs another consumer would be handed them again.`,
        );
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
      if (left > 1)
        fail(
          `every item was processed and acknowledged, yet the stream still holds ${left} entries (the close marker is one): XACK only takes an entry off the pending list — ` +
            "delete it too (XDEL), or the stream grows forever and a bounded queue counts items long gone",
        );
    },
  },
  "bound-race": {
    name: "bound-race",
    title: `${RACERS} producers put at the same instant into a queue of maxsize ${RACE_BOUND}, ${RACE_ROUNDS} rounds: never more than maxsize get in`,
    deadlineMs: 30_000,
    async run({ cell, start }: Ctx) {
      const q = await makeQueue<number>(cell, { maxsize: RACE_BOUND });
      const racers: Proc[] = [];
      for (let i = 0; i < RACERS; i++) racers.push(await start("racer", [q, i, RACE_ROUNDS], `producer-${i + 1}`));
      for (const p of racers) await p.waitFor("ready", { timeoutMs: 10_000 });
      for (let r = 1; r <= RACE_ROUNDS; r++) {
        for (const p of racers) await p.notify(`go-${r}`);
        for (const p of racers) await waitOrFinish(p, `done-${r}`, 10_000, `try its puts of round ${r}`);
        const inside: unknown[] = [];
        for (;;) {
          const o = await within("get (counting, timeoutMs 0)", () => q.get({ timeoutMs: 0 }), 2_000);
          if (o.kind !== "value") break;
          inside.push(o.value);
        }
        if (inside.length > RACE_BOUND)
          fail(
            `round ${r}: ${inside.length} put()s went into a queue of maxsize ${RACE_BOUND} that nobody emptied meanwhile — ${RACERS} producers put at the same instant, and ` +
              "more than one saw room for the last place: the bound was checked in one step and the item added in another. " +
              "Check and add in one step on the server — a Lua script (EVAL) runs whole, with nothing in between (or MULTI with WATCH)",
          );
        if (inside.length < RACE_BOUND)
          fail(
            `round ${r}: only ${inside.length} of ${RACERS * RACE_TRIES} put({ timeoutMs: 0 })s went into an empty queue of maxsize ${RACE_BOUND}: a bounded queue takes items until it holds maxsize. ` +
              "Is an item already handed out still counted? It left the queue when get() returned it: count only the entries waiting — XLEN minus XPENDING's count",
          );
      }
      await joinAll(racers, 5_000, "end");
    },
  },
  redelivery: {
    name: "redelivery",
    title: `consumers killed while they hold an item: after claimIdleMs (${CLAIM_MS} ms) a consumer waiting in get() gets each — at least once — and once(id) keeps the one already processed from being processed twice`,
    deadlineMs: 25_000,
    async run({ cell, start }: Ctx) {
      const { q, admin, effects, survivors } = await redeliverySetup(cell, start);
      // holder-1 and holder-2 wait in get(); job-0 goes to one (it processes it), job-1 to the other (it does not, yet).
      const { holders, since } = await holdAndKill(q, admin, start, ["job-0", "job-1"], effects);
      for (const s of survivors) await s.notify("go"); // they wait in get() on an open queue, where nothing new comes
      const back = await untilBack(survivors, ["job-0", "job-1"], since);
      if (!back.has("job-1")) {
        await whyNotBack(admin, q, "job-1", holders, "");
      }
      if (!back.has("job-0"))
        fail(
          "job-0, which its consumer had processed but not acknowledged when it was killed, never came back: at least once means an unacknowledged item is handed out again — it is once() that keeps it from being processed twice",
        );
      expectNotEarly(back);
      for (const n of range(2, 5)) await q.put({ id: `job-${n}`, n });
      await q.close();
      await drained(survivors, q);
      await expectEachOnce(admin, effects, 5, "job-0");
      return { redeliveredAfterMs: Object.fromEntries([...back].map(([id, ms]) => [id, Math.round(ms)])) };
    },
  },
  drained: {
    name: "drained",
    title:
      "the queue is closed while a killed consumer still holds an item: the others get it back (claimIdleMs) before they stop at EOFError — an empty stream is not yet drained",
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
          survivors.every((s) => s.finished)
            ? "it was still pending with holder-1, killed while it held it, when the survivors stopped at EOFError: the queue was closed and its stream empty, but not drained. " +
                "Drained means nothing is still out with any consumer (XPENDING's count is 0): at the close marker, keep looking — a dead consumer's items come back through the claim"
            : "",
        );
      await drained(survivors, q);
      await expectEachOnce(admin, effects, 4);
    },
  },
  "two-machines": {
    name: "two-machines",
    title:
      "two “machines” that share nothing but REDIS_URL and the queue's name: one opens it and puts, the other opens it and gets; the bound declared by a third holds for both",
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const name = `orders-${Math.random().toString(36).slice(2, 8)}`;
      const declared = await makeQueue<Job>(cell, { name, maxsize: 4 });
      const module = declared.module;
      if (typeof module !== "string")
        fail(
          "the queue has no `module` (the URL of the module that made it): build your queue on StreamQueue from @workshop/04-broker/redis, as the starter does — a process that knows only the queue's name imports that module to open it",
        );
      const consumerMachine = await start("machineConsumer", [module, name], "machine-b");
      await waitOrFinish(consumerMachine, "ready", 10_000, `open the queue "${name}" by its name`);
      const producerMachine = await start("machineProducer", [module, name, 40], "machine-a");
      await waitOrFinish(producerMachine, "opened", 10_000, `open the queue "${name}" by its name`);
      await sleep(500);
      let went = 0;
      while (went < 40 && (await signalled(producerMachine, `put:${went}`))) went++;
      if (went > 4)
        fail(
          `machine-a put ${went} jobs into "${name}" before anyone got one, though the queue was declared with maxsize 4. machine-a opened the queue by its name only: ` +
            "it knows the bound only if it lives on the server, with the queue (its meta hash), and put()'s script reads it there",
        );
      if (went < 4) fail(`machine-a got only ${went} jobs into an empty queue of maxsize 4 within 500 ms: a bounded queue takes items until it holds maxsize`);
      await consumerMachine.notify("go");
      await joinAll([producerMachine], 10_000, "put its 40 jobs and close the queue");
      await joinAll([consumerMachine], 10_000, "get every job and stop at EOFError");
      const got = consumerMachine.result as string[];
      expectExactlyOnce(
        [{ name: "machine-b", items: got }],
        range(0, 40).map((n) => `job-${n}`),
      );
      const at = got.findIndex((id, i) => id !== `job-${i}`);
      if (at >= 0) fail(`machine-b got ${got[at]} where job-${at} was due: one producer, one consumer — a stream keeps the order items were added in`);
    },
  },
  restart: {
    name: "restart",
    title: "the broker crashes and restarts between put and get (persistence on): nothing acknowledged is lost, nothing processed comes back",
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
      await joinAll([producer], 10_000, "put 40 items");
      const c1 = await start("takeSome", [q, 20], "consumer-1");
      await joinAll([c1], 10_000, "get 20 items and return");
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
      if (again.length)
        fail(
          `consumer-1 had processed items 0 to 19 and returned before the broker restarted, yet ${again.length} of them (${again.slice(0, 5).map(brief).join(", ")}…) were handed out again after it: ` +
            "their acknowledgements never reached the broker — acknowledge (XACK) before the process moves on or exits, and wait for the reply",
        );
      expectExactlyOnce([{ name: "consumer-2", items: after }], range(20, 40), (lost) =>
        lost.length
          ? ` — put() had resolved for ${lost.length === 1 ? "it" : "them"} before the restart: a put() must resolve only once the broker has the item`
          : "",
      );
    },
  },
  interop: {
    name: "interop",
    title: `Node puts, Deno and Bun get — one queue, three runtimes at once, ${INTEROP_JOBS} jobs: each processed exactly once`,
    deadlineMs: 50_000,
    async run({ cell, start, runtime }: Ctx) {
      const q = await makeQueue<Job>(cell);
      expectShape(q, "createQueue()", ["once"]);
      const name = nameOf(q);
      const effects = `${keysOf(name).stream}:effects`;
      // The runtime being graded plays its part with your queue; the other two run their reference solution, as separate commands.
      const parts: Part[] = [];
      for (const consumerRuntime of ["deno", "bun"] as const) {
        if (consumerRuntime === runtime) parts.push(mine(await start("onceConsumer", [q, effects], `your ${runtime} consumer`), "consume"));
        else parts.push(peer(consumerRuntime, runtime, ["consume", "--queue", name, "--json"]));
      }
      if (runtime === "node") parts.push(mine(await start("jobProducer", [q, 0, INTEROP_JOBS, true], "your node producer"), "produce"));
      else parts.push(peer("node", runtime, ["produce", String(INTEROP_JOBS), "--queue", name, "--tag", "job"]));
      const producer = parts.find((p) => p.role === "produce")!;
      const consumers = parts.filter((p) => p.role === "consume");
      if (!(await until(() => producer.ended() || consumers.some((c) => c.ended()), 30_000, `${producer.name}: putting ${INTEROP_JOBS} jobs`)))
        fail(`${producer.name} (${producer.what}) did not put its ${INTEROP_JOBS} jobs and close the queue within 30 s`);
      for (const p of parts) if (p.ended()) await p.check();
      if (!(await until(() => consumers.every((c) => c.ended()), 10_000, "the consumers: draining")))
        for (const c of consumers)
          if (!c.ended())
            fail(
              `${c.name} (${c.what}) was still waiting in get() 10 s after ${producer.name} had closed the queue — it never saw the end. ` +
                "The close marker is part of the wire protocol every runtime reads: close() adds an entry with a `close` field after the last item, and a get() that reads it throws EOFError and passes it on",
            );
      const results: { name: string; items: unknown[] }[] = [];
      for (const c of consumers) results.push({ name: c.name, items: await c.check() });
      expectExactlyOnce(
        results,
        range(0, INTEROP_JOBS).map((n) => `job-${n}`),
        () => " — a job missing here was put by the Node producer; the consumers process each job they get through once()",
      );
      return { processedBy: Object.fromEntries(results.map((r) => [r.name, r.items.length])) };
    },
  },
};

export const scenarios: Scenario<BrokerCell>[] = [
  ...first,
  own.acked!,
  own.fifo!,
  own.mpmc!,
  ...rest.flatMap((s) => (s.name === "bounded" ? [s, own["bound-race"]!] : [s])),
  own.redelivery!,
  own.drained!,
  own["two-machines"]!,
  own.restart!,
  own.interop!,
];

// ---- helpers --------------------------------------------------------------------------------

/** The learner's factory made a usable queue, with the name a process needs to open it. */
async function makeQueue<T>(cell: BrokerCell, opts?: QueueOptions): Promise<BrokerQueue<T>> {
  if (typeof cell?.createQueue !== "function")
    fail("the file does not export a createQueue() function: the grader calls createQueue(opts?) to make each queue");
  const q = expectShape(await cell.createQueue<T>(opts), `createQueue(${opts ? JSON.stringify(opts) : ""})`, ["put", "get", "close"]);
  nameOf(q);
  return q;
}

function nameOf(q: BrokerQueue<unknown>): string {
  const name = q.address?.name;
  if (typeof name !== "string")
    fail(
      "the queue has no `address.name`: build your queue on StreamQueue from @workshop/04-broker/redis, as the starter does — it carries the address a child needs",
    );
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
      if (why) fail(`${late.name} still blocked ${(CLOSE_GRACE_MS / 1000).toFixed(0)} s after close(): ${why}`);
      fail(
        `${late.name} still blocked ${(CLOSE_GRACE_MS / 1000).toFixed(0)} s after close(), with nothing left in the queue: once the queue is closed and drained, every get() must reject with EOFError — ` +
          "also one already waiting when close() came — otherwise the consumer never ends and join() never returns (the seed's bug)",
      );
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
  for (const s of survivors) await waitOrFinish(s, "ready", 10_000, "start");
  return { q, admin, effects, survivors };
}

/**
 * One holder per job, all waiting in get() before the jobs are put; each gets one job, processes it
 * if it is listed, and is killed holding it. Returns when each job was handed out, by the broker's clock.
 */
async function holdAndKill(q: BrokerQueue<Job>, admin: Redis, start: Ctx["start"], jobs: string[], effects: string, processIds = ["job-0"]) {
  const holders: Proc[] = [];
  for (let i = 0; i < jobs.length; i++) holders.push(await start("holder", [q, processIds, effects], `holder-${i + 1}`));
  for (const h of holders) await waitOrFinish(h, "ready", 10_000, "start");
  await sleep(100); // every holder is in get() now
  for (const id of jobs) await q.put({ id, n: Number(id.slice(4)) });
  for (const h of holders) await waitOrFinish(h, "holding", 10_000, "get a job and hold it");
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
async function whyNotBack(admin: Redis, q: BrokerQueue<unknown>, job: string, holders: Proc[], ifPending: string): Promise<never> {
  const entry = await entryOf(admin, q, job);
  const pending = entry && (await admin.xPendingRange(keysOf(nameOf(q)).stream, GROUP, entry, entry, 1))[0];
  if (pending && ifPending) fail(`${job} never came back: ${ifPending}`);
  if (pending)
    fail(
      `${job} never came back: its consumer was killed holding it, and ${(pending.millisecondsSinceLastDelivery / 1000).toFixed(1)} s later it is still pending with that dead consumer, while the others waited in get() — nobody claimed it. ` +
        "The broker cannot know a consumer died; it only knows an entry has been pending too long. Have get() claim entries idle for claimIdleMs or more (XAUTOCLAIM) — and look again every so often while it waits, not only when something new comes",
    );
  fail(
    `${job} was lost: its consumer (one of ${holders.map((h) => h.name).join(", ")}) was killed before it had processed it, and no consumer ever got it again — it was not even pending any more: it had been acknowledged when get() returned, before it was processed. ` +
      "Acknowledge an item when its consumer is done with it — when it comes back for the next one (or exits) — so that one killed halfway leaves it pending, for another to claim",
  );
}

/** A job handed out again before claimIdleMs had passed: a live (slow) consumer's item was taken. */
function expectNotEarly(back: Map<string, number>): void {
  const early = [...back].find(([, ms]) => ms < CLAIM_MS - 150);
  if (early)
    fail(
      `${early[0]} was handed out again ${Math.round(early[1])} ms after its consumer got it, before claimIdleMs (${CLAIM_MS} ms) had passed: claim only entries idle at least claimIdleMs (XAUTOCLAIM's min-idle-time) — ` +
        "a consumer still busy with an item is not a dead one",
    );
}

/** Every job's side effect happened exactly once (job-0's second processing is named as what it is). */
async function expectEachOnce(admin: Redis, effects: string, count: number, processedBeforeDeath?: string): Promise<void> {
  const counts = (await admin.hGetAll(effects)) as Record<string, string>;
  const times = (id: string) => Number(counts[id] ?? 0);
  if (processedBeforeDeath && times(processedBeforeDeath) > 1)
    fail(
      `${processedBeforeDeath} was processed ${times(processedBeforeDeath)} times: by its consumer before it was killed, and again after the broker handed it out a second time. ` +
        "That is at least once working as it should — so processing must be idempotent: once(id, work) skips an id already done (keep the ids done in Redis, where every consumer sees them)",
    );
  for (const n of range(0, count)) {
    const id = `job-${n}`;
    if (times(id) === 0) fail(`${id} was never processed: it went into the queue, and no consumer's once() ran it`);
    if (times(id) > 1) fail(`${id} was processed ${times(id)} times: once(id, work) must run work at most once per id, whoever asks`);
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
async function waitOrFinish(p: Proc, what: string, timeoutMs: number, doing: string): Promise<void> {
  try {
    await p.waitFor(what, { timeoutMs });
  } catch {
    if (p.exitCode !== null) expectFinished([p]);
    fail(`${p.name} did not ${doing} within ${timeoutMs} ms — is it waiting for something that never comes?`);
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
    if (performance.now() > deadline) fail(`the broker did not turn persistence on within 10 s:\n${info}`);
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
    if (performance.now() > deadline) fail("the broker did not come back within 15 s of its restart");
    await sleep(50);
  }
}

// ---- the other runtimes, as separate commands -------------------------------------------------

/** One party to the interop scenario: a child of the graded runtime (your queue), or a command of another runtime. */
interface Part {
  name: string;
  what: string;
  role: "produce" | "consume";
  ended(): boolean;
  /** Once ended: fail if it failed; a consumer's processed job ids. */
  check(): Promise<string[]>;
}

function mine(p: Proc, role: Part["role"]): Part {
  return {
    name: p.name,
    what: "your queue, in a child process",
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

/** The reference solution of `rt` running the chapter's demo.ts — the command a learner runs on another machine. */
function peer(rt: "node" | "deno" | "bun", current: string, args: string[]): Part {
  const repo = process.cwd(); // the harness starts every runtime in the repository
  const demo = `${repo}/workshops/04-broker/demo.ts`;
  const bin = `${repo}/node_modules/.bin`;
  let argv: string[];
  if (rt === "node") argv = [current === "node" ? process.execPath : "node", "--import", "tsx", demo, "solution", ...args];
  else if (rt === "bun") argv = [current === "bun" ? process.execPath : `${bin}/bun`, demo, "solution", ...args];
  else argv = [`${bin}/deno`, "run", "--no-prompt", "--quiet", "--no-lock", `--allow-read=${repo}`, ...chapterDenoPermissions(repo), demo, "solution", ...args];
  const role = args[0] === "produce" ? "produce" : "consume";
  const name = `the ${rt === "node" ? "Node" : rt === "deno" ? "Deno" : "Bun"} ${role === "produce" ? "producer" : "consumer"}`;
  const what = `workshops/04-broker/${rt}/solution.ts, a separate \`${rt}\` process`;
  mark(`${name}: ${argv.slice(0, 3).join(" ")} …`);
  let outcome: { code: number | null; stdout: string; stderr: string } | undefined;
  const done = run(argv, repo).then((r) => (outcome = r));
  return {
    name,
    what,
    role,
    ended: () => outcome !== undefined,
    check: async () => {
      const r = await done;
      if (r.code !== 0)
        fail(
          `${name} (${what}) failed with exit code ${r.code} — the queue it shares with your code, through the broker, did not work for it:\n${tail(r.stderr || r.stdout)}`,
        );
      if (role === "produce") return [];
      try {
        return (JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "") as { processed: string[] }).processed;
      } catch {
        fail(`${name} (${what}) ended without its report; its output:\n${tail(r.stdout)}`);
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

async function run(argv: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [exe, ...args] = argv as [string, ...string[]];
  if (deno) {
    // Deno's node:child_process wants to read the whole environment (--allow-env); Deno.Command passes it on as it is.
    const out = await new deno.Command(exe, { args, cwd, stdin: "null", stdout: "piped", stderr: "piped" }).spawn().output();
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
    child.on("error", (err) => resolve({ code: null, stdout, stderr: `could not start ${exe}: ${err.message}` }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-8).join("\n");
}
