// 01-lock: the properties every Lock must have, on every runtime. Written once, against the
// contract; each worker below runs in a real child process (Node, Bun) or worker (Deno).
// Scenario order follows the starters' TODOs: take and wait (counter), timeouts (timeoutMs 0,
// giving up, waiting without spinning), atomicity (mutual exclusion), release (owner checks), a
// holder that dies. The one long wait (acquire-timeout) comes early, so the two scenarios graded at
// a time finish together.
// The first failing scenario is the one a learner reads: each check is placed where it names the
// bug, and every sentence a learner may read is in this file.
import { readFileSync, statSync } from "node:fs";
import { hasCode, type Lock, type LockCell, type Value } from "@workshop/contracts";
import {
  cpuMs,
  expectFinished,
  expectShape,
  fail,
  type Message,
  msg,
  openCalls,
  type Scenario,
  type ScenarioContext,
  settle,
  slack,
  sleep,
  whereSuffix,
} from "@workshop/harness/scenario";
import { mark, type ProcessLike, type Runtime, runtime, signalParent, traced, waitForParent } from "@workshop/process";
import { journalPath } from "@workshop/process/journal";
import { brief, describeError, range } from "./support.ts";

const WORKERS = 4;
const INCREMENTS = 250;
/** Mutual exclusion: rounds that hold the lock across an await, then tight rounds that don't. */
const SLOW_ROUNDS = 5;
const SLOW_HOLD_MS = 2;
const TIGHT_ROUNDS = 100;
/** Inside a tight round the holder stays (without awaiting) this long: long enough to be seen. */
const TIGHT_HOLD_MS = 0.1;
/** How long a waiter is left blocked in acquire() while its CPU time is measured. */
const BLOCK_MS = 700;
/** A process waiting in acquire() may use at most this share of one core (Node's polling solution: under 8 %). */
const WAITER_CPU_SHARE = 0.25;
/** …and the process that created the lock (idle, or a lock server), meanwhile (solutions: under 1 %). */
const SERVER_CPU_SHARE = 0.1;
/** A thread that wanted a core (running or queued) this much of the time was spinning (a poller: under 20 %). */
const DEMAND_SHARE = 0.6;
/** …and that ran at least this much of that time, and this long: a spinner runs, however starved. */
const DEMAND_MIN_CPU_SHARE = 0.02;
const DEMAND_MIN_CPU_MS = 5;
/** Where only CPU time is known (Deno): a share above half what a spinner gets now, and above this, is a spin. */
const MIN_SPIN_SHARE = 0.08;
/** A timer in the waiting process, every this many ms: a wait that blocks the thread stops it. */
const TICK_MS = 50;
/** "At once", for timeoutMs 0: one try, plus a round trip to a lock server on a busy machine. */
const AT_ONCE_MS = 250;
/** A holder that dies holding this many locks: two survivors race to recover each (a server has no files to race on). */
const STALE_LOCKS: Record<Runtime, number> = { node: 10, deno: 1, bun: 2 };
/** How late a survivor's file read may return (see slowReads), and how long a survivor holds a lock. */
const LATE_READ_MS = 5;
const SURVIVOR_HOLD_MS = 6;
/** How long a survivor waits for a dead holder's lock to be recovered. */
const RECOVER_MS = 2_000;
/** No journal line for this long while workers should be busy: they are stuck. */
const STUCK_MS = 2_500;
/** Bun's line: this many waiters join one after another, and must get the lock in that order. */
const LINE = 4;
/** How long a process already waiting in acquire() may take to get the lock once it is released. */
const LATECOMER_MS = 1_000;
/** …and how soon after the release it must have it (the Node solution: a few ms; a poll every 100 ms is fine too). */
const HANDOFF_MS = 300;

/**
 * A macrotask yield (a message to ourselves, ~20 µs; setTimeout(0) costs 1–2 ms): between the read
 * and the write, other processes get their turn — so without a lock, updates are lost every time.
 */
function yieldTurn(): Promise<void> {
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.addEventListener("message", () => {
      port1.close();
      port2.close();
      resolve();
    });
    port1.start();
    port2.postMessage(0);
  });
}

/** Stay busy for `ms` without awaiting: a critical section that does real work. */
function work(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // the holder is inside, and nobody else may be
  }
}

// ---- calling the learner's lock, and checking what it answers ------------------------------

/** acquire() without a timeout: it must resolve true, and nothing else. */
async function take(lock: Lock): Promise<void> {
  const got = await calling("acquire()", () => traced("acquire", () => lock.acquire(), said));
  if (got === true) return;
  if (got === false) fail("lock:acquire.falseWithoutTimeout");
  fail("lock:acquire.notBoolean", { call: "acquire()", got: brief(got) });
}

/** acquire({ timeoutMs }): true or false, and how long it took. */
async function tryTake(lock: Lock, timeoutMs: number, op = `acquire(timeout ${timeoutMs} ms)`): Promise<{ got: boolean; ms: number }> {
  const t0 = performance.now();
  const got = await calling(`acquire({ timeoutMs: ${timeoutMs} })`, () => traced(op, () => lock.acquire({ timeoutMs }), said));
  const ms = Math.round(performance.now() - t0);
  if (typeof got !== "boolean") fail("lock:acquire.notBoolean", { call: `acquire({ timeoutMs: ${timeoutMs} })`, got: brief(got) });
  return { got, ms };
}

/** The learner's acquire() threw: a fail that says where, and what it usually means. */
async function calling(what: string, call: () => Promise<unknown>): Promise<unknown> {
  try {
    return await call();
  } catch (err) {
    if ((err as Error | null)?.name === "Failure") throw err;
    // Why an acquire() usually throws depends on the mechanism: lock:acquire.whyThrew.<runtime>.
    fail("lock:acquire.threw", { call: what, error: thrown(err), why: msg(`lock:acquire.whyThrew.${runtime}`) });
  }
}

/** What a call threw, as a message param: the error, and where in the learner's file. */
function thrown(err: unknown): Message {
  return msg("lock:threw", { error: describeError(err), at: whereSuffix(err instanceof Error ? err.stack : undefined) });
}

/** release(), keeping what it threw: a worker reports it instead of crashing on it. */
async function letGo(lock: Lock, op = "release"): Promise<Message | undefined> {
  try {
    await traced(op, () => lock.release());
    return undefined;
  } catch (err) {
    return thrown(err);
  }
}

function said(x: unknown): string {
  return x === true ? "ok" : x === false ? "false" : `resolved ${brief(x)}`;
}

// ---- workers (each runs in its own process) -------------------------------------------------

/** Python: `with lock: counter.value += 1`, K times — with an await inside the critical section. */
export async function incrementer(lock: Lock, counter: Value, times: number): Promise<void> {
  signalParent("ready");
  await waitForParent("go");
  for (let i = 0; i < times; i++) {
    await take(lock);
    mark("enter");
    const seen = await counter.get();
    await yieldTurn();
    await counter.set(seen + 1);
    mark("leave");
    await letGo(lock); // a refused release is in the journal; the monitor judges the run
  }
}

/** Slow rounds (holding across an await), then tight ones (nothing awaited inside), for the monitor. */
export async function holder(lock: Lock, slowRounds: number, holdMs: number, tightRounds: number): Promise<void> {
  signalParent("ready");
  await waitForParent("go");
  for (let i = 0; i < slowRounds + tightRounds; i++) {
    const tight = i >= slowRounds;
    await take(lock);
    mark("enter", tight ? "tight" : "slow");
    if (tight) work(TIGHT_HOLD_MS);
    else await sleep(holdMs);
    mark("leave");
    await letGo(lock); // a refused release is in the journal; the monitor judges the run
  }
}

/** Tries to release a lock it never acquired. */
export async function wrongfulRelease(lock: Lock): Promise<{ threw: string | null; code: boolean }> {
  try {
    await traced("release (not the owner)", () => lock.release());
    return { threw: null, code: false };
  } catch (err) {
    return { threw: describeError(err), code: hasCode(err, "LOCK_ERROR") };
  }
}

/** Waits in acquire() (no timeout) after "go": it must not get a lock someone else holds. */
export async function prober(lock: Lock): Promise<void> {
  signalParent("ready");
  await waitForParent("go");
  await take(lock);
  mark("enter");
  signalParent("got it");
  await new Promise(() => setInterval(() => {}, 1_000)); // the parent kills it
}

/**
 * The waiter that gives up: a 0.7 s timeout on a held lock, measuring its own CPU, then timeoutMs 0.
 * It stays alive afterwards — a waiter that gave up must be forgotten while it lives on.
 */
export async function quitter(lock: Lock, calibrate: boolean): Promise<{ cpuMs: number; ms: number }> {
  signalParent("ready");
  await waitForParent("go");
  const share = calibrate ? coreShare() : undefined;
  const use0 = usage();
  const ticks = ticking(TICK_MS);
  const timed = await tryTake(lock, BLOCK_MS);
  const used = since(use0);
  const ticked = ticks();
  if (timed.got) fail("lock:acquireTimeout.trueWhileHeld", { timeoutMs: BLOCK_MS, ms: timed.ms });
  if (timed.ms < BLOCK_MS - 50) fail("lock:acquireTimeout.gaveUpEarly", { timeoutMs: BLOCK_MS, ms: timed.ms });
  if (timed.ms > BLOCK_MS + slack(700)) fail("lock:acquireTimeout.gaveUpLate", { timeoutMs: BLOCK_MS, ms: timed.ms });
  expectIdle(used, WAITER_CPU_SHARE, share, "acquire()", msg("lock:acquireTimeout.whileWaiting", { seconds: timed.ms / 1000 }));
  // Asleep without a core, yet its own timers never ran: the wait blocked the thread (Atomics.wait, a synchronous sleep).
  if (ticked < 2)
    fail("lock:acquireTimeout.blocked", { timeoutMs: BLOCK_MS, ms: timed.ms, tickMs: TICK_MS, count: ticked, due: Math.floor(timed.ms / TICK_MS) });
  signalParent("gave up");
  const once = await tryTake(lock, 0, "acquire(timeoutMs 0, lock held)");
  if (once.got) fail("lock:acquireTimeout.zeroTrueWhileHeld");
  if (once.ms > slack(AT_ONCE_MS)) fail("lock:acquireTimeout.zeroSlowWhenHeld", { ms: once.ms });
  signalParent("tried once");
  await waitForParent("done", { timeoutMs: 30_000 }); // alive until then: it gave up, it did not go away
  return { cpuMs: used.cpu, ms: timed.ms };
}

/** Waits for "go", then takes the lock with a timeout (saying "waiting" first), holds it a moment, releases it. */
export async function latecomer(lock: Lock, timeoutMs: number): Promise<{ got: boolean; ms: number; releaseError?: Message }> {
  signalParent("ready");
  await waitForParent("go");
  signalParent("waiting");
  const { got, ms } = await tryTake(lock, timeoutMs);
  if (!got) return { got, ms };
  mark("enter");
  await sleep(2);
  mark("leave");
  return { got, ms, releaseError: await letGo(lock) };
}

/** Acquires every lock it is given (each a Process argument), then never releases: the parent kills it while it holds them. */
export async function holdForever(...locks: Lock[]): Promise<void> {
  for (const lock of locks) await take(lock);
  mark("holding");
  signalParent("holding");
  await new Promise(() => setInterval(() => {}, 1_000));
}

/**
 * A survivor of a holder that died. It waits for every one of the holder's locks at once; the
 * holder dies while it (and another survivor) wait — so both find each stale lock at about the
 * same moment. It takes each lock as it can, holds it a moment, and releases it.
 */
export async function survivor(...locks: Lock[]): Promise<Attempt[]> {
  await slowReads();
  signalParent("ready");
  await waitForParent("go", { timeoutMs: 30_000 });
  // One journal line for all of them: the deadlock report still shows it waiting.
  return traced(
    `acquire all ${locks.length} locks at once`,
    () => Promise.all(locks.map((lock, k) => recover(lock, k))),
    (t) => `${t.filter((a) => a.got).length} of ${t.length}`,
  );
}

/**
 * Node: each file read in this process returns a moment late (now and then by several ms), as if
 * the process had been descheduled right after it. A survivor that reads the dead holder's pid and then acts on it —
 * removes or overwrites the file — acts on news that may be stale by then: another survivor may
 * have recovered the lock meanwhile. Without the delay that window is microseconds wide and the
 * bug shows once in a thousand runs; with it, in every run. A correct recovery does not depend on
 * timing, so it passes however late its reads are.
 */
/** Up to a few ms — as a process descheduled at that moment would be. */
function lateBy(): number {
  return Math.random() * LATE_READ_MS;
}

async function slowReads(): Promise<void> {
  if (!runtimeIs("node")) return;
  type Fn = (...args: unknown[]) => unknown;
  const fs = (await import("node:fs")).default as unknown as Record<string, Fn> & { promises: Record<string, Fn> };
  const { syncBuiltinESMExports } = await import("node:module");
  for (const name of ["readFileSync", "existsSync", "statSync"]) {
    const read = fs[name] as Fn;
    fs[name] = (...args: unknown[]) => {
      try {
        return read(...args);
      } finally {
        work(lateBy());
      }
    };
  }
  const readFile = fs.promises.readFile as Fn;
  fs.promises.readFile = async (...args: unknown[]) => {
    const out = await readFile(...args);
    await sleep(lateBy() * 2.5); // an await costs no CPU: a longer stretch
    return out;
  };
  syncBuiltinESMExports(); // learners' `import { readFileSync } from "node:fs"` see the change too
}

/** One survivor's go at one of the dead holder's locks: take it, hold it a moment, release it. */
async function recover(lock: Lock, k: number): Promise<Attempt> {
  try {
    const got: unknown = await lock.acquire({ timeoutMs: RECOVER_MS });
    if (typeof got !== "boolean") fail("lock:holderDies.notBoolean", { timeoutMs: RECOVER_MS, got: brief(got) });
    if (!got) return { k, got };
    mark("enter", `lock ${k}`);
    await sleep(SURVIVOR_HOLD_MS);
    mark("leave", `lock ${k}`);
    return { k, got, releaseError: await letGo(lock, `release lock ${k}`) };
  } catch (err) {
    if ((err as Error | null)?.name === "Failure") throw err;
    return { k, got: false, threw: thrown(err) };
  }
}

interface Attempt {
  k: number;
  got: boolean;
  threw?: Message;
  releaseError?: Message;
}

/** Acquires the lock, then stays alive (so the lock is not stale) until the parent says so. */
export async function aliveHolder(lock: Lock): Promise<void> {
  await take(lock);
  mark("holding");
  signalParent("holding");
  await waitForParent("done", { timeoutMs: 30_000 });
}

// ---- scenarios (each runs in the top process of its own run) --------------------------------

type Ctx = ScenarioContext<LockCell>;
type Proc = ProcessLike;

export const scenarios: Scenario<LockCell>[] = [
  {
    name: "counter",
    title: msg("lock:counter.title", { workers: WORKERS, increments: INCREMENTS, total: WORKERS * INCREMENTS }),
    deadlineMs: 25_000,
    async run({ cell, start, journal, runtime }: Ctx) {
      const lock = await makeLock(cell);
      const counter = expectShape(await cell.createValue(0), "createValue(0)", ["get", "set"]);
      const workers = await startAll(start, WORKERS, "incrementer", [lock, counter, INCREMENTS]);
      await together(workers);
      const ended = await watch(workers, 20_000, journal);
      const { monitor, refused } = judgeHolders(journal(), workers);
      if (!ended) await stuck(workers, lock, monitor, refused, runtime, "increments");
      expectFinished(workers); // every increment ran (a worker that crashed or exited early says so)
      const expected = WORKERS * INCREMENTS;
      const got: unknown = await counter.get();
      if (typeof got !== "number") fail("lock:counter.notNumber", { got: brief(got) });
      if (got < expected) {
        const why = monitor.overlaps ? twoHolders(monitor, runtime, "increments") : msg("lock:counter.readWrite");
        fail("lock:counter.lostUpdates", { expected, got, count: expected - got, why });
      }
      if (monitor.overlaps) fail(twoHolders(monitor, runtime, "increments"));
      if (refused.length) fail(releaseFailed(refused, runtime));
      if (got !== expected) fail("lock:counter.tooMany", { expected, got });
    },
  },
  {
    name: "acquire-timeout",
    title: msg("lock:acquireTimeout.title", { timeoutMs: BLOCK_MS }),
    deadlineMs: 15_000,
    async run({ cell, start, runtime }: Ctx) {
      const lock = await makeLock(cell);
      const free = await tryTake(lock, 0, "acquire(timeoutMs 0, lock free)");
      if (!free.got) fail("lock:acquireTimeout.zeroFalseWhenFree");
      if (free.ms > slack(AT_ONCE_MS)) fail("lock:acquireTimeout.zeroSlowWhenFree", { ms: free.ms });
      const [quit, late] = await Promise.all([start("quitter", [lock, runtime === "deno"], "quitter"), start("latecomer", [lock, LATECOMER_MS], "latecomer")]);
      await together([quit, late], false);
      await quit.notify("go");
      const use0 = usage();
      await expectSignal(
        quit,
        "gave up",
        BLOCK_MS + slack(2_000),
        msg("lock:acquireTimeout.giveUp", { timeoutMs: BLOCK_MS }),
        msg("lock:acquireTimeout.notReturned", { timeoutMs: BLOCK_MS, seconds: (BLOCK_MS + slack(2_000)) / 1000, timeoutSeconds: BLOCK_MS / 1000 }),
      );
      const mainUse = since(use0);
      if (runtime !== "deno")
        expectIdle(
          mainUse,
          SERVER_CPU_SHARE,
          undefined,
          msg("lock:acquireTimeout.mainWho", { server: runtime === "bun" ? msg("lock:acquireTimeout.whereServerRuns") : "" }),
          msg("lock:acquireTimeout.mainDuring", { seconds: BLOCK_MS / 1000 }),
        );
      await expectSignal(
        quit,
        "tried once",
        slack(1_500),
        msg("lock:acquireTimeout.answerZero"),
        msg("lock:acquireTimeout.zeroNotAnswered", { ms: slack(1_500), timeoutMs: BLOCK_MS }),
      );
      // quitter gave up and lives on. latecomer starts waiting; main releases: latecomer must get it.
      await late.notify("go");
      await expectSignal(late, "waiting", 5_000, msg("lock:steps.startWaiting"));
      const lateSince = performance.now();
      await sleep(50); // latecomer is inside acquire() now, waiting
      const releasedAt = performance.now();
      const mine = await letGo(lock);
      if (mine) fail("lock:acquireTimeout.mainReleaseHeld", { error: mine });
      await watch([late], LATECOMER_MS + slack(3_000));
      expectFinished([late]);
      const after = late.result as Awaited<ReturnType<typeof latecomer>>;
      if (!after.got) {
        const free = await tryTake(lock, 0, "acquire(timeoutMs 0: is the lock free?)");
        if (free.got) fail("lock:acquireTimeout.notWoken", { ms: LATECOMER_MS, why: notWoken(runtime) });
        fail(forgotten(runtime, msg("lock:acquireTimeout.lateNotGot", { ms: LATECOMER_MS })));
      }
      if (after.releaseError) fail("lock:acquireTimeout.latecomerRelease", { error: after.releaseError });
      const handoff = after.ms - (releasedAt - lateSince);
      if (handoff > slack(HANDOFF_MS)) fail("lock:acquireTimeout.slowHandoff", { ms: Math.round(handoff), why: notWoken(runtime) });
      await sleep(50); // time for a leftover retry loop of quitter's to take the free lock
      const again = await tryTake(lock, 0, "acquire(timeoutMs 0, lock free again)");
      if (!again.got) fail(forgotten(runtime, msg("lock:acquireTimeout.takenAgain")));
      const last = await letGo(lock);
      if (last) fail("lock:acquireTimeout.mainReleaseFree", { error: last });
      await quit.notify("done");
      await watch([quit], slack(3_000));
      expectFinished([quit]);
      const q = quit.result as Awaited<ReturnType<typeof quitter>>;
      return { quitterCpuMs: Math.round(q.cpuMs), mainCpuMs: Math.round(mainUse.cpu) };
    },
  },
  {
    name: "mutual-exclusion",
    title: msg("lock:mutualExclusion.title", { slow: SLOW_ROUNDS, tight: TIGHT_ROUNDS }),
    deadlineMs: 20_000,
    async run({ cell, start, journal, runtime }: Ctx) {
      const lock = await makeLock(cell);
      const workers = await startAll(start, WORKERS, "holder", [lock, SLOW_ROUNDS, SLOW_HOLD_MS, TIGHT_ROUNDS]);
      await together(workers);
      const ended = await watch(workers, 15_000, journal);
      // What the monitor saw comes first: two holders is the cause; an error at release is its effect.
      const { monitor, refused } = judgeHolders(journal(), workers);
      if (!ended) await stuck(workers, lock, monitor, refused, runtime, "rounds");
      if (monitor.overlaps) fail(twoHolders(monitor, runtime, "rounds"));
      if (refused.length) fail(releaseFailed(refused, runtime));
      expectFinished(workers);
    },
  },
  {
    name: "release-not-owner",
    title: "lock:releaseNotOwner.title",
    async run({ cell, start, runtime }: Ctx) {
      const lock = await makeLock(cell);
      await takeInMain(lock);
      const [intruder, probe] = await Promise.all([start("wrongfulRelease", [lock], "intruder"), start("prober", [lock], "probe")]);
      await watch([intruder], 5_000);
      expectFinished([intruder]);
      const { threw, code } = intruder.result as Awaited<ReturnType<typeof wrongfulRelease>>;
      if (threw === null) fail("lock:releaseNotOwner.returnedNormally", { also: runtime === "deno" ? msg("lock:releaseNotOwner.ownNumber") : "" });
      if (!code) fail("lock:releaseNotOwner.notLockError", { error: threw });
      // The refused release must not have freed it: a process waiting in acquire() must not get in.
      await expectSignal(probe, "ready", slack(30_000), msg("lock:steps.start"));
      await probe.notify("go");
      const freed = await signalled(probe, "got it", slack(150));
      if (freed) fail("lock:releaseNotOwner.freed");
      if (probe.exitCode !== null) expectFinished([probe]);
      probe.kill();
      await probe.join({ timeoutMs: 5_000 });
      const mine = await letGo(lock);
      if (mine) fail("lock:releaseNotOwner.mainRelease", { error: mine });
      const again = await letGo(lock, "release (not held by anyone)");
      if (again === undefined) fail("lock:releaseNotOwner.unheldReturned");
      if (!String(again.params?.error).startsWith("LockError")) fail("lock:releaseNotOwner.unheldNotLockError", { error: again });
    },
  },
  {
    name: "holder-dies",
    title: "lock:holderDies.title",
    deadlineMs: 20_000,
    async run({ cell, start, runtime, journal }: Ctx) {
      if (runtime === "deno") return keptHeld(cell, start);
      const locks: Lock[] = [];
      for (let k = 0; k < STALE_LOCKS[runtime]; k++) locks.push(await makeLock(cell));
      // Where the lock keeps a line (Bun's server), a process that dies while waiting must leave it.
      const lined = runtime === "bun";
      const [doomed, s1, s2, waiter] = (await Promise.all([
        start("holdForever", locks, "doomed-holder"),
        start("survivor", locks, "survivor-1"),
        start("survivor", locks, "survivor-2"),
        ...(lined ? [start("latecomer", [locks[0], 30_000], "doomed-waiter")] : []),
      ])) as [Proc, Proc, Proc, Proc | undefined];
      const survivors = [s1, s2];
      await expectSignal(doomed, "holding", slack(30_000), msg("lock:holderDies.acquireLocks", { count: locks.length }));
      if (waiter) {
        await together([waiter]);
        await expectSignal(waiter, "waiting", 5_000, msg("lock:steps.startWaiting"));
        await sleep(20);
      }
      // A server hands a dead holder's lock to whoever waits in line: there, both survivors already
      // wait when the waiter and the holder die. A lock file is found stale by whoever looks next:
      // there, both go for all the dead holder's locks at once, right after it died.
      if (lined) {
        await together(survivors);
        await sleep(20);
      }
      for (const p of waiter ? [waiter, doomed] : [doomed]) {
        p.kill();
        await p.join({ timeoutMs: 5_000 });
      }
      if (!lined) await together(survivors);
      const ended = await watch(survivors, slack(5_000), journal);
      const monitor = watchLocks(journal(), survivors);
      const tries = survivors.flatMap((s) => ((s.result as Attempt[] | undefined) ?? []).map((a) => ({ who: s.name, ...a })));
      if (monitor.overlaps) fail(twoSurvivors(monitor, runtime));
      const threw = tries.find((a) => a.threw);
      if (threw?.threw) fail(survivorThrew(threw.who, threw.threw, runtime));
      const refused = tries.find((a) => a.releaseError);
      if (refused?.releaseError) fail(survivorReleaseFailed(refused.who, refused.releaseError, runtime));
      if (!ended) {
        const late = survivors.filter((s) => s.exitCode === null);
        fail("lock:holderDies.notReturned", { waits: whoWaitsWhere(late), timeoutMs: RECOVER_MS });
      }
      expectFinished(survivors);
      const missed = tries.find((a) => !a.got);
      if (missed) fail(notRecovered(missed.who, runtime));
    },
  },
  {
    // Python's Lock promises no order; a lock server decides alone and can: the Bun lesson promises
    // first come, first served — a line kept in arrival order, not a stack.
    name: "fair-line",
    title: msg("lock:fairLine.title", { count: LINE }),
    runtimes: ["bun"],
    async run({ cell, start, journal }: Ctx) {
      const lock = await makeLock(cell);
      await takeInMain(lock);
      const line = await startAll(start, LINE, "latecomer", [lock, 30_000]);
      await together(line, false);
      for (const p of line) {
        await p.notify("go");
        await expectSignal(p, "waiting", 5_000, msg("lock:steps.startWaiting"));
        await sleep(30); // inside acquire() now, in line behind the one before
      }
      const names = new Map(line.map((p) => [p.id, p.name]));
      const entered = () =>
        journal()
          .map((l) => l as { k?: string; ph?: string; op?: string; w: string })
          .filter((l) => l.k === "ev" && l.ph === "mark" && l.op === "enter" && names.has(l.w))
          .map((l) => names.get(l.w) as string);
      const early = entered()[0];
      if (early) fail("lock:fairLine.didNotWait", { who: early });
      const mine = await letGo(lock);
      if (mine) fail("lock:acquireTimeout.mainReleaseHeld", { error: mine });
      await watch(line, slack(5_000), journal);
      expectFinished(line);
      for (const p of line) {
        const r = p.result as Awaited<ReturnType<typeof latecomer>>;
        if (!r.got) fail("lock:fairLine.notGot", { who: p.name });
        if (r.releaseError) fail("lock:acquireTimeout.latecomerRelease", { error: r.releaseError });
      }
      const order = entered();
      const arrived = line.map((p) => p.name);
      if (order.join() !== arrived.join()) fail("lock:fairLine.outOfOrder", { arrived: arrived.join(", "), order: order.join(", ") });
    },
  },
];

// ---- the scenarios' steps --------------------------------------------------------------------

/** The learner's createLock(), checked before the grader relies on it. */
async function makeLock(cell: LockCell): Promise<Lock> {
  return expectShape(await cell.createLock(), "createLock()", ["acquire", "release"]);
}

/** Start n processes running `target`, all at once (each start is a process launch). */
function startAll(start: Ctx["start"], n: number, target: string, args: unknown[]): Promise<Proc[]> {
  return Promise.all(range(0, n).map((i) => start(target, args, `${target}-${i + 1}`)));
}

/** A start barrier: every process is up (signalled "ready") before any is told "go". */
async function together(procs: Proc[], go = true): Promise<void> {
  for (const p of procs) await expectSignal(p, "ready", slack(30_000), msg("lock:steps.start"));
  if (go) for (const p of procs) await p.notify("go");
}

/** Main takes a fresh, free lock. */
async function takeInMain(lock: Lock): Promise<void> {
  const { got } = await tryTake(lock, 2_000);
  if (!got) fail("lock:steps.mainCouldNotTake", { seconds: 2 });
}

/** Wait for a worker's signal; if it ended instead, say how (its fail, crash or early exit). */
async function expectSignal(p: Proc, what: string, timeoutMs: number, doing: Message, late?: Message): Promise<void> {
  try {
    await p.waitFor(what, { timeoutMs });
  } catch {
    if (p.exitCode !== null) {
      expectFinished([p]);
      fail("lock:steps.returnedBefore", { who: p.name, doing });
    }
    fail(late ?? msg("lock:steps.signalLate", { who: p.name, doing, ms: timeoutMs }));
  }
}

/** True if `p` signals `what` within `ms`. */
async function signalled(p: Proc, what: string, ms: number): Promise<boolean> {
  try {
    await p.waitFor(what, { timeoutMs: ms });
    return true;
  } catch {
    return false;
  }
}

/**
 * Wait for every process to end, up to `ms`: true if they all did. With `journal`, give up early
 * when nothing has been journaled for STUCK_MS (everyone is waiting), and leave the judging to the
 * caller (stuck() says who waits where). Without it, a process still running after `ms` fails here.
 */
async function watch(procs: Proc[], ms: number, journal?: () => unknown[]): Promise<boolean> {
  const deadline = performance.now() + ms;
  const file = journalPath();
  let size = -1;
  let quietSince = performance.now();
  for (;;) {
    const running = procs.filter((p) => p.exitCode === null);
    if (!running.length) return true;
    if (performance.now() > deadline) break;
    const grown = file ? sizeOf(file) : 0;
    if (grown !== size) {
      size = grown;
      quietSince = performance.now();
    } else if (journal && performance.now() - quietSince > slack(STUCK_MS)) break;
    await settle(running, 50);
  }
  if (journal) return false;
  const running = procs.filter((p) => p.exitCode === null);
  const ended = procs.filter((p) => p.exitCode !== null && !p.finished);
  if (ended.length) expectFinished(ended); // a crash or an early exit explains the rest
  fail("lock:steps.notFinished", { who: running.map((p) => p.name), ms: Math.round(ms) });
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * The workers stopped making progress. Say why, in this order: two holders at once, a refused
 * release, a crash or an early exit — else who waits where, and whether the lock is free (nobody
 * woke the waiters) or held (a release did not free it).
 */
async function stuck(procs: Proc[], lock: Lock, m: Monitor, refused: Refusal[], rt: Runtime, rounds: "increments" | "rounds"): Promise<never> {
  if (m.overlaps) fail(twoHolders(m, rt, rounds));
  if (refused.length) fail(releaseFailed(refused, rt));
  const ended = procs.filter((p) => p.exitCode !== null && !p.finished);
  if (ended.length) expectFinished(ended);
  const running = procs.filter((p) => p.exitCode === null);
  const waiting = running.filter((p) => openCalls(p.id).some((c) => c.startsWith("acquire")));
  const quiet = msg("lock:stuck.quiet", { seconds: slack(STUCK_MS) / 1000, where: whoWaitsWhere(running) });
  if (waiting.length === 0 || waiting.length < running.length) fail("lock:stuck.notInLockCall", { quiet });
  const free = await probeFree(lock);
  if (free === true) fail("lock:stuck.free", { quiet, why: notWoken(rt) });
  if (free === false) fail("lock:stuck.held", { quiet });
  fail("lock:stuck.unknown", { quiet });
}

/** "w1 waiting in acquire(); w2 running, in no lock call": where each process is, as the journal says. */
function whoWaitsWhere(procs: Proc[]): Message | "" {
  const each = procs.map((p) => {
    const call = openCalls(p.id).at(-1);
    return msg("lock:stuck.who", { who: p.name, wait: call ? msg("lock:stuck.waitingIn", { call }) : msg("lock:stuck.noCall") });
  });
  // One message: "first; rest", folded from the right (each language joins with its own punctuation).
  return each.reduceRight<Message | "">((rest, first) => (rest === "" ? first : msg("lock:stuck.and", { first, rest })), "");
}

/** Is the lock free? main tries once (timeoutMs 0), giving up on an answer after 1 s: undefined. */
async function probeFree(lock: Lock): Promise<boolean | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 1_000)));
  try {
    const got = await Promise.race([traced("acquire(timeoutMs 0: is the lock free?)", () => lock.acquire({ timeoutMs: 0 }), said), late]);
    if (got === true) await letGo(lock);
    return typeof got === "boolean" ? got : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** A release() that threw, as the journal recorded it: who, what it threw. */
interface Refusal {
  who: string;
  error: string;
  /** How many releases there were in all. */
  of: number;
}

/** The monitor's findings and the refused releases, from the journal. */
function judgeHolders(lines: unknown[], procs: Proc[]): { monitor: Monitor; refused: Refusal[] } {
  const names = new Map(procs.map((p) => [p.id, p.name]));
  const refused: Refusal[] = [];
  let releases = 0;
  for (const raw of lines) {
    const l = raw as { k?: string; ph?: string; op?: string; w: string; out?: string };
    if (l.k !== "ev" || l.ph !== "end" || !l.op?.startsWith("release") || !names.has(l.w)) continue;
    releases++;
    if (l.out?.startsWith("threw ")) refused.push({ who: names.get(l.w) ?? l.w, error: l.out.slice("threw ".length), of: 0 });
  }
  for (const r of refused) r.of = releases;
  return { monitor: watchHolders(lines, procs), refused };
}

/**
 * The mutual-exclusion monitor. The journal's order is the order things happened: a worker
 * journals "enter" after acquire() returned and "leave" before it calls release(). An "enter"
 * while another worker is inside means two holders at once.
 */
interface Monitor {
  enters: number;
  overlaps: number;
  /** acquire() calls that began while one other process was inside, and how many of them returned before it left. */
  contended: number;
  barged: number;
  first?: { who: string; other: string; forMs: number; tight: boolean; what?: string };
}

function watchHolders(lines: unknown[], procs: Proc[]): Monitor {
  const names = new Map(procs.map((p) => [p.id, p.name]));
  const inside = new Map<string, number>();
  const heldWhenAsked = new Map<string, Map<string, number>>(); // who was inside (since when) as each worker's acquire() began
  const m: Monitor = { enters: 0, overlaps: 0, contended: 0, barged: 0 };
  for (const raw of lines) {
    const line = raw as { k?: string; ph?: string; op?: string; w: string; t: number; out?: string };
    if (line.k !== "ev" || !names.has(line.w)) continue;
    if (line.ph === "begin" && line.op?.startsWith("acquire")) {
      heldWhenAsked.set(line.w, new Map([...inside.entries()].filter(([w]) => w !== line.w)));
    } else if (line.ph === "mark" && line.op === "enter") {
      m.enters++;
      const others = [...inside.entries()].filter(([w]) => w !== line.w);
      const asked = heldWhenAsked.get(line.w);
      if (asked?.size === 1) {
        // Asked while exactly one other held the lock (the lock was sane then): did it wait for that one?
        m.contended++;
        if (others.some(([w, since]) => asked.get(w) === since)) m.barged++; // it asked while X was inside, and got in before X left
      }
      const other = others[0];
      if (other) {
        m.overlaps++;
        const tight = line.out === "tight";
        m.first ??= { who: names.get(line.w) ?? line.w, other: names.get(other[0]) ?? other[0], forMs: line.t - other[1], tight, what: line.out };
      }
      inside.set(line.w, line.t);
    } else if (line.ph === "mark" && line.op === "leave") inside.delete(line.w);
  }
  return m;
}

/** The monitor for many locks at once (holder-dies): two survivors inside the same lock. */
function watchLocks(lines: unknown[], procs: Proc[]): Monitor {
  const names = new Map(procs.map((p) => [p.id, p.name]));
  const inside = new Map<string, Map<string, number>>(); // lock → who is inside since when
  const m: Monitor = { enters: 0, overlaps: 0, contended: 0, barged: 0 };
  for (const raw of lines) {
    const line = raw as { k?: string; ph?: string; op?: string; w: string; t: number; out?: string };
    if (line.k !== "ev" || line.ph !== "mark" || !names.has(line.w) || !line.out) continue;
    const here = inside.get(line.out) ?? new Map<string, number>();
    inside.set(line.out, here);
    if (line.op === "enter") {
      m.enters++;
      const other = [...here.entries()].find(([w]) => w !== line.w);
      if (other) {
        m.overlaps++;
        m.first ??= { who: names.get(line.w) ?? line.w, other: names.get(other[0]) ?? other[0], forMs: line.t - other[1], tight: false, what: line.out };
      }
      here.set(line.w, line.t);
    } else if (line.op === "leave") here.delete(line.w);
  }
  return m;
}

/**
 * acquire() does not wait at all when most calls made while another process was inside returned
 * before it left; a rare second holder, among calls that did wait, is a race: not atomic.
 */
function neverWaits(m: Monitor): boolean {
  return m.contended > 0 ? m.barged / m.contended >= 0.5 : m.overlaps / Math.max(1, m.enters) >= 0.25;
}

/** Two holders at once: "does not wait" when it happens all the time, "not atomic" when it is rare. */
function twoHolders(m: Monitor, rt: Runtime, rounds: "increments" | "rounds"): Message {
  const f = m.first;
  // Journal times come from different processes' clocks: a hair below zero is "just now".
  const seen = f ? msg("lock:twoHolders.seen", { who: f.who, other: f.other, ms: Math.max(0, f.forMs) }) : "";
  const counted = { times: times(m.overlaps), enters: m.enters, rounds: msg(`lock:twoHolders.${rounds}`) };
  // Where a second holder comes from, per mechanism: lock:twoHolders.noWait.<runtime> when it
  // happens all the time, lock:twoHolders.notAtomicWhy.<runtime> when it is rare.
  if (neverWaits(m)) return msg("lock:twoHolders.neverWaits", { seen, ...counted, why: msg(`lock:twoHolders.noWait.${rt}`) });
  return msg("lock:twoHolders.notAtomic", { seen, tight: f?.tight ? msg("lock:twoHolders.tight") : "", ...counted, why: notAtomic(rt) });
}

function notAtomic(rt: Runtime): Message {
  return msg(`lock:twoHolders.notAtomicWhy.${rt}`);
}

/** Refused releases, when nobody was seen inside with the holder: the holder itself was refused. */
function releaseFailed(refused: Refusal[], rt: Runtime): Message {
  const r = refused[0] as Refusal;
  const said = msg("lock:refused.said", { who: r.who, error: r.error, refused: refused.length, releases: r.of });
  // Every release refused: the check itself is wrong (lock:refused.owner.<runtime>). A few: the lock changed hands while it was held.
  if (refused.length * 2 >= r.of) return msg("lock:refused.itself", { said, why: msg(`lock:refused.owner.${rt}`) });
  return msg("lock:refused.takeover", { said, why: notAtomic(rt) });
}

/** A waiter slept through a release: what wakes it, per mechanism (lock:notWoken.<runtime>). */
function notWoken(rt: Runtime): Message {
  return msg(`lock:notWoken.${rt}`);
}

/** The lock went to a waiter that had given up: `what` happened after main released it. */
function forgotten(rt: Runtime, what: Message): Message {
  const how = rt === "bun" ? msg("lock:acquireTimeout.leave.serverLine") : msg("lock:acquireTimeout.leave.retryLoop");
  return msg("lock:acquireTimeout.forgotten", { timeoutMs: BLOCK_MS, what, how });
}

/** A timer in this process from now on; the function stops it and says how often it fired. */
function ticking(everyMs: number): () => number {
  let ticks = 0;
  const timer = setInterval(() => ticks++, everyMs);
  return () => {
    clearInterval(timer);
    return ticks;
  };
}

/** What a process used over a stretch of time: CPU, and (where the kernel says) how long it wanted a core. */
interface Usage {
  ms: number;
  cpu: number;
  demand?: number;
}

function usage(): Usage {
  return { ms: performance.now(), cpu: cpuMs(), demand: demandMs() };
}

function since(u0: Usage): Usage {
  const u1 = usage();
  return { ms: u1.ms - u0.ms, cpu: u1.cpu - u0.cpu, demand: u0.demand === undefined || u1.demand === undefined ? undefined : u1.demand - u0.demand };
}

/**
 * How long this process's JavaScript thread has run or waited in line for a core, in ms (Linux's
 * schedstat). A spinning thread accrues ~1 ms per ms however busy the machine is — its CPU time
 * alone drops when others share the cores. Undefined where it cannot be read (Deno's permissions,
 * macOS): there, CPU time against what a spinning thread gets right now (coreShare) decides.
 */
function demandMs(): number | undefined {
  try {
    const [ran, queued] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ");
    const ms = (Number(ran) + Number(queued)) / 1e6;
    return Number.isFinite(ms) ? ms : undefined;
  } catch {
    return undefined;
  }
}

/** The share of a core a spinning thread gets right now (a 20 ms spin, measured): 1 on an idle machine. */
function coreShare(): number {
  const u0 = usage();
  work(20);
  const u = since(u0);
  return Math.min(1, u.cpu / Math.max(1, u.ms));
}

/**
 * A waiting process must sleep: its CPU time (or the time it wanted a core) over the wall time,
 * against a share of one core. `spin`: the share a spinning thread gets now, where demand is unknown.
 */
function expectIdle(u: Usage, limit: number, spin: number | undefined, who: string | Message, during: Message): void {
  const cpuShare = u.cpu / Math.max(1, u.ms);
  // Wanting a core counts only with some CPU to show for it: a spinner gets its fair share of the
  // cores even when starved (at load 15 on 2 cores, ~13 %), while a thread woken once and left in
  // line on a very busy machine wanted 659 ms of a 0.7 s wait and ran for 1 ms.
  const wanted = u.demand === undefined || u.cpu < Math.max(DEMAND_MIN_CPU_MS, DEMAND_MIN_CPU_SHARE * u.demand) ? undefined : u.demand / Math.max(1, u.ms);
  const busy = cpuShare > limit || (wanted !== undefined && wanted > DEMAND_SHARE) || (spin !== undefined && cpuShare > Math.max(MIN_SPIN_SHARE, spin / 2));
  if (!busy) return;
  const measured =
    wanted !== undefined && wanted > DEMAND_SHARE && cpuShare <= limit
      ? msg("lock:idle.wanted", { who, demand: Math.round(u.demand ?? 0), during, cpu: Math.round(u.cpu) })
      : msg("lock:idle.used", {
          who,
          cpu: Math.round(u.cpu),
          during,
          percent: Math.round(cpuShare * 100),
          spin: spin !== undefined && spin < 0.9 ? msg("lock:idle.spin", { percent: Math.round(spin * 100) }) : "",
        });
  fail("lock:idle.busyLoop", { measured, deno: runtimeIs("deno") ? msg("lock:idle.deno") : "" });
}

function runtimeIs(rt: Runtime): boolean {
  return runtime === rt;
}

/** Node's lock file has its own way to get recovery wrong; a lock server (Bun) has one. */
function mechanism(rt: Runtime): "node" | "server" {
  return rt === "node" ? "node" : "server";
}

function twoSurvivors(m: Monitor, rt: Runtime): Message {
  const f = m.first;
  const k = Number(f?.what?.replace(/\D/g, "")); // the mark says "lock 3"
  return msg("lock:holderDies.twoSurvivors", {
    who: f?.who,
    other: f?.other,
    lock: msg("lock:holderDies.lockNo", { k }),
    times: times(m.overlaps),
    enters: m.enters,
    why: msg(`lock:holderDies.twoSurvivorsWhy.${mechanism(rt)}`),
  });
}

function survivorThrew(who: string, error: Message, rt: Runtime): Message {
  return msg("lock:holderDies.survivorThrew", { who, error, why: msg(`lock:holderDies.survivorThrewWhy.${mechanism(rt)}`) });
}

function survivorReleaseFailed(who: string, error: Message, rt: Runtime): Message {
  return msg("lock:holderDies.survivorReleaseFailed", { who, error, why: msg(`lock:holderDies.survivorReleaseWhy.${mechanism(rt)}`) });
}

function notRecovered(who: string, rt: Runtime): Message {
  return msg("lock:holderDies.notRecovered", { who, seconds: RECOVER_MS / 1000, how: msg(`lock:holderDies.recoverHow.${mechanism(rt)}`) });
}

/** Deno's mechanism cannot know a worker died: the lock stays held, and waiting ends by its timeout. */
async function keptHeld(cell: LockCell, start: Ctx["start"]): Promise<void> {
  const lock = await makeLock(cell);
  const doomed = await start("holdForever", [lock], "doomed-holder");
  await expectSignal(doomed, "holding", slack(30_000), msg("lock:steps.acquireFree"));
  doomed.kill();
  await doomed.join({ timeoutMs: 5_000 });
  const probe = await start("latecomer", [lock, 300], "survivor");
  await together([probe]);
  await watch([probe], slack(3_000));
  expectFinished([probe]);
  const { got, ms } = probe.result as { got: boolean; ms: number };
  if (got) fail("lock:holderDies.keptHeld", { ms });
}

/** "once", "7 times". */
function times(n: number): Message {
  return msg("lock:twoHolders.times", { count: n });
}
