// A cell's grading as the learner sees it: one line per scenario as it finishes, then the first
// failure — the grader's message, where, what each process was doing — and, apart from the
// grader's words, what the learner's own code printed.
import type { Verdict } from "@workshop/harness";
import { strings } from "../strings.ts";
import { paint, rule, width } from "./terminal.ts";
import { fitLine, wrap } from "./wrap.ts";

const MAX_OUTPUT_LINES = 12;

export function scenarioLine(v: Verdict): string {
  const [mark, label] =
    v.status === "pass" ? [paint.green("✓"), ""] : v.status === "deadlock" ? [paint.yellow("⧗"), ` ${paint.yellow("deadlock")}`] : [paint.red("✗"), ""];
  // Wrap the title under itself, so a narrow terminal keeps the marks in one column.
  const lines = wrap(v.title, width(), "    ");
  lines[0] = `  ${mark} ${lines[0]!.trimStart()}`;
  lines[lines.length - 1] += `${label} ${paint.dim(`(${v.durationMs} ms)`)}`;
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
    for (const w of workers.slice(0, 6)) {
      const state = w.waiting ?? (w.exitCode === null ? "running" : `exit ${w.exitCode}`);
      lines.push(paint.dim(fitLine(`    ${w.id}${w.name !== w.id ? ` ${w.name}` : ""} · ${state} · ${w.last.slice(-3).join(", ") || "—"}`, width())));
    }
  }
  const printed = learnerOutput(v);
  if (printed.length) lines.push(rule(strings.yourOutput), ...printed);
  const runtime = v.runtimeOutput.trim();
  if (runtime && v.status === "error") lines.push(rule(strings.runtimeOutput), ...clip(runtime.split("\n")).map((l) => paint.dim(`  ${l}`)));
  return lines.join("\n");
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
