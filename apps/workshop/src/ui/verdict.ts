// A cell's grading as the learner sees it: one line per scenario as it finishes, then the first
// failure — the grader's message, where, what each process was doing — and, apart from the
// grader's words, what the learner's own code printed.
import { stripVTControlCharacters } from "node:util";
import type { Verdict, WorkerReport } from "@workshop/harness";
import { strings } from "../strings.ts";
import { paint, rule, width } from "./terminal.ts";
import { fitLine, wrap } from "./wrap.ts";

const MAX_OUTPUT_LINES = 12;

export function scenarioLine(v: Verdict): string {
  const [mark, label] =
    v.status === "pass" ? [paint.green("✓"), ""] : v.status === "deadlock" ? [paint.yellow("⧗"), ` ${paint.yellow("deadlock")}`] : [paint.red("✗"), ""];
  // Wrap the title under itself, so a narrow terminal keeps the marks in one column.
  // The duration goes on the last line if it fits, else on a line of its own: never split.
  const lines = wrap(v.title, width(), "    ");
  lines[0] = `  ${mark} ${lines[0]!.trimStart()}`;
  const plainLabel = `${v.status === "deadlock" ? " deadlock" : ""} (${v.durationMs} ms)`;
  const suffix = `${label} ${paint.dim(`(${v.durationMs} ms)`)}`;
  if (stripVTControlCharacters(lines.at(-1)!).length + plainLabel.length <= width()) lines[lines.length - 1] += suffix;
  else lines.push(`   ${suffix}`);
  return lines.join("\n");
}

export function summaryLine(verdicts: Verdict[], total: number): string {
  const passed = verdicts.filter((v) => v.status === "pass").length;
  const text = strings.scenarioCount(passed, total);
  return passed === total ? paint.green(paint.bold(text)) : paint.bold(text);
}

/** The first failure in full: teaching message, location, processes, learner output. */
export function failureDetails(v: Verdict): string {
  const lines = [rule(`${strings.firstFailure}: ${v.title}`)];
  if (v.message) lines.push(...wrap(v.message, width(), "  "));
  if (v.where && !v.message?.includes(v.where)) lines.push(`  ${strings.whereLabel} ${paint.cyan(v.where)}`);
  // The deadlock message already lists the workers; otherwise show the ones that did something.
  const workers = v.workers.filter((w) => w.id !== "main" && (w.last.length || w.waiting || (w.exitCode ?? 0) !== 0));
  if (v.status !== "deadlock" && workers.length) {
    lines.push(paint.dim(`  ${strings.workersLabel}:`));
    for (const w of workers.slice(0, 6)) lines.push(workerLine(w));
  }
  const printed = learnerOutput(v);
  if (printed.length) lines.push(rule(strings.yourOutput), ...printed);
  const runtime = v.runtimeOutput.trim();
  if (runtime && v.status === "error") lines.push(rule(strings.runtimeOutput), ...clip(runtime.split("\n")).map((l) => paint.dim(`  ${l}`)));
  return lines.join("\n");
}

const LAST_SHOWN = 3;

/**
 * "    w2 worker · waiting in acquire for 9.8 s · exit -9 · … release → ok, acquire → ok": what it
 * was blocked in comes first (also when it was killed while waiting), then how it ended, then its
 * last few calls — "… " when earlier ones were cut, so the tail does not read as the whole story.
 */
export function workerLine(w: WorkerReport): string {
  const waiting = w.waiting ? waitingText(w.waiting) : undefined;
  const ended = w.exitCode === null ? (waiting ? undefined : "running") : `exit ${w.exitCode}`;
  const tail = w.last.slice(-LAST_SHOWN).join(", ");
  const calls = tail ? `${w.last.length > LAST_SHOWN ? "… " : ""}${tail}` : "—";
  const parts = [`    ${w.id}${w.name !== w.id ? ` ${w.name}` : ""}`, waiting, ended, calls].filter(Boolean);
  const line = fitLine(parts.join(" · "), width());
  // Fitted as plain text, then painted: the waiting part stands out from the dim rest.
  const at = waiting ? line.indexOf(waiting) : -1;
  if (!waiting || at < 0) return paint.dim(line);
  return paint.dim(line.slice(0, at)) + paint.yellow(waiting) + paint.dim(line.slice(at + waiting.length));
}

/** The harness's "acquire (for 1.2 s)" or "acquire, waiting since 9.8 s" → "waiting in acquire for 9.8 s". */
export function waitingText(raw: string): string {
  const m = raw.match(/^(.*?)(?:,\s*waiting since\s+|\s*\(for\s+)([\d.,]+\s*(?:ms|s|min))\)?$/);
  return m ? `waiting in ${m[1]} for ${m[2]}` : `waiting in ${raw}`;
}

function learnerOutput(v: Verdict): string[] {
  const lines = v.output.flatMap((o) =>
    o.text
      .replace(/\n$/, "")
      .split("\n")
      .map((l) => `  ${paint.magenta(`[${o.worker}]`)} ${o.stream === "stderr" ? paint.red(l) : l}`),
  );
  return clip(lines);
}

function clip(lines: string[]): string[] {
  if (lines.length <= MAX_OUTPUT_LINES) return lines;
  return [...lines.slice(0, MAX_OUTPUT_LINES), paint.dim(`  … ${lines.length - MAX_OUTPUT_LINES} more lines`)];
}
