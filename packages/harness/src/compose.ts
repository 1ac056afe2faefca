// Turn what a run left behind (the runner's result, the journal, the runtime's output) into a
// verdict a learner can act on. A run killed at its deadline has no result: its journal still says
// what every worker was last doing, which is the deadlock report.
import { readFileSync } from "node:fs";
import type { JournalLine } from "@workshop/process/journal";
import { whereInWorkshop } from "./scenario.ts";
import type { RunnerResult, Verdict, WorkerReport } from "./verdict.ts";

const EVENTS_CAP = 5000;
const LAST_PER_WORKER = 5;

export interface RunFacts {
  cell: string;
  file: string;
  scenario: string;
  title: string;
  runDir: string;
  result: RunnerResult | undefined;
  /** Killed by the harness: at the hard deadline, or when nothing was journaled for quietMs. */
  stopped: "deadline" | "stalled" | undefined;
  aborted?: boolean;
  deadlineMs?: number;
  quietMs?: number;
  durationMs: number;
  runtimeOutput: string;
  journal: JournalLine[];
}

export function composeVerdict(f: RunFacts): Verdict {
  const endedAt = Date.now(); // composed right after the run ended (journal times are epoch ms too)
  const workers = workerReports(f.journal, endedAt);
  const output = f.journal.flatMap((l) => (l.k === "log" ? [{ worker: l.w, stream: l.stream, text: l.text }] : []));
  const events = f.journal.filter((l) => l.k !== "log").slice(-EVENTS_CAP);
  const base = {
    cell: f.cell,
    file: f.file,
    scenario: f.scenario,
    title: f.title,
    durationMs: Math.round(f.durationMs),
    workers,
    output,
    events,
    runtimeOutput: f.runtimeOutput,
  };

  if (f.aborted) return { ...base, status: "error", message: "cancelled (the file changed while it ran)" };
  if (f.stopped === "deadline") {
    return {
      ...base,
      status: "deadlock",
      message: deadlockMessage(`the scenario did not finish within ${seconds(f.deadlineMs)}. Every process was killed`, workers),
    };
  }
  if (f.stopped === "stalled") {
    return {
      ...base,
      status: "deadlock",
      message: deadlockMessage(`nothing happened for ${seconds(f.quietMs)}: every process was stuck, so all were killed`, workers),
    };
  }
  if (!f.result && workers.some((w) => w.waiting)) {
    // Deno and Bun end a program whose every promise is pending with nothing left to wake it.
    return {
      ...base,
      status: "deadlock",
      message: deadlockMessage("the runtime stopped: every process was waiting and nothing was left that could wake it", workers),
    };
  }
  if (!f.result) {
    return { ...base, status: "error", message: `the runtime exited before the scenario finished${firstLines(f.runtimeOutput)}` };
  }
  const where = whereIn(f.result.stack, f.file) ?? whereIn(f.result.message, f.file) ?? whereInWorkshop(f.result.stack);
  const message = f.result.status === "pass" ? undefined : withTodo(f.result.message ?? "failed", f.file);
  return { ...base, status: f.result.status, message, where, data: f.result.data };
}

/** "starter.ts:14:11" as it appears in a stack, for the graded file itself (path or file URL). */
function whereIn(text: string | undefined, file: string): string | undefined {
  if (!text) return undefined;
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = text.match(new RegExp(`${escaped}:(\\d+)(?::(\\d+))?`));
  if (!match) return undefined;
  const rel = file.replace(/^.*?\/(workshops|packages)\//, "$1/");
  return `${rel}:${match[1]}${match[2] ? `:${match[2]}` : ""}`;
}

function workerReports(journal: JournalLine[], endedAt: number): WorkerReport[] {
  const byId = new Map<string, WorkerReport & { open: Map<string, number> }>();
  const get = (id: string, name = id) => {
    let w = byId.get(id);
    if (!w) byId.set(id, (w = { id, name, exitCode: null, last: [], open: new Map() }));
    return w;
  };
  get("main");
  for (const line of journal) {
    if (line.k === "proc") {
      const w = get(line.child, line.name);
      w.name = line.name;
      if (line.what === "exit") w.exitCode = line.code ?? null;
    } else if (line.k === "ev") {
      const w = get(line.w);
      if (line.ph === "begin") w.open.set(line.op, line.t);
      else {
        if (line.ph === "end") w.open.delete(line.op);
        w.last = [...w.last, line.out ? `${line.op} → ${line.out}` : line.op].slice(-LAST_PER_WORKER);
      }
    }
  }
  return [...byId.values()].map(({ open, ...w }) => {
    const [op, since] = [...open.entries()].at(-1) ?? [];
    // Still inside a call when the run ended (or when it was killed, exit < 0): it was waiting.
    const stuck = op !== undefined && (w.exitCode === null || w.exitCode < 0);
    return stuck ? { ...w, waiting: `${op} (for ${((endedAt - (since ?? endedAt)) / 1000).toFixed(1)} s)` } : w;
  });
}

function deadlockMessage(why: string, workers: WorkerReport[]): string {
  const lines = workers.map((w) => {
    const state = w.waiting
      ? `waiting in ${w.waiting}`
      : w.exitCode !== null && w.exitCode >= 0
        ? `had exited (${w.exitCode})`
        : `running; last: ${w.last.at(-1) ?? "nothing recorded"}`;
    return `  ${w.id} ${w.name === w.id ? "" : `(${w.name}) `}— ${state}`;
  });
  return [`deadlock suspected: ${why}. What each process was doing:`, ...lines].join("\n");
}

function seconds(ms = 0): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * While a starter still has TODO comments, point at the lowest-numbered one: TODO(1) before
 * TODO(4), wherever they sit in the file. (We cannot tell a done TODO from an open one, so the
 * message asks the learner to delete each comment when it is done.)
 */
function withTodo(message: string, file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return message;
  }
  const todos = text
    .split("\n")
    .map((line, index) => ({
      line: index + 1,
      text: line.trim(),
      n: Number(/\bTODO\((\d+)\)/.exec(line)?.[1] ?? (/\bTODO\b/.test(line) ? Number.POSITIVE_INFINITY : Number.NaN)),
    }))
    .filter((t) => !Number.isNaN(t.n));
  if (todos.length === 0) return message;
  const next = todos.reduce((a, b) => (b.n < a.n ? b : a));
  const numbered = new Set(todos.filter((t) => Number.isFinite(t.n)).map((t) => t.n)).size;
  const rel = file.replace(/^.*?\/workshops\//, "workshops/");
  const left = numbered > 1 ? ` (${numbered} numbered TODOs are still in this file — delete each comment once it is done)` : "";
  return `${message}\n\nNext: ${rel}:${next.line}: ${next.text}${left}`;
}

function firstLines(output: string): string {
  const text = output.trim().split("\n").slice(0, 12).join("\n");
  return text ? `:\n${text}` : " (it printed nothing)";
}
