// A harness process for the "killed with SIGKILL" test: grades one fixture (which hangs or spins)
// and is killed by the test while the run is going on.
//   node --import tsx grade-in-background.ts <runtime> <fixture>
import { join } from "node:path";
import type { Runtime } from "@workshop/process";
import { cell } from "../../src/cells.ts";
import { runScenario } from "../../src/run-scenario.ts";
import { type Fixture, writeFixture } from "../fixtures.ts";
import { scenarios } from "../scenarios.ts";

const [runtime, fixture] = process.argv.slice(2) as [Runtime, Fixture];
const scenario = scenarios.find((s) => s.name === "in-worker-patiently")!;
await runScenario({
  cell: cell(`01-lock/${runtime}`),
  target: { file: writeFixture(fixture, `${runtime}-killed`) },
  scenario,
  scenarioFile: join(import.meta.dirname, "..", "scenarios.ts"),
});
