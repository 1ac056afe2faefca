// A verdict as text for a terminal: the status, the teaching message, where, and — apart from the
// grader's words — what the learner's own code printed.
import type { Verdict } from "./verdict.ts";

const MAX_OUTPUT_LINES = 20;

export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const plain: Paint = { red: (s) => s, green: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s };

const LABEL: Record<Verdict["status"], string> = {
  pass: "pass",
  fail: "FAIL",
  deadlock: "DEADLOCK",
  busy: "BUSY",
  loading: "NEVER LOADED",
  crash: "CRASH",
  exited: "EXITED EARLY",
  oom: "OUT OF MEMORY",
  error: "ERROR",
  skipped: "skipped",
};

export function formatVerdict(v: Verdict, paint: Paint = plain): string {
  const colour = v.status === "pass" ? paint.green : v.status === "deadlock" ? paint.yellow : paint.red;
  const lines = [`${colour(LABEL[v.status])} ${v.cell} · ${v.title} ${paint.dim(`(${v.durationMs} ms)`)}`];
  if (v.message) lines.push(...indent(v.message));
  if (v.where && !v.message?.includes(v.where)) lines.push(`  at ${v.where}`);
  if (v.status === "fail" || v.status === "error") {
    // (A deadlock's message already lists every process.)
    const stuck = v.workers.filter((w) => w.waiting);
    if (stuck.length) lines.push(paint.dim("  still waiting when it ended:"), ...stuck.map((w) => paint.dim(`    ${w.id} (${w.name}) — in ${w.waiting}`)));
  }
  if (v.status !== "pass") {
    const output = learnerOutput(v);
    if (output.length) lines.push(paint.dim("  your code printed:"), ...output.map((l) => paint.dim(`    ${l}`)));
    const runtime = v.runtimeOutput.trim();
    if (runtime && v.status === "error") lines.push(paint.dim("  the runtime printed:"), ...clip(runtime.split("\n")).map((l) => paint.dim(`    ${l}`)));
  }
  return lines.join("\n");
}

function learnerOutput(v: Verdict): string[] {
  const lines = v.output.flatMap((o) =>
    o.text
      .replace(/\n$/, "")
      .split("\n")
      .map((l) => `[${o.worker}] ${l}`),
  );
  return clip(lines);
}

function clip(lines: string[]): string[] {
  if (lines.length <= MAX_OUTPUT_LINES) return lines;
  return [...lines.slice(0, MAX_OUTPUT_LINES), `… ${lines.length - MAX_OUTPUT_LINES} more lines`];
}

function indent(text: string): string[] {
  return text.split("\n").map((l) => (l ? `  ${l}` : ""));
}
