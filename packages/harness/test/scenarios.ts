// Scenarios for the harness's own tests: the cell under test is a fixture (fixtures.ts) exporting
// `work()`, and each scenario calls it in the top process or in a child, journaled like a
// chapter's primitive call. What the harness makes of each fixture is what the tests check.
import { signalParent, traced } from "@workshop/process";
import { expectProgress, fail, joinAll, msg, type Scenario } from "../src/scenario.ts";

interface FixtureCell {
  work(): unknown;
  /** The fixture's own URL (import.meta.url), so a child can import it too. */
  url: string;
}

/** In a child: call the fixture's work() once, journaled. */
export async function worker(url: string): Promise<unknown> {
  const cell = (await import(url)) as FixtureCell;
  signalParent("ready");
  return traced("work", () => cell.work());
}

export async function failingWorker(): Promise<void> {
  await traced("check", () => undefined);
  fail("the worker saw the property break: item 7 delivered twice");
}

const quick = { deadlineMs: 8_000, quietMs: 1_500 };

export const scenarios: Scenario<FixtureCell>[] = [
  { name: "in-main", title: "work() in the top process", ...quick, run: async ({ cell }) => traced("work", () => cell.work()) },
  {
    name: "in-worker",
    title: "work() in a child process",
    ...quick,
    async run({ cell, start }) {
      const w = await start("worker", [cell.url], "worker");
      await joinAll([w], 6_000, "finish its work");
    },
  },
  {
    // A runaway allocation can take seconds to reach the cap on a busy machine: don't call it stuck first.
    name: "in-worker-patiently",
    title: "work() in a child process, with the default quiet time",
    deadlineMs: 20_000,
    async run({ cell, start }) {
      const w = await start("worker", [cell.url], "worker");
      await joinAll([w], 15_000, "finish its work");
    },
  },
  {
    // The top process expects the child to get on with it: idle for 0.4 s is enough to tell.
    name: "expects-progress",
    title: "work() in a child process, which must keep making progress",
    ...quick,
    async run({ cell, start }) {
      const w = await start("worker", [cell.url], "worker");
      expectProgress(400, msg("harness:plain", { text: "the worker went idle where it had to get on with its work" }));
      await joinAll([w], 6_000, "finish its work");
    },
  },
  {
    name: "worker-fails",
    title: "a worker's own check fails",
    ...quick,
    async run({ start }) {
      const w = await start("failingWorker", [], "checker");
      await joinAll([w], 6_000);
    },
  },
];
