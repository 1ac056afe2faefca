// Runs inside the target runtime (node / deno / bun): one scenario against one cell, then exits.
// Usage: runner <scenario module URL> <scenario name> <cell module URL> <run dir> <runtime> <seed>
// The result goes to <run dir>/result.json — never stdout, which belongs to the learner's code.
import { writeFileSync } from "node:fs";
import process from "node:process";
import { liveProcesses, type Runtime } from "@workshop/process";
import { describeThrown, realExit, watchCrashes, watchExits } from "@workshop/process/faults";
import { captureConsole, closeJournal, now, openJournal, perturbWith, write } from "@workshop/process/journal";
import { Crashed, Exited, Failure, makeContext, type Scenario } from "./scenario.ts";
import { LOADING_OP, type RunnerResult } from "./verdict.ts";

const [scenarioModule, scenarioName, cellModule, runDir, runtime, seed] = process.argv.slice(-6) as [string, string, string, string, Runtime, string];
const journalFile = `${runDir}/journal.jsonl`;

async function main(): Promise<RunnerResult> {
  let cell: unknown;
  write({ k: "ev", t: now(), w: "main", op: LOADING_OP, ph: "begin" });
  try {
    cell = await import(cellModule);
  } catch (err) {
    return { status: "error", message: `could not load ${shortPath(cellModule)}: ${describe(err)}`, stack: stackOf(err) };
  }
  write({ k: "ev", t: now(), w: "main", op: LOADING_OP, ph: "end", out: "ok" });
  const { scenarios } = (await import(scenarioModule)) as { scenarios: Scenario<unknown>[] };
  const scenario = scenarios.find((s) => s.name === scenarioName);
  if (!scenario) return { status: "error", message: `no scenario named "${scenarioName}" in ${shortPath(scenarioModule)}` };
  try {
    const data = await scenario.run(makeContext(cell, runtime, scenarioModule, journalFile));
    return { status: "pass", data };
  } catch (err) {
    if (err instanceof Failure) return { status: "fail", message: err.message, stack: err.stack };
    if (err instanceof Crashed) return { status: "crash", message: err.message, stack: String(err.cause ?? err.stack) };
    if (err instanceof Exited) return { status: "exited", message: err.message, stack: err.stack };
    // The learner's code threw in the top process (the scenario calls it directly).
    return { status: "crash", message: `main crashed: ${describe(err)}`, stack: stackOf(err) };
  }
}

/** Bun reports parse errors as an AggregateError of messages with a `position`: list them all. */
type Positioned = { message?: string; position?: { file: string; line: number; column: number } | null };

/** Any thrown value in words — undefined, null, a number, an object whose getters throw. */
function describe(err: unknown): string {
  try {
    const parts = (err as { errors?: Positioned[] } | null)?.errors;
    if (Array.isArray(parts) && parts.length) return parts.map(located).join("\n");
    if ((err as Positioned | null)?.position) return located(err as Positioned);
  } catch {
    // fall through to the plain description
  }
  return describeThrown(err).message;
}

function located(e: Positioned): string {
  return e.position ? `${e.position.file}:${e.position.line}:${e.position.column}: ${e.message}` : String(e.message);
}

function stackOf(err: unknown): string | undefined {
  try {
    const parts = (err as { errors?: Positioned[] } | null)?.errors;
    if (Array.isArray(parts) && parts.length) return describe(err);
    return err instanceof Error ? err.stack : undefined;
  } catch {
    return undefined;
  }
}

function shortPath(url: string): string {
  return url.replace(/^.*?\/(workshops|tests)\//, "$1/");
}

/** Write the result and end the run: every worker still alive goes with it. */
function finish(result: RunnerResult): never {
  for (const p of liveProcesses()) p.kill(); // a scenario that gave up on its workers
  writeFileSync(`${runDir}/result.json`, JSON.stringify(result));
  closeJournal();
  return realExit(0);
}

openJournal(journalFile, process.pid);
captureConsole();
if (seed && seed !== "-") perturbWith(Number(seed), "main");
watchExits(); // process.exit in the code under test is recorded: "exited early", not "no result"
watchCrashes((message, stack) => finish({ status: "crash", message: `main crashed: ${message}`, stack }));

// Deno and Bun end a program whose only promise can never settle ("top-level await never
// resolved"). Keep the loop alive instead, so a stuck scenario is reported by the harness's stall
// watchdog, with what each process was waiting on.
const keepAlive = setInterval(() => {}, 1_000);
const result = await main().catch((err): RunnerResult => ({ status: "crash", message: `main crashed: ${describe(err)}`, stack: stackOf(err) }));
clearInterval(keepAlive);
finish(result);
