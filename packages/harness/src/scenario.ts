// How a scenario is written: once, against the contract, for every runtime. A scenario module
// exports `scenarios` (what to run in the top process) and the worker functions its processes run.

import { readFileSync } from "node:fs";
import { Process, type ProcessLike, type Runtime } from "@workshop/process";
import type { JournalLine } from "@workshop/process/journal";

export interface ScenarioContext<Cell> {
  /** The learner's (or the instructor's) module: the factories the chapter asks for. */
  cell: Cell;
  runtime: Runtime;
  /** Start a real process (Node, Bun) or worker (Deno) running `target` from the scenario module. */
  start(target: string, args?: unknown[], name?: string): Promise<ProcessLike>;
  /** Every line the run's processes journaled so far (events, logs, process starts and exits). */
  journal(): JournalLine[];
}

export interface Scenario<Cell> {
  name: string;
  /** One line a learner reads in the test list. */
  title: string;
  /** Hard deadline for the whole scenario; past it the harness kills everything: deadlock. */
  deadlineMs?: number;
  /**
   * How long the run may go without journaling anything (default 6 s) before it is called a
   * deadlock. Raise it only for work that records nothing for long stretches (a benchmark loop).
   */
  quietMs?: number;
  /** Resolves when the property holds (its value, if any, is the verdict's `data`: benchmarks use it). */
  run(ctx: ScenarioContext<Cell>): Promise<unknown>;
}

/** A failed expectation: its message is the verdict a learner reads, so make it teach. */
export class Failure extends Error {
  override name = "Failure";
}

export function fail(message: string): never {
  throw new Failure(message);
}

export function makeContext<Cell>(cell: Cell, runtime: Runtime, scenarioModule: string, journalFile: string): ScenarioContext<Cell> {
  let started = 0;
  return {
    cell,
    runtime,
    async start(target, args = [], name) {
      started += 1;
      const p = new Process({ module: scenarioModule, target, args, name: name ?? `${target}-${started}` });
      await p.start();
      return p;
    },
    journal() {
      return readFileSync(journalFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as JournalLine);
    },
  };
}

/**
 * Join every process within the time; a worker that failed or hangs fails the scenario with its
 * own error (and where in the learner's file it came from).
 */
export async function joinAll(procs: ProcessLike[], timeoutMs: number, doing = "finish"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const p of procs) {
    const code = await p.join({ timeoutMs: Math.max(0, deadline - Date.now()) });
    if (code === null) {
      fail(`${p.name} did not ${doing} within ${timeoutMs} ms — is it waiting for something that never comes?`);
    }
  }
  for (const p of procs) {
    if (p.exitCode !== 0) fail(`${p.name} failed (exit code ${p.exitCode})${p.error ? `: ${p.error.message}${whereSuffix(p.error.stack)}` : ""}`);
  }
}

/** " (at workshops/01-lock/node/starter.ts:14:11)" — the first frame in a chapter's file. */
export function whereSuffix(stack: string | undefined): string {
  const where = whereInWorkshop(stack);
  return where ? ` (at ${where})` : "";
}

export function whereInWorkshop(stack: string | undefined): string | undefined {
  const match = stack?.match(/(workshops\/[^\s():]+\.ts:\d+(?::\d+)?)/);
  return match?.[1];
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
