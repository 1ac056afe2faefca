// Runs inside the target runtime (node / deno / bun): one scenario against one cell, then exits.
// Usage: runner <scenario module URL> <run dir> <runtime> <children to prestart>
// It loads the scenario module and prestarts the children its scenario will need, then reads what
// to run — {"scenario","cell","seed"} — as one line on stdin: at once for a cold run, or when the
// learner saves for a warm one (pool.ts), which by then has done all of this.
// The result goes to <run dir>/result.json — never stdout, which belongs to the learner's code.
import { writeFileSync } from "node:fs";
import process from "node:process";
import { encodeMessage, type Message, msg } from "@workshop/i18n/message";
import { liveProcesses, prestart, type Runtime } from "@workshop/process";
import { describeThrown, realExit, watchCrashes, watchExits } from "@workshop/process/faults";
import { captureConsole, closeJournal, now, openJournal, perturbWith, write } from "@workshop/process/journal";
import { Crashed, Exited, Failure, makeContext, type Scenario } from "./scenario.ts";
import { type Go, LOADING_OP, type RunnerResult } from "./verdict.ts";

const [scenarioModule, runDir, runtime, children] = process.argv.slice(-4) as [string, string, Runtime, string];
const journalFile = `${runDir}/journal.jsonl`;

function readGo(): Promise<Go> {
  return new Promise((resolve) => {
    let text = "";
    let told = false;
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => {
      text += chunk;
      if (told || !text.includes("\n")) return;
      told = true;
      process.stdin.pause();
      resolve(JSON.parse(text.slice(0, text.indexOf("\n"))) as Go);
    });
    // Stdin ends before a line: the harness is gone, or it let this runner go unused.
    process.stdin.on("end", () => told || realExit(0));
  });
}

async function main(scenarioName: string, cellModule: string): Promise<RunnerResult> {
  let cell: unknown;
  write({ k: "ev", t: now(), w: "main", op: LOADING_OP, ph: "begin" });
  try {
    cell = await import(cellModule);
  } catch (err) {
    return taught("error", msg("harness:runner.couldNotLoad", { file: shortPath(cellModule), error: describe(err) }), stackOf(err));
  }
  write({ k: "ev", t: now(), w: "main", op: LOADING_OP, ph: "end", out: "ok" });
  const { scenarios } = await scenarioLoaded;
  const scenario = scenarios.find((s) => s.name === scenarioName);
  if (!scenario) return taught("error", msg("harness:runner.noScenario", { name: scenarioName, file: shortPath(scenarioModule) }));
  try {
    const data = await scenario.run(makeContext(cell, runtime, scenarioModule, journalFile));
    return { status: "pass", data };
  } catch (err) {
    if (err instanceof Failure) return { status: "fail", message: err.message, text: err.text, stack: err.stack };
    if (err instanceof Crashed) return { status: "crash", message: err.message, text: err.text, stack: String(err.cause ?? err.stack) };
    if (err instanceof Exited) return { status: "exited", message: err.message, text: err.text, stack: err.stack };
    // The learner's code threw in the top process (the scenario calls it directly).
    return mainCrashed(describe(err), stackOf(err));
  }
}

/** A result whose message is keyed: `text` for the harness to render, its encoded form as `message`. */
function taught(status: RunnerResult["status"], text: Message, stack?: string): RunnerResult {
  return { status, message: encodeMessage(text), text, stack };
}

const mainCrashed = (error: string, stack: string | undefined) => taught("crash", msg("harness:runner.mainCrashed", { error }), stack);

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
watchExits(); // process.exit in the code under test is recorded: "exited early", not "no result"
watchCrashes((message, stack) => finish(mainCrashed(message, stack)));

// Deno and Bun end a program whose only promise can never settle ("top-level await never
// resolved"). Keep the loop alive instead, so a stuck scenario is reported by the harness's stall
// watchdog, with what each process was waiting on.
const keepAlive = setInterval(() => {}, 1_000);
// The scenario module first (it never imports the cell), and the children its scenario will start.
const scenarioLoaded = import(scenarioModule) as Promise<{ scenarios: Scenario<unknown>[] }>;
scenarioLoaded.catch(() => {}); // main() reports it
if (Number(children) > 0) prestart(Number(children), scenarioModule);
const go = await readGo();
if (go.seed !== null) perturbWith(go.seed, "main");
const result = await main(go.scenario, go.cell).catch((err): RunnerResult => mainCrashed(describe(err), stackOf(err)));
clearInterval(keepAlive);
finish(result);
