// THE verdict report: how `npm test`, the app and verify show a cell's grading. One line per
// scenario as it finishes; then the first failure in full — the teaching message, the Next: TODO
// pointer (never cut mid-sentence), where, the perturbation seed, what each process was doing, and,
// apart from the grader's words, what the learner's own code printed and what the runtime said.
// Everything a cell prints stays within a fixed budget (report/budget.ts). Callers bring only
// terminal concerns: colours (a Paint) and a width.
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { LANGUAGES, type Lang, t } from "@workshop/i18n";
import { REPO } from "./cells.ts";
import { nextPointer } from "./compose.ts";
import { BUDGET, Budget, clipLines, summarisePayloads } from "./report/budget.ts";
import { passes } from "./report/passes.ts";
import { clipped, report, STATUS, summary } from "./report/strings.ts";
import { displayWidth, fitLine, wrap } from "./report/wrap.ts";
import type { TypeProblem } from "./typecheck.ts";
import type { Status, Verdict, WorkerReport } from "./verdict.ts";

export { BUDGET, Budget, clipLines, summarisePayloads } from "./report/budget.ts";
export { everyScenarioPasses, passes } from "./report/passes.ts";
export { STATUS } from "./report/strings.ts";
export { startTypeCheck } from "./report/types.ts";
export { displayWidth, fitLine, wrap } from "./report/wrap.ts";
export { type GradeRecord, jsonReport, junitReport, type RecordedCell, records } from "./reporters/records.ts";

export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
  magenta(s: string): string;
}

const same = (s: string) => s;
export const plain: Paint = { red: same, green: same, yellow: same, dim: same, bold: same, cyan: same, magenta: same };

export interface Style {
  paint?: Paint;
  /** Columns to wrap to (default 80). */
  width?: number;
  /** The command that replays a seed, e.g. "`npm test -- 01-lock/node --seed 7`" (default "--seed 7"). */
  replay?: (seed: number, cell: string) => string;
}

interface Resolved {
  paint: Paint;
  width: number;
  replay: (seed: number, cell: string) => string;
}

const resolve = (s: Style = {}): Resolved => ({
  paint: s.paint ?? plain,
  width: Math.max(20, s.width ?? 80),
  replay: s.replay ?? ((seed) => `--seed ${seed}`),
});

const colourOf = (status: Status, p: Paint) => p[STATUS[status].colour];

/**
 * "  ✓ title (123 ms)", "  ⧗ title — deadlock suspected (6012 ms)": the title wraps under itself,
 * so a narrow terminal keeps the marks in one column; the duration is never split from the line.
 */
export function scenarioLine(v: Verdict, style?: Style): string {
  const { paint, width } = resolve(style);
  const s = STATUS[v.status];
  const colour = colourOf(v.status, paint);
  const note =
    v.status === "skipped" || v.status === "notrun"
      ? report.labelled(s.words, v.message ?? "").trim()
      : v.status === "pass" || v.status === "fail"
        ? v.status === "pass" && v.accidental
          ? report.accidental
          : ""
        : s.words;
  const lines = wrap(summarisePayloads(v.title), width, "    ");
  lines[0] = `  ${colour(s.mark)} ${lines[0]!.trimStart()}`;
  const time = v.status === "skipped" || v.status === "notrun" ? "" : `(${v.durationMs} ms)`;
  // Skipped (counts as passing) and not run (an earlier verdict says why): dim, with their reason.
  if (v.status === "skipped" || v.status === "notrun") return paint.dim([...lines, ...(note ? wrap(note, width, "    ") : [])].join("\n"));
  if (note) {
    // Status words after a dash, then the time; both wrap under the title when they do not fit.
    const tail = `— ${note} ${time}`;
    if (displayWidth(lines.at(-1)!) + 1 + displayWidth(tail) <= width)
      lines[lines.length - 1] += ` ${v.status === "pass" ? paint.dim(tail) : paint.bold(colour(tail))}`;
    else lines.push(...wrap(tail, width, "    ").map((l) => (v.status === "pass" ? paint.dim(l) : colour(l))));
    return lines.join("\n");
  }
  if (displayWidth(lines.at(-1)!) + 1 + time.length <= width) lines[lines.length - 1] += ` ${paint.dim(time)}`;
  else lines.push(`    ${paint.dim(time)}`);
  return lines.join("\n");
}

/** "5/8 scenarios pass (1 ms)" — green and bold when every one does. */
export function summaryLine(verdicts: Verdict[], total: number, style?: Style, ms?: number): string {
  const { paint } = resolve(style);
  // A scenario skipped on this runtime is neither passed nor failed: counted apart.
  const passed = verdicts.filter((v) => v.status === "pass").length;
  const skipped = verdicts.filter((v) => v.status === "skipped").length;
  const text = report.scenarioCount(passed, total - skipped, skipped);
  const time = ms === undefined ? "" : ` ${paint.dim(`(${Math.round(ms)} ms)`)}`;
  return (passed === total - skipped ? paint.green(paint.bold(text)) : paint.bold(text)) + time;
}

/** A titled rule across the width: "── What went wrong: title ─────". */
export function rule(title: string, style?: Style): string {
  const { paint, width } = resolve(style);
  const fitted = fitLine(title, width - 6);
  return paint.dim(title ? `── ${fitted} ${"─".repeat(Math.max(0, width - displayWidth(fitted) - 4))}` : "─".repeat(width));
}

const MESSAGE_LINES = 40;
const WORKERS_SHOWN = 8;
const OUTPUT_LINES = 15;
const RUNTIME_LINES = 15;
/** Statuses whose cause the runtime's own output explains (a stack, a message about memory…). */
const RUNTIME_EXPLAINS: Status[] = ["error", "crash", "exited", "oom", "loading", "busy"];

/**
 * The first failure in full, as lines, most important first: the message and its Next: pointer
 * (always whole), where, the seed, the processes, the learner's output, the runtime's output.
 * `budget`: what is left of the cell's; sections that do not fit are clipped with a count.
 */
export function failureDetails(v: Verdict, style?: Style, budget: Budget = new Budget()): string[] {
  const st = resolve(style);
  const { paint, width } = st;
  const out: string[] = [];
  const add = (lines: string[], reserve = 0) => out.push(...budget.fit(lines, reserve));
  const s = STATUS[v.status];

  add([rule(report.firstFailure(v.title), style)]);
  if (v.status !== "fail") add([`  ${paint.bold(colourOf(v.status, paint)(`${s.mark} ${s.words}`))}`]);
  const { body, next } = splitNext(v.message ?? "");
  const message = clipLines(wrap(summarisePayloads(body), width, "  "), MESSAGE_LINES, (n) => paint.dim(`  ${clipped.lines(n)}`));
  const nextLines = next ? ["", ...wrap(completeNext(next), width, "  ").map(paint.bold)] : [];
  // The Next: pointer is never cut: the message gives way to it.
  add(message, nextLines.length);
  add(nextLines);
  if (v.where && !v.message?.includes(v.where)) add([`  ${report.where} ${paint.cyan(v.where)}`]);
  if (v.seed !== undefined) add(wrap(report.seed(v.seed, st.replay(v.seed, v.cell)), width, "  ").map(paint.dim));

  const workers = v.workers.filter((w) => w.id !== "main" && (w.last.length || w.waiting || (w.exitCode ?? 0) !== 0));
  // A deadlock's message already lists every process and what it was waiting in.
  const listed = v.status === "deadlock" && v.text?.key === "harness:deadlock.suspected";
  if (workers.length && !listed) {
    const rows = workers.slice(0, WORKERS_SHOWN).map((w) => workerLine(w, style));
    if (workers.length > WORKERS_SHOWN) rows.push(paint.dim(`    ${clipped.processes(workers.length - WORKERS_SHOWN)}`));
    add(["", paint.dim(`  ${report.workers}`), ...rows]);
  }

  const printed = learnerOutput(v, st);
  if (printed.length) add([rule(report.yourOutput, style), ...clipLines(printed, OUTPUT_LINES, (n) => paint.dim(`  ${clipped.lines(n)}`))]);
  const runtime = v.runtimeOutput.trim();
  if (runtime && RUNTIME_EXPLAINS.includes(v.status)) {
    const lines = runtime.split("\n").map((l) => paint.dim(`  ${fitLine(summarisePayloads(l), width * 2)}`));
    add([rule(report.runtimeOutput, style), ...clipLines(lines, RUNTIME_LINES, (n) => paint.dim(`  ${clipped.lines(n)}`))]);
  }
  return out;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The Next: pointer of a language as a pattern — "Next: {{file}}:{{line}}: {{todo}}" → its three
 * parts — and how it begins. A verdict is in the grading's language, not necessarily the report's.
 */
function pointerPattern(lang: Lang): { re: RegExp; start: string } {
  const sample = escapeRegExp(t("harness:next.pointer", { file: "\u0001", line: "\u0002", todo: "\u0003" }, lang));
  return {
    re: new RegExp(`^${sample.replace("\u0001", "(\\S+?)").replace("\u0002", "(\\d+)").replace("\u0003", "(.*)")}$`, "s"),
    start: sample.slice(0, sample.indexOf("\u0001")),
  };
}

/** The teaching message without its Next: paragraph, and that paragraph (compose.ts adds it last). */
function splitNext(message: string): { body: string; next?: string } {
  const at = message.search(new RegExp(`(^|\n)(${LANGUAGES.map((lang) => pointerPattern(lang).start).join("|")})`));
  if (at < 0) return { body: message };
  const start = message[at] === "\n" ? at + 1 : at;
  return { body: message.slice(0, start).replace(/\s+$/, ""), next: message.slice(start).trim() };
}

/**
 * "Next: workshops/03-queue/node/starter.ts:57: // TODO(4): … no item will" → the TODO's whole
 * sentence: the comment lines that continue it in the file are read and joined on. The lines after
 * the pointer (how many TODOs are left) stay as they are.
 */
export function completeNext(next: string): string {
  const [pointer = "", ...after] = next.split("\n");
  const found = LANGUAGES.map((lang) => ({ lang, m: pointer.match(pointerPattern(lang).re) })).find((x) => x.m);
  if (!found?.m) return next;
  const [, file, line, todo] = found.m as unknown as [string, string, string, string];
  // An older verdict kept "(6 numbered TODOs are still …)" on the pointer's line: it stays after.
  const [, text = todo, inline = ""] = todo.match(/^(.*?)(\s+[(（]\d+ [^)）]*[)）])$/s) ?? [];
  if (endsSentence(text)) return next;
  let source: string[];
  try {
    source = readFileSync(isAbsolute(file) ? file : join(REPO, file), "utf8").split("\n");
  } catch {
    return next;
  }
  let whole = text.trimEnd();
  for (let i = Number(line); i < source.length && i < Number(line) + 8 && !endsSentence(whole); i++) {
    const more = source[i]!.match(/^\s*(?:\/\/|\*|#)\s*(.*)$/);
    if (!more?.[1] || /\bTODO\b/.test(more[1])) break;
    whole += ` ${more[1].trim()}`;
  }
  return [nextPointer(file, Number(line), whole, found.lang) + inline, ...after].join("\n");
}

const endsSentence = (text: string) => /[.!?:)`]$/.test(text.trim());

const LAST_SHOWN = 3;

/**
 * "    w2 worker · waiting in acquire for 9.8 s · exit -9 · … release → ok, acquire → ok": what it
 * was blocked in comes first (also when it was killed while waiting), then how it ended, then its
 * last few calls — "… " when earlier ones were cut, so the tail does not read as the whole story.
 */
export function workerLine(w: WorkerReport, style?: Style): string {
  const { paint, width } = resolve(style);
  const waiting = w.waiting ? waitingText(w.waiting) : undefined;
  const ended = w.exitCode === null ? (waiting ? undefined : report.running) : report.exit(w.exitCode);
  const tail = w.last.slice(-LAST_SHOWN).map(summarisePayloads).join(", ");
  const calls = tail ? `${w.last.length > LAST_SHOWN ? "… " : ""}${tail}` : "—";
  const parts = [`    ${w.id}${w.name !== w.id ? ` ${w.name}` : ""}`, waiting, ended, calls].filter(Boolean);
  const line = fitLine(parts.join(" · "), width);
  // Fitted as plain text, then painted: the waiting part stands out from the dim rest.
  const at = waiting ? line.indexOf(waiting) : -1;
  if (!waiting || at < 0) return paint.dim(line);
  return paint.dim(line.slice(0, at)) + paint.yellow(waiting) + paint.dim(line.slice(at + waiting.length));
}

/** The harness's "acquire (for 1.2 s)" or "acquire, waiting since 9.8 s" → "waiting in acquire for 9.8 s". */
export function waitingText(raw: string): string {
  const m = raw.match(/^(.*?)(?:,\s*waiting since\s+|\s*\(for\s+)([\d.,]+\s*(?:ms|s|min))\)?$/);
  return m ? report.waitingFor(m[1]!, m[2]!) : report.waiting(raw);
}

function learnerOutput(v: Verdict, { paint, width }: Resolved): string[] {
  return v.output.flatMap((o) =>
    summarisePayloads(o.text)
      .replace(/\n$/, "")
      .split("\n")
      .map((l) => {
        const text = fitLine(l, width * 2);
        return `  ${paint.magenta(`[${o.worker}]`)} ${o.stream === "stderr" ? paint.red(text) : text}`;
      }),
  );
}

/** "workshops/01-lock/node/starter.ts has 2 type errors" and each, "file:line:col message". */
export function typeErrorLines(problems: TypeProblem[], file: string, style?: Style, allPass = false): string[] {
  const { paint, width } = resolve(style);
  if (!problems.length) return [];
  const rel = file.startsWith(`${REPO}/`) ? file.slice(REPO.length + 1) : file;
  const title = allPass ? report.solvedButTypes(rel, problems.length) : report.typeErrorsTitle(rel, problems.length);
  const rows = problems.map((p) => {
    const at = `${p.file.startsWith(`${REPO}/`) ? p.file.slice(REPO.length + 1) : p.file}:${p.line}:${p.column}`;
    return wrap(`${at} ${summarisePayloads(p.message.split("\n")[0] ?? "")}`, width, "    ").join("\n");
  });
  return [paint.yellow(paint.bold(`  ${title}`)), ...clipLines(rows, 10, (n) => paint.dim(`    ${clipped.lines(n)}`)).map((r) => paint.yellow(r))];
}

/** One cell's report, kept within the budget: scenario lines as they come, then the ending. */
export class CellReport {
  readonly budget = new Budget();
  private hidden = 0;
  private readonly style: Style;

  constructor(style: Style = {}) {
    this.style = style;
  }

  /** Any line of the cell's own (a header): counted, never cut. */
  text(line: string): string {
    this.budget.take(line.split("\n"));
    return line;
  }

  /** A scenario's line, or undefined once the lines would crowd out the first failure. */
  scenario(v: Verdict): string | undefined {
    const line = scenarioLine(v, this.style);
    const lines = line.split("\n");
    if (this.budget.left.lines - lines.length < BUDGET.lines / 2) {
      this.hidden++;
      return undefined;
    }
    this.budget.take(lines);
    return line;
  }

  /** The summary line, then the first failure in full (what is left of the budget). */
  end(verdicts: Verdict[], total: number, ms?: number): string {
    const lines: string[] = [];
    if (this.hidden) lines.push(resolve(this.style).paint.dim(`  ${clipped.scenarios(this.hidden)}`));
    lines.push(summaryLine(verdicts, total, this.style, ms));
    this.budget.take(lines);
    const failed = verdicts.find((v) => !passes(v));
    if (failed) lines.push(...this.details(failed));
    return lines.join("\n");
  }

  /** A line of its own that may be cut when the budget is spent ("run 3/20: 8/8 scenarios pass"). */
  note(line: string): string | undefined {
    return this.budget.fit([line], BUDGET.lines / 4)[0];
  }

  /** After N runs: a line per scenario ("passed 19/20"), then the first failure seen, in full. */
  endRepeated(runs: Verdict[][]): string {
    const lines = this.budget.fit(
      tally(runs).flatMap((t) => tallyLine(t, this.style).split("\n")),
      BUDGET.lines / 4,
    );
    const failed = runs.flat().find((v) => !passes(v));
    if (failed) lines.push(...this.details(failed));
    return lines.join("\n");
  }

  /** Type errors, when they come: whatever room is left. */
  types(problems: TypeProblem[], file: string, allPass: boolean): string {
    this.budget.keep = 0;
    const lines = typeErrorLines(problems, file, this.style, allPass).flatMap((l) => l.split("\n"));
    return this.budget.fit(lines).join("\n");
  }

  private details(failed: Verdict): string[] {
    // Room is kept for the type errors, which may come after.
    this.budget.keep = TYPE_ERROR_ROOM;
    const lines = failureDetails(failed, this.style, this.budget);
    this.budget.keep = 0;
    return lines;
  }
}

/** Lines a cell's report keeps free for its type errors (a title and up to ten of them). */
const TYPE_ERROR_ROOM = 12;

/** A verdict with its first-failure details, for scripts that print verdicts one by one. */
export function formatVerdict(v: Verdict, style?: Style): string {
  const line = scenarioLine(v, style);
  return passes(v) ? line : [line, ...failureDetails(v, style)].join("\n");
}

/** Per scenario over N runs: "✓ title passed 20/20", "✗ title passed 19/20 (1 deadlock)". */
export interface Tally {
  title: string;
  passed: number;
  runs: number;
  /** Other outcomes, by status. */
  other: Partial<Record<Status, number>>;
}

export function tally(runs: Verdict[][]): Tally[] {
  const byName = new Map<string, Tally>();
  for (const verdicts of runs) {
    for (const v of verdicts) {
      const t = byName.get(v.scenario) ?? { title: v.title, passed: 0, runs: 0, other: {} };
      t.runs++;
      if (passes(v)) t.passed++;
      else t.other[v.status] = (t.other[v.status] ?? 0) + 1;
      byName.set(v.scenario, t);
    }
  }
  return [...byName.values()];
}

export function tallyLine(t: Tally, style?: Style): string {
  const { paint, width } = resolve(style);
  const ok = t.passed === t.runs;
  const counts = Object.entries(t.other)
    .map(([status, n]) => report.outcome(n ?? 0, status as Status))
    .join(", ");
  const head = `— ${report.repeated(t.passed, t.runs)}`;
  const tail = `${head}${counts ? ` ${report.otherOutcomes(counts)}` : ""}`;
  const lines = wrap(`${summarisePayloads(t.title)} ${tail}`, width, "    ");
  lines[0] = `  ${ok ? paint.green("✓") : paint.red("✗")} ${lines[0]!.trimStart()}`;
  if (ok) return lines.join("\n");
  // From "— passed 19/20" on, in bold red (the tail may wrap onto lines of its own).
  let painting = false;
  return lines
    .map((l) => {
      const at = painting ? l.search(/\S/) : l.indexOf(head);
      if (at < 0) return l;
      painting = true;
      return l.slice(0, at) + paint.bold(paint.red(l.slice(at)));
    })
    .join("\n");
}

export function runLine(n: number, runs: number, verdicts: Verdict[], total: number, style?: Style): string {
  const { paint } = resolve(style);
  const passed = verdicts.filter(passes).length;
  return paint.dim(`  ${report.run(n, runs, passed, total)}`);
}

/** How a cell ended, for the summary of many cells. */
export interface CellOutcome {
  id: string;
  chapter: string;
  passed: number;
  total: number;
  /** Type errors found in the graded file (undefined: not checked). */
  typeErrors?: number;
  file?: string;
  missing?: boolean;
}

export const solved = (c: CellOutcome) => !c.missing && c.total > 0 && c.passed === c.total && !c.typeErrors;

/** The end of a run over many cells: one line per cell in workshop order, and where to go next. */
export function cellsSummary(outcomes: CellOutcome[], opts: { solution: boolean }, style?: Style): string[] {
  const { paint, width } = resolve(style);
  const lines = [paint.bold(summary.title(opts.solution))];
  for (const c of outcomes) {
    const text = c.missing
      ? summary.missing
      : c.passed === c.total && c.typeErrors
        ? summary.typeErrors(c.typeErrors)
        : report.scenarioCount(c.passed, c.total, 0);
    lines.push(`  ${solved(c) ? paint.green("✓") : paint.red("✗")} ${summary.row(c.id, text)}`);
  }
  const next = outcomes.find((c) => !solved(c));
  const done = outcomes.filter(solved).length;
  lines.push("");
  if (!next) lines.push(paint.green(summary.allSolved(outcomes.length, opts.solution)));
  else if (!opts.solution) lines.push(...wrap(done === 0 ? summary.begin(next.id, next.chapter) : summary.continue(next.id, done, outcomes.length), width));
  return lines;
}

export { report as reportStrings, summary as summaryStrings } from "./report/strings.ts";
