// The harness's promises, checked on every runtime: whatever a learner's file does, the verdict
// names what happened — a deadlock, a busy loop, a file that never loads, a crash, an early exit,
// a runaway allocation, a compile error — in time and with where; and no process outlives its run.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Runtime } from "@workshop/process";
import { afterAll, describe, expect, test } from "vitest";
import { cell } from "../src/cells.ts";
import { processesMarked, RUN_MARKER } from "../src/processes.ts";
import { runScenario } from "../src/run-scenario.ts";
import { clearScratch, detachedSleep, type Fixture, writeFixture } from "./fixtures.ts";
import { scenarios } from "./scenarios.ts";

const SCENARIOS = join(import.meta.dirname, "scenarios.ts");

function grade(
  runtime: Runtime,
  fixture: Fixture,
  scenario: "in-main" | "in-worker" | "in-worker-patiently" | "worker-fails" | "expects-progress" = "in-worker",
  memoryCap?: number,
) {
  const s = scenarios.find((x) => x.name === scenario)!;
  return runScenario({ cell: cell(`01-lock/${runtime}`), target: { file: writeFixture(fixture, runtime) }, scenario: s, scenarioFile: SCENARIOS, memoryCap });
}

/** The environment variable that tells one test file's graded processes from another's: the three
 *  runtimes' files run side by side, and a command line does not always name the fixture (Deno's
 *  and Bun's runners name the scenario file, a detached grandchild names only itself). */
const TEST_TAG = "HARNESS_TEST_FILE";
/** The tag's value: the runtime (or "node-killed"), and this test process — a second verify in another clone runs the same files. */
const tagged = (tag: string) => `${tag}@${process.pid}`;

/** Graded processes of the runs tagged `tag` that are still alive (graded ones carry the run
 *  marker, so the runtime's own helpers, such as esbuild's service, are not counted), as "pid args". */
export function leftovers(tag: string): string[] {
  return processesMarked(TEST_TAG, tagged(tag)).flatMap((pid) => {
    try {
      if (!readFileSync(`/proc/${pid}/environ`, "latin1").includes(`${RUN_MARKER}=`)) return [];
      return [`${pid} ${readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0").join(" ").trim()}`];
    } catch {
      return []; // gone meanwhile
    }
  });
}

/** One file per runtime calls this, so vitest checks two runtimes at a time. */
export function harnessKeepsItsPromises(runtime: Runtime): void {
  process.env[TEST_TAG] = tagged(runtime); // inherited by every process this file's runs start
  afterAll(() => clearScratch(runtime));
  describe(runtime, () => {
    test("a cell that works passes", async () => {
      expect((await grade(runtime, "fine")).status).toBe("pass");
      expect((await grade(runtime, "fine", "in-main")).status).toBe("pass");
    });

    test("a call that never returns is a deadlock, reported after the quiet time, with who waited in what", async () => {
      const v = await grade(runtime, "hangs");
      expect(v.status).toBe("deadlock");
      // After 1.5 s of quiet, not at the 8 s deadline (the message says which; a wall-clock bound would fail on a busy machine).
      expect(v.message).toMatch(/deadlock suspected: nothing happened for 1\.5 s/);
      expect(v.message).toMatch(/waiting in work/);
      expect(leftovers(runtime)).toEqual([]);
    });

    test("a run that goes idle where the scenario expects progress is stopped at once, in the scenario's words", async () => {
      const v = await grade(runtime, "hangs", "expects-progress");
      expect(v.status).toBe("fail");
      expect(v.message).toMatch(/^the worker went idle where it had to get on with its work/);
      expect(v.message, v.message).toMatch(/waiting in work/);
      // Work that keeps a core busy is not idle: it is left to the usual busy-loop check.
      const spins = await grade(runtime, "spins", "expects-progress");
      expect(spins.status, spins.message).toBe("busy");
      const fine = await grade(runtime, "fine", "expects-progress");
      expect(fine.status, fine.message).toBe("pass");
    });

    test("a call that spins on a core is busy, not a deadlock", async () => {
      const v = await grade(runtime, "spins");
      expect(v.status).toBe("busy");
      expect(v.message).toMatch(/busy, not waiting/);
      expect(v.message).toMatch(/inside work/);
      const polled = await grade(runtime, "polls", "in-main");
      expect(polled.status).toBe("busy");
    });

    // (How soon it is said — about 2 s on a quiet machine, once 1.5 s of CPU is burnt — is not
    // asserted here: a busy machine slows it, and no test in the gate may fail for that.)
    test("a loop at the top level of the file: never finished loading, with a core busy", async () => {
      const v = await grade(runtime, "loopsOnLoad");
      expect(v.status).toBe("loading");
      expect(v.message).toMatch(/never finished loading.*core busy/);
      const idle = await grade(runtime, "awaitsOnLoad");
      expect(idle.status).toBe("loading");
      expect(idle.message).toMatch(/still waiting/);
    });

    test("an unhandled rejection and an error thrown in a callback are crashes, with the error and where", async () => {
      for (const where of ["in-worker", "in-main"] as const) {
        const v = await grade(runtime, "rejects", where);
        expect(v.status).toBe("crash");
        expect(v.message).toMatch(/unhandled rejection: Error: nobody caught me/);
        expect(`${v.message} ${v.where}`).toMatch(/rejects\.ts:3/);
      }
      const later = await grade(runtime, "throwsLater");
      expect(later.status).toBe("crash");
      expect(later.message).toMatch(/thrown in a timer/);
    });

    test("throwing undefined is described, never an error of the grader's own", async () => {
      for (const where of ["in-worker", "in-main"] as const) {
        const v = await grade(runtime, "throwsUndefined", where);
        expect(v.status).toBe("crash");
        expect(v.message).toMatch(/a thrown undefined/);
      }
    });

    test("process.exit halfway: the worker exited early, not finished; the top process likewise", async () => {
      const v = await grade(runtime, "exits");
      expect(v.status).toBe("exited");
      expect(v.message).toMatch(/before its function returned.*while in work/);
      const top = await grade(runtime, "exits", "in-main");
      expect(top.status).toBe("exited");
      expect(top.message).toMatch(/exit\(0\) called at .*exits\.ts:4/);
    });

    test("a runaway allocation is stopped at the memory cap and said so", async () => {
      // (A lower cap than the real one: on a busy machine, faulting in 768 MiB can take seconds.)
      const v = await grade(runtime, "allocates", "in-worker-patiently", 256 << 20);
      expect(v.status).toBe("oom");
      expect(v.message).toMatch(/out of memory: .*w1 \(worker\).* grew past/);
      expect(leftovers(runtime)).toEqual([]);
    });

    test("a worker's own failed check is a fail with its message", async () => {
      const v = await grade(runtime, "fine", "worker-fails");
      expect(v.status).toBe("fail");
      expect(v.message).toMatch(/^the worker saw the property break: item 7 delivered twice/);
    });

    test("a cell that throws while loading: the error and its line", async () => {
      const v = await grade(runtime, "throwsOnImport");
      expect(v.status).toBe("error");
      expect(v.message).toMatch(/broken on purpose/);
      expect(v.where ?? "").toMatch(/throwsOnImport\.ts:3/);
    });

    test("a cell that imports something missing names it", async () => {
      const v = await grade(runtime, "missingImport");
      expect(v.status).toBe("error");
      expect(v.message).toMatch(/does-not-exist/);
    });

    test("a cell that does not parse names the file and line", async () => {
      const v = await grade(runtime, "syntaxError");
      expect(v.status).toBe("error");
      expect(`${v.message}\n${v.where ?? ""}`).toMatch(/syntaxError\.ts:2/);
    });

    test("the learner's console output is kept apart from the verdict", async () => {
      const v = await grade(runtime, "chatty", "in-main");
      expect(v.status).toBe("crash");
      expect(v.message).toMatch(/no work today/);
      expect(v.message).not.toMatch(/hello from the learner/);
      expect(v.output.map((o) => o.text).join("")).toMatch(/hello from the learner/);
    });

    test("a harness killed with SIGKILL mid-run leaves no graded process behind", async () => {
      // Node and Bun: a worker that started a detached grandchild; Deno: a worker spinning on a core.
      const fixture = runtime === "deno" ? "spins" : "detaches";
      const harness = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "support/grade-in-background.ts"), runtime, fixture], {
        stdio: "ignore",
        env: { ...process.env, [TEST_TAG]: tagged(`${runtime}-killed`) },
      });
      const mine = () => leftovers(`${runtime}-killed`);
      const running = () => mine().some((l) => (fixture === "detaches" ? l.includes(`sleep ${detachedSleep(runtime)}`) : l.includes("runner")));
      // Deadlines, not counts: on a very busy machine starting the run (and ps itself) takes seconds.
      const until = (ms: number) => Date.now() + ms;
      const started = until(60_000);
      let seen = running();
      while (!seen && Date.now() < started) {
        await new Promise((r) => setTimeout(r, 100));
        seen = running();
      }
      expect(seen).toBe(true);
      harness.kill("SIGKILL"); // at once: the run may end by itself (a verdict) soon after it is seen

      let left = mine();
      const reaped = until(30_000);
      while (left.length && Date.now() < reaped) {
        await new Promise((r) => setTimeout(r, 100));
        left = mine();
      }
      expect(left).toEqual([]);
      clearScratch(`${runtime}-killed`);
    }, 120_000);

    if (runtime !== "deno") {
      // (Deno cells have no permission to start processes.)
      test("a grandchild started detached does not outlive the run", async () => {
        const v = await grade(runtime, "detaches");
        expect(v.status).toBe("deadlock");
        expect(leftovers(runtime)).toEqual([]);
      });
    }
  });
}
