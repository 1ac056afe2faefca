// 01-lock: the properties every Lock must have, on every runtime. Written once, against the
// contract; each worker below runs in a real child process (Node, Bun) or worker (Deno).
import { hasCode, type Lock, type LockCell, type Value } from "@workshop/contracts";
import { fail, joinAll, type Scenario, type ScenarioContext, sleep } from "@workshop/harness/scenario";
import { mark, signalParent, traced, waitForParent } from "@workshop/process";

const WORKERS = 4;
const INCREMENTS = 250;

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

// ---- workers (each runs in its own process) -------------------------------------------------

/** Python: `with lock: counter.value += 1`, K times — with an await inside the critical section. */
export async function incrementer(lock: Lock, counter: Value, times: number): Promise<void> {
  signalParent("ready");
  await waitForParent("go");
  for (let i = 0; i < times; i++) {
    await traced("acquire", () => lock.acquire(), okOrFalse);
    const seen = await counter.get();
    await yieldTurn();
    await counter.set(seen + 1);
    await traced("release", () => lock.release());
  }
}

/** Holds the lock for a while each time, marking when it is inside, for the monitor. */
export async function holder(lock: Lock, times: number, holdMs: number): Promise<void> {
  signalParent("ready");
  await waitForParent("go");
  for (let i = 0; i < times; i++) {
    await traced("acquire", () => lock.acquire(), okOrFalse);
    mark("enter");
    await sleep(holdMs);
    mark("leave");
    await traced("release", () => lock.release());
  }
}

/** One acquire with a timeout; reports what it got and how long it took. */
export async function tryAcquire(lock: Lock, timeoutMs: number): Promise<{ got: boolean; ms: number }> {
  const t0 = performance.now();
  const got = await traced(`acquire(timeout ${timeoutMs} ms)`, () => lock.acquire({ timeoutMs }), okOrFalse);
  const ms = Math.round(performance.now() - t0);
  if (got) await lock.release();
  return { got, ms };
}

/** Tries to release a lock it never acquired. */
export async function wrongfulRelease(lock: Lock): Promise<{ threw: string | null; code: string | null }> {
  try {
    await traced("release (not the owner)", () => lock.release());
    return { threw: null, code: null };
  } catch (err) {
    return { threw: err instanceof Error ? `${err.name}: ${err.message}` : String(err), code: hasCode(err, "LOCK_ERROR") ? "LOCK_ERROR" : null };
  }
}

/** Acquires, then never releases: the parent kills it while it holds the lock. */
export async function holdForever(lock: Lock): Promise<void> {
  await traced("acquire", () => lock.acquire(), okOrFalse);
  mark("holding");
  signalParent("holding");
  await new Promise(() => setInterval(() => {}, 1_000));
}

// ---- scenarios (each runs in the top process of its own run) --------------------------------

type Ctx = ScenarioContext<LockCell>;

/** What the mechanism does when a holder dies — see each runtime's section of the lesson README. */
const HOLDER_DEATH_RELEASES = { node: true, bun: true, deno: false } as const;

export const scenarios: Scenario<LockCell>[] = [
  {
    name: "counter",
    title: `${WORKERS} processes × ${INCREMENTS} increments under the lock ⇒ exactly ${WORKERS * INCREMENTS}`,
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const lock = await cell.createLock();
      const counter = await cell.createValue(0);
      const workers = [];
      for (let i = 0; i < WORKERS; i++) workers.push(await start("incrementer", [lock, counter, INCREMENTS]));
      await startTogether(workers);
      await joinAll(workers, 15_000, `finish its ${INCREMENTS} increments`);
      const expected = WORKERS * INCREMENTS;
      const got = await counter.get();
      if (got < expected) {
        fail(
          `expected counter ${expected}, got ${got} — ${expected - got} lost updates: two processes read the same value and both wrote value + 1. ` +
            "The read and the write are not inside the same critical section: does acquire() really wait while another process holds the lock?",
        );
      }
      if (got > expected)
        fail(`expected counter ${expected}, got ${got}: more increments than were made — is the Value shared, or does each process count on its own?`);
    },
  },
  {
    name: "mutual-exclusion",
    title: "a monitor sees at most one holder at any time",
    deadlineMs: 15_000,
    async run({ cell, start, journal }: Ctx) {
      const lock = await cell.createLock();
      const workers = [];
      for (let i = 0; i < WORKERS; i++) workers.push(await start("holder", [lock, 25, 2]));
      await startTogether(workers);
      await joinAll(workers, 10_000, "finish");
      const inside = new Map<string, number>();
      for (const line of journal()) {
        if (line.k !== "ev" || line.ph !== "mark") continue;
        if (line.op === "enter") {
          const other = [...inside.entries()][0];
          if (other) {
            const [who, since] = other;
            fail(
              `${line.w} entered the critical section while ${who} was still inside (for ${(line.t - since).toFixed(1)} ms already): two holders at once. acquire() must not return while another process holds the lock.`,
            );
          }
          inside.set(line.w, line.t);
        } else if (line.op === "leave") inside.delete(line.w);
      }
    },
  },
  {
    name: "acquire-timeout",
    title: "acquire({ timeoutMs }) on a held lock resolves false in time",
    async run({ cell, start }: Ctx) {
      const lock = await cell.createLock();
      if (!(await traced("acquire(timeout 2000 ms)", () => lock.acquire({ timeoutMs: 2_000 }), okOrFalse)))
        fail("the main process could not acquire a fresh, free lock within 2 s");
      const waiter = await start("tryAcquire", [lock, 300]);
      await joinAll([waiter], 5_000, "give up after its 300 ms timeout");
      const { got, ms } = waiter.result as { got: boolean; ms: number };
      if (got)
        fail(`acquire({ timeoutMs: 300 }) returned true after ${ms} ms while main held the lock: it must wait, and resolve false when the time runs out`);
      if (ms < 250) fail(`acquire({ timeoutMs: 300 }) gave up after only ${ms} ms: it must keep trying for the whole timeout`);
      if (ms > 1_000) fail(`acquire({ timeoutMs: 300 }) took ${ms} ms to give up: check the deadline on every retry, not only at the start`);
      await traced("release", () => lock.release());
      const later = await start("tryAcquire", [lock, 2_000]);
      await joinAll([later], 5_000, "acquire the lock main had released");
      if (!(later.result as { got: boolean }).got)
        fail("after main released the lock, another process could not acquire it within 2 s: does release() really free it?");
    },
  },
  {
    name: "release-not-owner",
    title: "release() by a process that does not hold the lock throws LockError",
    async run({ cell, start }: Ctx) {
      const lock = await cell.createLock();
      if (!(await traced("acquire(timeout 2000 ms)", () => lock.acquire({ timeoutMs: 2_000 }), okOrFalse)))
        fail("the main process could not acquire a fresh, free lock within 2 s");
      const intruder = await start("wrongfulRelease", [lock]);
      await joinAll([intruder], 5_000);
      const { threw, code } = intruder.result as { threw: string | null; code: string | null };
      if (threw === null) fail("release() by a process that does not hold the lock returned normally: it must throw LockError (our Lock checks its owner)");
      if (code !== "LOCK_ERROR") fail(`release() by a non-owner threw ${threw}, not a LockError: throw the contract's LockError so callers can recognise it`);
      const probe = await start("tryAcquire", [lock, 200]);
      await joinAll([probe], 5_000);
      if ((probe.result as { got: boolean }).got)
        fail("after a non-owner's release() was refused, another process could still acquire the lock: the refused release must not free it");
      await traced("release", () => lock.release());
      let again: unknown = null;
      try {
        await traced("release", () => lock.release());
      } catch (err) {
        again = err;
      }
      if (!hasCode(again, "LOCK_ERROR")) fail("releasing a lock that nobody holds must throw LockError too (Python raises here as well)");
    },
  },
  {
    name: "holder-dies",
    title: "a holder that dies does not wedge the others",
    async run({ cell, start, runtime }: Ctx) {
      const lock = await cell.createLock();
      const doomed = await start("holdForever", [lock], "doomed-holder");
      await doomed.waitFor("holding", { timeoutMs: 5_000 });
      doomed.kill();
      await doomed.join({ timeoutMs: 5_000 });
      // Where the mechanism recovers, give it 3 s; where it cannot, only check the wait ends in time.
      const releases = HOLDER_DEATH_RELEASES[runtime];
      const survivor = await start("tryAcquire", [lock, releases ? 3_000 : 300], "survivor");
      await joinAll([survivor], 8_000, "return from acquire({ timeoutMs }) after the holder died");
      const { got, ms } = survivor.result as { got: boolean; ms: number };
      if (releases && !got) {
        fail(
          `the holder was killed while holding the lock, and no other process could acquire it for 3 s: recover a lock whose holder died (is the owner still alive?)`,
        );
      }
      if (!releases && got) {
        fail(
          `acquired a lock whose holder was killed (after ${ms} ms) — this mechanism cannot know the holder died; the README says the lock stays held. Did release happen elsewhere?`,
        );
      }
    },
  },
];

/** A start barrier: every worker is up before any begins, so they really run at the same time. */
async function startTogether(workers: Awaited<ReturnType<Ctx["start"]>>[]): Promise<void> {
  for (const w of workers) await w.waitFor("ready", { timeoutMs: 10_000 });
  for (const w of workers) await w.notify("go");
}

function okOrFalse(ok: boolean): string {
  return ok ? "ok" : "false";
}
