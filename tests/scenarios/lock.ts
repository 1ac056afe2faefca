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
  openCalls,
  type Scenario,
  type ScenarioContext,
  slack as scaled,
  settle,
  sleep,
  whereInWorkshop,
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
/** Where only CPU time is known (Deno): a share above half what a spinner gets now, and above this, is a spin. */
const MIN_SPIN_SHARE = 0.08;
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
/** How long a process already waiting in acquire() may take to get the lock once it is released. */
const LATECOMER_MS = 1_000;
/** …and how soon after the release it must have it (the Node solution: a few ms; a poll every 100 ms is fine too). */
const HANDOFF_MS = 300;

/**
 * A "too late" budget scaled for slow machines. (The harness's slack() reads an environment
 * variable, which Deno refuses without --allow-env: there, the budget is unscaled.)
 */
function slack(ms: number): number {
  try {
    return scaled(ms);
  } catch {
    return ms;
  }
}

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
  if (got === false)
    fail(
      "acquire() without a timeout resolved false: with no timeout it must wait as long as it takes and resolve true once it holds the lock " +
        "(Python: lock.acquire() blocks until it has the lock). Only a timeout may make it give up.",
    );
  fail(`acquire() resolved ${brief(got)}: it must resolve true (the lock is yours) or false (the timeout ran out)`);
}

/** acquire({ timeoutMs }): true or false, and how long it took. */
async function tryTake(lock: Lock, timeoutMs: number, op = `acquire(timeout ${timeoutMs} ms)`): Promise<{ got: boolean; ms: number }> {
  const t0 = performance.now();
  const got = await calling(`acquire({ timeoutMs: ${timeoutMs} })`, () => traced(op, () => lock.acquire({ timeoutMs }), said));
  const ms = Math.round(performance.now() - t0);
  if (typeof got !== "boolean")
    fail(`acquire({ timeoutMs: ${timeoutMs} }) resolved ${brief(got)}: it must resolve true (the lock is yours) or false (the timeout ran out)`);
  return { got, ms };
}

/** The learner's acquire() threw: a fail that says where, and what it usually means. */
async function calling(what: string, call: () => Promise<unknown>): Promise<unknown> {
  try {
    return await call();
  } catch (err) {
    if ((err as Error | null)?.name === "Failure") throw err;
    const where = whereInWorkshop(err instanceof Error ? err.stack : undefined);
    fail(`${what} threw ${describeError(err)}${where ? ` (at ${where})` : ""}: it must resolve true or false, never throw. ${ACQUIRE_THREW[runtime]}`);
  }
}

/** Why an acquire() usually throws, per mechanism. */
const ACQUIRE_THREW: Record<Runtime, string> = {
  node:
    "Another process can remove the lock file between two of your calls — it released the lock, or recovered it: an ENOENT there means " +
    "'nobody holds it right now', so try again instead of throwing.",
  deno: "Check the arguments you give Atomics (the Int32Array, the index, the values).",
  bun: "The server's acquire() must answer with a promise of true or false.",
};

/** release(), keeping what it threw: a worker reports it instead of crashing on it. */
async function letGo(lock: Lock, op = "release"): Promise<string | undefined> {
  try {
    await traced(op, () => lock.release());
    return undefined;
  } catch (err) {
    const where = whereInWorkshop(err instanceof Error ? err.stack : undefined);
    return `${describeError(err)}${where ? ` (at ${where})` : ""}`;
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
  const timed = await tryTake(lock, BLOCK_MS);
  const used = since(use0);
  if (timed.got)
    fail(
      `acquire({ timeoutMs: ${BLOCK_MS} }) resolved true after ${timed.ms} ms while main held the lock the whole time: two holders. A timeout that runs out resolves false.`,
    );
  if (timed.ms < BLOCK_MS - 50)
    fail(`acquire({ timeoutMs: ${BLOCK_MS} }) gave up after only ${timed.ms} ms: it must keep waiting for the whole timeout (are the units milliseconds?)`);
  if (timed.ms > BLOCK_MS + slack(700))
    fail(`acquire({ timeoutMs: ${BLOCK_MS} }) took ${timed.ms} ms to give up: check the deadline each time the wait ends, not only at the start`);
  expectIdle(used, WAITER_CPU_SHARE, share, "acquire()", `while waiting ${(timed.ms / 1000).toFixed(1)} s for the lock`);
  signalParent("gave up");
  const once = await tryTake(lock, 0, "acquire(timeoutMs 0, lock held)");
  if (once.got)
    fail(
      "acquire({ timeoutMs: 0 }) resolved true while main held the lock: two holders. timeoutMs 0 means try once — take the lock only if it is free, else resolve false.",
    );
  if (once.ms > slack(AT_ONCE_MS))
    fail(
      `acquire({ timeoutMs: 0 }) on a held lock took ${once.ms} ms to resolve false: timeoutMs 0 means "don't wait" — try once and answer at once (Python: lock.acquire(block=False)).`,
    );
  signalParent("tried once");
  await waitForParent("done", { timeoutMs: 30_000 }); // alive until then: it gave up, it did not go away
  return { cpuMs: used.cpu, ms: timed.ms };
}

/** Waits for "go", then takes the lock with a timeout (saying "waiting" first), holds it a moment, releases it. */
export async function latecomer(lock: Lock, timeoutMs: number): Promise<{ got: boolean; ms: number; releaseError?: string }> {
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
    if (typeof got !== "boolean") fail(`acquire({ timeoutMs: ${RECOVER_MS} }) resolved ${brief(got)}: it must resolve true or false`);
    if (!got) return { k, got };
    mark("enter", `lock ${k}`);
    await sleep(SURVIVOR_HOLD_MS);
    mark("leave", `lock ${k}`);
    return { k, got, releaseError: await letGo(lock, `release lock ${k}`) };
  } catch (err) {
    if ((err as Error | null)?.name === "Failure") throw err;
    const where = whereInWorkshop(err instanceof Error ? err.stack : undefined);
    return { k, got: false, threw: `${describeError(err)}${where ? ` (at ${where})` : ""}` };
  }
}

interface Attempt {
  k: number;
  got: boolean;
  threw?: string;
  releaseError?: string;
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
    title: `${WORKERS} processes × ${INCREMENTS} increments under the lock ⇒ exactly ${WORKERS * INCREMENTS}`,
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
      if (typeof got !== "number") fail(`counter.get() resolved ${brief(got)}: the Value must hold a number`);
      if (got < expected) {
        const why = monitor.overlaps
          ? twoHolders(monitor, runtime, "increments")
          : "two processes read the same value and both wrote value + 1: the read and the write are not inside the same critical section. Does acquire() really wait while another process holds the lock?";
        fail(`expected counter ${expected}, got ${got} — ${expected - got} lost updates: ${why}`);
      }
      if (monitor.overlaps) fail(twoHolders(monitor, runtime, "increments"));
      if (refused.length) fail(releaseFailed(refused, runtime));
      if (got !== expected)
        fail(`expected counter ${expected}, got ${got}: more increments than were made — is the Value shared, or does each process count on its own?`);
    },
  },
  {
    name: "acquire-timeout",
    title: `acquire({ timeoutMs }): 0 tries once; ${BLOCK_MS} ms gives up in time without spinning; who gave up is forgotten`,
    deadlineMs: 15_000,
    async run({ cell, start, runtime }: Ctx) {
      const lock = await makeLock(cell);
      const free = await tryTake(lock, 0, "acquire(timeoutMs 0, lock free)");
      if (!free.got)
        fail(
          "acquire({ timeoutMs: 0 }) on a free lock resolved false: 0 means try once — take the lock if it is free, and answer false only if it is not " +
            "(Python: lock.acquire(block=False) returns True on a free lock). Try first, then look at the clock.",
        );
      if (free.ms > slack(AT_ONCE_MS)) fail(`acquire({ timeoutMs: 0 }) on a free lock took ${free.ms} ms: a free lock is taken at once`);
      const [quit, late] = await Promise.all([start("quitter", [lock, runtime === "deno"], "quitter"), start("latecomer", [lock, LATECOMER_MS], "latecomer")]);
      await together([quit, late], false);
      await quit.notify("go");
      const use0 = usage();
      await expectSignal(
        quit,
        "gave up",
        BLOCK_MS + slack(2_000),
        `give up on acquire({ timeoutMs: ${BLOCK_MS} })`,
        `acquire({ timeoutMs: ${BLOCK_MS} }) on a held lock had not returned after ${((BLOCK_MS + slack(2_000)) / 1000).toFixed(1)} s: ` +
          `it must resolve false once the timeout has passed — keep a deadline in milliseconds (timeoutMs: ${BLOCK_MS} is ${BLOCK_MS / 1000} s), and check it each time the wait ends`,
      );
      const mainUse = since(use0);
      if (runtime !== "deno")
        expectIdle(
          mainUse,
          SERVER_CPU_SHARE,
          undefined,
          `main — the process that created the lock${runtime === "bun" ? ", where its server runs" : ""} —`,
          `while quitter waited ${(BLOCK_MS / 1000).toFixed(1)} s in acquire()`,
        );
      await expectSignal(
        quit,
        "tried once",
        slack(1_500),
        "answer acquire({ timeoutMs: 0 }) on a held lock",
        `acquire({ timeoutMs: 0 }) on a held lock had not answered after ${slack(1_500)} ms — while acquire({ timeoutMs: ${BLOCK_MS} }) had given up in time: ` +
          "0 means try once and don't wait (Python: block=False). Is 0 taken for 'no timeout'? (`if (opts.timeoutMs)` and `opts.timeoutMs || Infinity` both read 0 as false)",
      );
      // quitter gave up and lives on. latecomer starts waiting; main releases: latecomer must get it.
      await late.notify("go");
      await expectSignal(late, "waiting", 5_000, "start waiting");
      const lateSince = performance.now();
      await sleep(50); // latecomer is inside acquire() now, waiting
      const releasedAt = performance.now();
      const mine = await letGo(lock);
      if (mine) fail(`main acquired the lock with timeoutMs 0 and then could not release it: release() threw ${mine}`);
      await watch([late], LATECOMER_MS + slack(3_000));
      expectFinished([late]);
      const after = late.result as Awaited<ReturnType<typeof latecomer>>;
      if (!after.got) {
        const free = await tryTake(lock, 0, "acquire(timeoutMs 0: is the lock free?)");
        if (free.got)
          fail(
            `latecomer was waiting in acquire() when main released the lock, and did not get it within ${LATECOMER_MS} ms — yet the lock was free all along: ` +
              `nothing woke the waiter. ${NOT_WOKEN[runtime]}`,
          );
        fail(forgotten(runtime, `latecomer, waiting in acquire() at that moment, did not get it within ${LATECOMER_MS} ms`));
      }
      if (after.releaseError) fail(`latecomer acquired the lock and then could not release it: release() threw ${after.releaseError}`);
      const handoff = after.ms - (releasedAt - lateSince);
      if (handoff > slack(HANDOFF_MS))
        fail(
          `latecomer was waiting in acquire() when main released the lock, and got it only ${Math.round(handoff)} ms later: a waiter must notice a release promptly. ` +
            `${NOT_WOKEN[runtime]}`,
        );
      await sleep(50); // time for a leftover retry loop of quitter's to take the free lock
      const again = await tryTake(lock, 0, "acquire(timeoutMs 0, lock free again)");
      if (!again.got) fail(forgotten(runtime, "latecomer got it and released it — and then main could not take it: somebody took it again"));
      const last = await letGo(lock);
      if (last) fail(`main acquired the free lock and then could not release it: release() threw ${last}`);
      await quit.notify("done");
      await watch([quit], slack(3_000));
      expectFinished([quit]);
      const q = quit.result as Awaited<ReturnType<typeof quitter>>;
      return { quitterCpuMs: Math.round(q.cpuMs), mainCpuMs: Math.round(mainUse.cpu) };
    },
  },
  {
    name: "mutual-exclusion",
    title: `a monitor sees at most one holder at any time — ${SLOW_ROUNDS} rounds holding across an await, then ${TIGHT_ROUNDS} tight rounds each`,
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
    title: "release() by a process that does not hold the lock throws LockError, and leaves the lock held",
    async run({ cell, start }: Ctx) {
      const lock = await makeLock(cell);
      await takeInMain(lock);
      const [intruder, probe] = await Promise.all([start("wrongfulRelease", [lock], "intruder"), start("prober", [lock], "probe")]);
      await watch([intruder], 5_000);
      expectFinished([intruder]);
      const { threw, code } = intruder.result as Awaited<ReturnType<typeof wrongfulRelease>>;
      if (threw === null)
        fail(
          "release() by a process that does not hold the lock returned normally: it must throw LockError. " +
            "Unlike Python's multiprocessing.Lock, our Lock checks its owner — compare the holder with the caller before freeing anything.",
        );
      if (!code) fail(`release() by a non-owner threw ${threw}, not a LockError: throw the contract's LockError (import it from @workshop/contracts)`);
      // The refused release must not have freed it: a process waiting in acquire() must not get in.
      await expectSignal(probe, "ready", 10_000, "start");
      await probe.notify("go");
      const freed = await signalled(probe, "got it", slack(150));
      if (freed) fail("after a non-owner's release() was refused, another process could acquire the lock: a refused release must not free it");
      if (probe.exitCode !== null) expectFinished([probe]);
      probe.kill();
      await probe.join({ timeoutMs: 5_000 });
      const mine = await letGo(lock);
      if (mine) fail(`main acquired the lock and then could not release it: release() threw ${mine}`);
      const again = await letGo(lock, "release (not held by anyone)");
      if (again === undefined) fail("releasing a lock that nobody holds returned normally: it must throw LockError too (Python raises here as well)");
      if (!again.startsWith("LockError")) fail(`releasing a lock that nobody holds threw ${again}, not a LockError`);
    },
  },
  {
    name: "holder-dies",
    title: "a holder that dies does not wedge the others — even when two survivors find its lock at the same moment",
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
      await expectSignal(doomed, "holding", 10_000, `acquire ${locks.length} free locks`);
      if (waiter) {
        await together([waiter]);
        await expectSignal(waiter, "waiting", 5_000, "start waiting");
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
      if (threw) fail(survivorThrew(threw.who, threw.threw ?? "", runtime));
      const refused = tries.find((a) => a.releaseError);
      if (refused) fail(survivorReleaseFailed(refused.who, refused.releaseError ?? "", runtime));
      if (!ended) {
        const late = survivors.filter((s) => s.exitCode === null);
        fail(
          `${late.map((s) => `${s.name} ${describeWait(openCalls(s.id).at(-1))}`).join("; ")}: an acquire({ timeoutMs: ${RECOVER_MS} }) did not return in time`,
        );
      }
      expectFinished(survivors);
      const missed = tries.find((a) => !a.got);
      if (missed) fail(notRecovered(missed.who, runtime));
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
  for (const p of procs) await expectSignal(p, "ready", 10_000, "start");
  if (go) for (const p of procs) await p.notify("go");
}

/** Main takes a fresh, free lock. */
async function takeInMain(lock: Lock): Promise<void> {
  const { got } = await tryTake(lock, 2_000);
  if (!got) fail("the main process could not acquire a fresh, free lock within 2 s");
}

/** Wait for a worker's signal; if it ended instead, say how (its fail, crash or early exit). */
async function expectSignal(p: Proc, what: string, timeoutMs: number, doing: string, late?: string): Promise<void> {
  try {
    await p.waitFor(what, { timeoutMs });
  } catch {
    if (p.exitCode !== null) {
      expectFinished([p]);
      fail(`${p.name} returned before it could ${doing}`);
    }
    fail(late ?? `${p.name} did not ${doing} within ${timeoutMs} ms — is it waiting for something that never comes?`);
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
  fail(`${running.map((p) => p.name).join(", ")} did not finish within ${Math.round(ms)} ms — is it waiting for something that never comes?`);
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
async function stuck(procs: Proc[], lock: Lock, m: Monitor, refused: Refusal[], rt: Runtime, rounds: string): Promise<never> {
  if (m.overlaps) fail(twoHolders(m, rt, rounds));
  if (refused.length) fail(releaseFailed(refused, rt));
  const ended = procs.filter((p) => p.exitCode !== null && !p.finished);
  if (ended.length) expectFinished(ended);
  const running = procs.filter((p) => p.exitCode === null);
  const where = running.map((p) => `${p.name} ${describeWait(openCalls(p.id).at(-1))}`).join("; ");
  const waiting = running.filter((p) => openCalls(p.id).some((c) => c.startsWith("acquire")));
  const quiet = `for ${(slack(STUCK_MS) / 1000).toFixed(1)} s nothing happened (${where})`;
  if (waiting.length === 0 || waiting.length < running.length) fail(`${quiet}. Is a lock call waiting for something that never comes?`);
  const free = await probeFree(lock);
  if (free === true)
    fail(
      `${quiet} — yet the lock was free: main took it at once with acquire({ timeoutMs: 0 }). The waiters slept through the release: nothing woke them. ${NOT_WOKEN[rt]}`,
    );
  if (free === false)
    fail(
      `${quiet}, and the lock stays held although every process that took it has released it (each release() returned): does release() really free the lock, and hand it to a waiter?`,
    );
  fail(`${quiet}. Does release() really free the lock (and wake a waiter)?`);
}

function describeWait(call: string | undefined): string {
  return call ? `waiting in ${call}` : "running, in no lock call";
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
function twoHolders(m: Monitor, rt: Runtime, rounds: string): string {
  const f = m.first;
  const seen = f ? `${f.who} entered the critical section while ${f.other} was still inside (for ${f.forMs.toFixed(1)} ms already)` : "";
  if (neverWaits(m))
    return (
      `two processes held the lock at once: ${seen} — ${times(m.overlaps)} in ${m.enters} ${rounds}. ` +
      `acquire() returned while another process held the lock: it must wait until the holder releases it. ${NO_WAIT[rt]}`
    );
  return (
    `two processes held the lock at once: ${seen}${f?.tight ? ", in a tight round (nothing awaited inside)" : ""} — ${times(m.overlaps)} in ${m.enters} ${rounds}. ` +
    NOT_ATOMIC[rt]
  );
}

/** Where a second holder comes from when it happens all the time, per mechanism. */
const NO_WAIT: Record<Runtime, string> = {
  node: 'Does acquire() return true only after its own open(…, "wx") succeeded — and otherwise sleep and try again?',
  deno:
    "Does it return true only when its own compareExchange found the word free? Being woken from a wait does not make the lock yours: " +
    "after every wake-up, claim it again — another worker may have claimed it first.",
  bun: "The server granted the lock while someone held it: a second acquire() must wait in line (an unresolved promise) until release() hands the lock over.",
};

/** Where a rare second holder usually comes from, per mechanism. */
const NOT_ATOMIC: Record<Runtime, string> = {
  node:
    "acquire is not atomic: between seeing that there is no lock file and creating one, another process created it too. Checking and creating must be one step — " +
    "the kernel does both in one call when you open the file with the flag that fails if it exists. " +
    "(Or a stale-lock check removed a fresh lock: a lock file exists, still empty, for a moment between its creation and the write of the pid — an empty owner is not a dead one.)",
  deno:
    "acquire is not atomic: between reading the word as free and writing your number, another worker wrote its own. Reading and claiming must be one atomic step " +
    "(compare-and-swap, and check what it returned); and being woken from a wait does not make the lock yours — claim it again.",
  bun:
    "the server granted the lock while someone held it. It decides alone, one message at a time: grant only while nobody holds the lock " +
    "(holder is null), and on release hand it to exactly one waiter.",
};

/** Refused releases, when nobody was seen inside with the holder: the holder itself was refused. */
function releaseFailed(refused: Refusal[], rt: Runtime): string {
  const r = refused[0] as Refusal;
  const said = `${r.who}'s release() threw ${r.error}, right after its own acquire() had returned true — ${refused.length} of ${r.of} releases were refused`;
  // Every release refused: the check itself is wrong. A few: the lock changed hands while it was held.
  if (refused.length * 2 >= r.of) return `${said}, and the monitor saw nobody else inside: the holder itself was refused. ${RELEASE_OWNER[rt]}`;
  return (
    `${said}: while it held the lock, the lock came to name another process — two holders, one after the other's takeover ` +
    `(the monitor did not catch them inside at the same moment). ${NOT_ATOMIC[rt]}`
  );
}

const RELEASE_OWNER: Record<Runtime, string> = {
  node: "Does release() compare the pid read back from the lock file with process.pid as numbers? (readFileSync returns a string.)",
  deno: "Does release() compare the word with this worker's own number (currentProcess().num, taken inside the worker)?",
  bun: "Does the server compare the holder with the process asking (its id), the same way acquire() recorded it?",
};

/** A waiter slept through a release: what wakes it, per mechanism. */
const NOT_WOKEN: Record<Runtime, string> = {
  node: "A waiter polls: it must try again after each short sleep (a few ms) until its deadline — not sleep once for the whole timeout.",
  deno: "release() must wake a sleeper (Atomics.notify on the word it waits on), and the waiter must then try to claim the lock again.",
  bun: "release() must hand the lock to the next waiter in line and resolve its promise (grant(true)).",
};

function forgotten(rt: Runtime, what: string): string {
  const how =
    rt === "bun"
      ? "remove it from the server's line (this.waiters) when its timer fires — otherwise release() hands the lock to a waiter nobody is waiting for, and it is never released"
      : "stop trying: a timeout raced against a retry loop that keeps going lets the loop take the lock later, for a caller that has gone";
  return (
    `quitter's acquire({ timeoutMs: ${BLOCK_MS} }) had resolved false, and quitter lived on; then main released the lock, and ${what}. ` +
    `The lock went to the waiter that gave up. A waiter whose time ran out must leave for good: ${how}. (Python: acquire(timeout=…) returns False and is gone.)`
  );
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
function expectIdle(u: Usage, limit: number, spin: number | undefined, who: string, during: string): void {
  const cpuShare = u.cpu / Math.max(1, u.ms);
  const wanted = u.demand === undefined ? undefined : u.demand / Math.max(1, u.ms);
  const busy = cpuShare > limit || (wanted !== undefined && wanted > DEMAND_SHARE) || (spin !== undefined && cpuShare > Math.max(MIN_SPIN_SHARE, spin / 2));
  if (!busy) return;
  const measured =
    wanted !== undefined && wanted > DEMAND_SHARE && cpuShare <= limit
      ? `${who} wanted a core for ${Math.round(u.demand ?? 0)} ms ${during} (running or waiting its turn; it got ${Math.round(u.cpu)} ms of CPU on this busy machine)`
      : `${who} used ${Math.round(u.cpu)} ms of CPU ${during} — ${Math.round(cpuShare * 100)} % of a core${spin !== undefined && spin < 0.9 ? ` (a spinning thread gets ${Math.round(spin * 100)} % here now)` : ""}`;
  const deno = runtimeIs("deno") ? " (Deno measures the whole process: every worker, all idle but this one)" : "";
  fail(
    `${measured}${deno}, where a waiting lock uses a few %: a busy loop. ` +
      "Waiting must sleep until the lock may be free (a timer between tries, or a wait that something wakes), not try again and again without pause.",
  );
}

function runtimeIs(rt: Runtime): boolean {
  return runtime === rt;
}

function twoSurvivors(m: Monitor, rt: Runtime): string {
  const f = m.first;
  const when = `${f?.what}: both were waiting in acquire() when the holder died, and found its lock at about the same moment`;
  const why =
    rt === "node"
      ? "One survivor removed the stale lock file and created its own; the other, which had also read the dead pid a moment before, then removed that fresh lock believing it still stale, and created another. " +
        "Checking 'is the owner dead?' and removing the file must not race with another survivor doing the same: guard the recovery, so one survivor at a time checks and removes (the lesson shows how)."
      : "After a holder dies, the lock goes to exactly one waiter: forget() must hand it over once, like release().";
  return (
    `two survivors held the lock at once after its holder was killed: ${f?.who} entered while ${f?.other} was still inside (${when}; ${times(m.overlaps)} in ${m.enters}). ${why}` +
    " (If acquire() does not wait at all, the mutual-exclusion scenario shows it first.)"
  );
}

function survivorThrew(who: string, threw: string, rt: Runtime): string {
  const when = "while it and another survivor waited for a lock whose holder was killed";
  const why =
    rt === "node"
      ? "Two survivors can find the same stale lock at once: when one has already removed it (or replaced it), the other's read or unlink finds no file. " +
        "Recovering must expect that — and must never remove a lock that is no longer the stale one: guard the recovery (the lesson shows how)."
      : "A survivor's acquire() must wait, and get the lock once the dead holder's is freed — not throw.";
  return `${who}'s acquire() threw ${threw} ${when}. ${why}`;
}

function survivorReleaseFailed(who: string, error: string, rt: Runtime): string {
  const why =
    rt === "node"
      ? "Another survivor replaced its lock file while it held the lock: it recovered a lock that was no longer stale. Guard the recovery, so only one survivor checks and removes a stale lock at a time."
      : "The holder of a lock must be able to release it.";
  return `${who}'s release() threw ${error}, although its acquire() had returned true: two survivors held the lock, one after the other's takeover. ${why}`;
}

function notRecovered(who: string, rt: Runtime): string {
  const how =
    rt === "node"
      ? "The dead holder's lock file is still there (a stale lock): when the pid in it belongs to no living process (process.kill(pid, 0) throws ESRCH), remove the file — guarded, as the lesson shows — and try again."
      : "The server hears of every child's exit (forget()): drop that process's waits — a dead process never takes its turn — and if it held the lock, hand it to the next waiter still in line.";
  return (
    `the holder was killed while holding the lock, and ${who} could not acquire it within ${RECOVER_MS / 1000} s ` +
    "(it was already waiting when the holder died): a dead holder must not wedge the others. " +
    how
  );
}

/** Deno's mechanism cannot know a worker died: the lock stays held, and waiting ends by its timeout. */
async function keptHeld(cell: LockCell, start: Ctx["start"]): Promise<void> {
  const lock = await makeLock(cell);
  const doomed = await start("holdForever", [lock], "doomed-holder");
  await expectSignal(doomed, "holding", 10_000, "acquire a free lock");
  doomed.kill();
  await doomed.join({ timeoutMs: 5_000 });
  const probe = await start("latecomer", [lock, 300], "survivor");
  await together([probe]);
  await watch([probe], slack(3_000));
  expectFinished([probe]);
  const { got, ms } = probe.result as { got: boolean; ms: number };
  if (got)
    fail(
      `survivor acquired a lock whose holder had been terminated (after ${ms} ms). A terminated worker runs no cleanup, and one word of shared memory cannot say who is alive: ` +
        "the lesson says the lock stays held, and acquire({ timeoutMs }) gives up in time. Did something release it on the holder's behalf?",
    );
}

/** "once", "7 times". */
function times(n: number): string {
  return n === 1 ? "once" : `${n} times`;
}
