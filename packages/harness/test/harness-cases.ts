// The harness's promises, checked on every runtime: a bad cell always gets a verdict that says
// what went wrong and where, in time, and no process outlives its run.
import { execFileSync } from "node:child_process";
import type { Runtime } from "@workshop/process";
import { afterAll, describe, expect, test } from "vitest";
import { cell } from "../src/cells.ts";
import { runScenario } from "../src/run-scenario.ts";
import { type BrokenCell, clearScratch, writeBrokenCell } from "./fixtures.ts";

const counter = { name: "counter", title: "counter", deadlineMs: 2_500 };

function grade(runtime: string, broken: BrokenCell, scenario: { name: string; title: string; deadlineMs: number; quietMs?: number } = counter) {
  return runScenario({ cell: cell(`01-lock/${runtime}`), target: { file: writeBrokenCell(broken, runtime) }, scenario });
}

/** Processes of this runtime's runs still alive (their command lines name its scratch cells or our build). */
function leftovers(runtime: string): string[] {
  const ps = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" });
  const ours = [`.scratch/${runtime}/`, `workshop-build/${process.pid}/`];
  return ps.split("\n").filter((l) => ours.some((o) => l.includes(o)) && !l.includes("ps -eo"));
}

/** One file per runtime calls this, so vitest checks two runtimes at a time. */
export function harnessKeepsItsPromises(runtime: Runtime): void {
  afterAll(() => clearScratch(runtime));
  describe(runtime, () => {
    test("a cell that never returns ends as a deadlock report, in time, with no survivors", async () => {
      const started = Date.now();
      const v = await grade(runtime, "hangs");
      expect(v.status).toBe("deadlock");
      expect(Date.now() - started).toBeLessThan(counter.deadlineMs + 3_000);
      expect(v.message).toMatch(/deadlock suspected/);
      // The journal survived the kill: the report says who was stuck in acquire.
      expect(v.workers.some((w) => w.waiting?.startsWith("acquire"))).toBe(true);
      expect(leftovers(runtime)).toEqual([]);
    });

    test("a run where nothing happens for a while is stopped early as a deadlock", async () => {
      const started = Date.now();
      const v = await grade(runtime, "hangs", { name: "counter", title: "counter", deadlineMs: 30_000, quietMs: 1_500 });
      expect(v.status).toBe("deadlock");
      expect(v.message).toMatch(/nothing happened for 1\.5 s/);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(v.message).toMatch(/waiting in acquire/);
    });

    test("a main process stuck on a promise that can never settle is a deadlock too", async () => {
      const v = await grade(runtime, "hangs", { name: "acquire-timeout", title: "acquire-timeout", deadlineMs: 30_000, quietMs: 1_500 });
      expect(v.status).toBe("deadlock");
      expect(v.message).toMatch(/main — waiting in acquire/);
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

    test("a cell that exits the runtime early gets a verdict, not a hang", async () => {
      const v = await grade(runtime, "exitsEarly");
      expect(v.status).toBe("error");
      expect(v.message).toMatch(/exited before the scenario finished/);
    });

    test("the learner's console output is kept apart from the verdict", async () => {
      const v = await grade(runtime, "chatty");
      expect(v.status).toBe("error");
      expect(v.message).toMatch(/no lock today/);
      expect(v.message).not.toMatch(/hello from the learner/);
      expect(v.output.map((o) => o.text).join("")).toMatch(/hello from the learner/);
    });
  });
}
