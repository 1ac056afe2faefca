// Small helpers every chapter's scenarios share: describing values and errors in a verdict, and a
// start barrier. (Scenario-writing API — fail, joinAll, settle, cpuMs… — is @workshop/harness/scenario.)
import { expectFinished, fail, msg, slack } from "@workshop/harness/scenario";
import type { ProcessLike } from "@workshop/process";

/** An error (or any thrown value) in one line: "EOFError: the pipe is closed". */
export function describeError(err: unknown): string {
  try {
    if (err instanceof Error) return `${err.name}: ${err.message}`;
    if (err === null || typeof err !== "object") return `a thrown ${String(err)}`;
    return `a thrown ${JSON.stringify(err) ?? String(err)}`;
  } catch {
    return "a thrown value that cannot be described";
  }
}

/** A value in at most ~40 characters: never a whole payload in a verdict. */
export function brief(x: unknown): string {
  if (x instanceof Uint8Array) return `Uint8Array(${x.length})`;
  if (typeof x === "string" && x.length > 40) return `a ${fmt(x.length)}-character string`;
  let s: string;
  try {
    s = typeof x === "string" ? JSON.stringify(x) : (JSON.stringify(x) ?? String(x));
  } catch {
    s = String(x);
  }
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}

/** 10000 → "10 000": numbers a learner can read at a glance. */
export function fmt(n: number): string {
  return n.toLocaleString("en-US").replaceAll(",", " ");
}

export function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

export function ordinal(n: number): string {
  return `${n}${n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th"}`;
}

/** A start barrier: every process is up (signalled "ready") before any is told "go". */
export async function startTogether(procs: ProcessLike[]): Promise<void> {
  for (const p of procs) await started(p);
  for (const p of procs) await p.notify("go");
}

/**
 * Wait for a process to signal "ready". Starting can take seconds on a busy machine: the scenario's
 * deadline bounds this wait, not a budget of its own. A process that ended first says why.
 */
export async function started(p: ProcessLike, what = "ready"): Promise<void> {
  const ms = slack(30_000);
  try {
    await p.waitFor(what, { timeoutMs: ms });
  } catch {
    if (p.exitCode !== null) expectFinished([p]);
    fail("harness:join.late", { who: p.name, doing: msg("harness:join.start"), ms });
  }
}
