// Every sentence of a verdict report, by name: a thin layer over the catalogues of @workshop/i18n
// (packages/i18n/locales/<lang>/report.json), read in the current language each time it is asked
// for. Functions where a sentence carries values; no colours here: report.ts paints.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { language, t } from "@workshop/i18n";
import { REPO } from "../cells.ts";
import type { Status } from "../verdict.ts";

type Colour = "green" | "red" | "yellow" | "dim";
const MARKS: Record<Status, { mark: string; colour: Colour }> = {
  pass: { mark: "✓", colour: "green" },
  fail: { mark: "✗", colour: "red" },
  deadlock: { mark: "⧗", colour: "yellow" },
  busy: { mark: "↻", colour: "yellow" },
  loading: { mark: "⋯", colour: "red" },
  crash: { mark: "↯", colour: "red" },
  exited: { mark: "⇥", colour: "red" },
  oom: { mark: "▲", colour: "red" },
  error: { mark: "!", colour: "red" },
  skipped: { mark: "–", colour: "dim" },
  notrun: { mark: "·", colour: "dim" },
};

/** Each status has its own mark and words; the colour says how bad, the words say what happened. */
export const STATUS = Object.fromEntries(
  Object.entries(MARKS).map(([status, s]) => [
    status,
    {
      ...s,
      get words() {
        return t(`report:status.${status}`);
      },
    },
  ]),
) as Record<Status, { mark: string; words: string; colour: Colour }>;

export const report = {
  firstFailure: (title: string) => t("report:firstFailure", { title }),
  get where() {
    return t("report:where");
  },
  get workers() {
    return t("report:workers");
  },
  get yourOutput() {
    return t("report:yourOutput");
  },
  get runtimeOutput() {
    return t("report:runtimeOutput");
  },
  get accidental() {
    return t("report:accidental");
  },
  /** "01-lock/node (starter)": a cell's header (`cell` may come painted). */
  cellHeader: (cell: string, target: string) => t("report:cellHeader", { cell, target: report.target(target) }),
  /** "starter" or "solution", as a header says it. */
  target: (target: string) => (target === "starter" || target === "solution" ? t(`report:target.${target}`) : target),
  seed: (seed: number, replay: string) => t("report:seed", { seed, replay }),
  /** "skipped: why" — the colon is the language's own (full-width in Chinese). */
  labelled: (label: string, text: string) => t("report:labelled", { label, text }),
  scenarioCount: (passed: number, total: number, skipped: number) =>
    t("report:scenarioCount", { passed, total, skipped: skipped ? t("report:skippedOfThem", { count: skipped }) : "" }),
  repeated: (passed: number, runs: number) => t("report:repeated", { passed, runs }),
  otherOutcomes: (counts: string) => t("report:otherOutcomes", { counts }),
  /** "1 deadlock suspected": how many runs ended with a status. */
  outcome: (count: number, status: Status) => t("report:outcome", { count, words: STATUS[status].words }),
  run: (n: number, runs: number, passed: number, total: number) => t("report:run", { n, runs, passed, total }),
  typeErrorsTitle: (file: string, count: number) => t("report:typeErrorsTitle", { file, count }),
  solvedButTypes: (file: string, count: number) => t("report:solvedButTypes", { file, count }),
  typeCheckFailed: (why: string) => t("report:typeCheckFailed", { why }),
  missingStarter: (file: string, cell: string) => t("report:missingStarter", { file, cell }),
  waitingFor: (call: string, duration: string) => t("report:waitingFor", { call, duration }),
  waiting: (call: string) => t("report:waiting", { call }),
  get running() {
    return t("report:running");
  },
  exit: (code: number) => t("report:exit", { code }),
};

/** What the budget cut, and how much: the learner should know something is missing. */
export const clipped = {
  lines: (count: number) => t("report:clipped.lines", { count }),
  string: (count: number) => t("report:clipped.string", { count }),
  run: (count: number) => t("report:clipped.run", { count }),
  chars: (count: number) => t("report:clipped.chars", { count }),
  processes: (count: number) => t("report:clipped.processes", { count }),
  scenarios: (count: number) => t("report:clipped.scenarios", { count }),
  report: (count: number, max: number) => t("report:clipped.report", { count, max }),
};

/** The lesson a learner reads in the current language: README.zh-CN.md once a chapter has one. */
export function lessonFile(chapter: string): string {
  const translated = `README.${language()}.md`;
  return language() !== "en" && existsSync(join(REPO, "workshops", chapter, translated)) ? translated : "README.md";
}

/** The end of `npm test`: every cell graded, in workshop order, and where to go next. */
export const summary = {
  title: (solution: boolean) => t(solution ? "report:summary.solutions" : "report:summary.starters"),
  row: (id: string, text: string) => `${id.padEnd(14)} ${text}`,
  get missing() {
    return t("report:summary.missing");
  },
  typeErrors: (count: number) => t("report:summary.typeErrors", { count }),
  begin: (cell: string, chapter: string) => t("report:summary.begin", { cell, chapter, lesson: lessonFile(chapter) }),
  continue: (cell: string, solved: number, total: number) => t("report:summary.continue", { cell, solved, total }),
  allSolved: (count: number, solution: boolean) => t(solution ? "report:summary.allSolutions" : "report:summary.allSolved", { count }),
  closing: (passed: number, failed: number) => t("report:summary.closing", { passed, failed }),
};
