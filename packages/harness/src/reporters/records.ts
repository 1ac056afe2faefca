// Results for CI and classrooms: one record per scenario graded (cell, scenario, status, message,
// ms, seed), as JSON or as JUnit XML (what CI servers and autograders read). The messages are the
// learner's teaching messages, payloads summarised and capped like the terminal's report.
import junit from "junit-report-builder";
import { summarisePayloads } from "../report/budget.ts";
import { passes } from "../report/passes.ts";
import type { TypeProblem } from "../typecheck.ts";
import type { Status, Verdict } from "../verdict.ts";

/** A message in a record is at most this long (the terminal's whole cell budget is 32 KB). */
const MESSAGE_CAP = 4_000;

export interface GradeRecord {
  cell: string;
  scenario: string;
  title: string;
  status: Status;
  /** pass or skipped. */
  passed: boolean;
  message?: string;
  where?: string;
  ms: number;
  /** The perturbation seed of the run, when it had one (replay with --seed). */
  seed?: number;
  /** Which run, with --repeat (1-based). */
  run?: number;
  /** A pass that the untouched starter gets too. */
  accidental?: boolean;
}

/** What a run over one cell leaves behind for the reporters. */
export interface RecordedCell {
  id: string;
  /** The graded file, repo-relative. */
  file: string;
  /** One list of verdicts per run (one run unless --repeat). */
  runs: Verdict[][];
  typeErrors?: TypeProblem[];
  /** The file to grade did not exist: nothing was graded. */
  missing?: boolean;
}

const capped = (text: string | undefined) => {
  if (!text) return undefined;
  const s = summarisePayloads(text);
  return s.length <= MESSAGE_CAP ? s : `${s.slice(0, MESSAGE_CAP)}… (${(s.length - MESSAGE_CAP).toLocaleString("en-US")} more characters)`;
};

export function records(cells: RecordedCell[]): GradeRecord[] {
  return cells.flatMap((c) =>
    c.runs.flatMap((verdicts, i) =>
      verdicts.map((v) => ({
        cell: c.id,
        scenario: v.scenario,
        title: v.title,
        status: v.status,
        passed: passes(v),
        ...(v.message && !(v.status === "pass") ? { message: capped(v.message) } : {}),
        ...(v.where ? { where: v.where } : {}),
        ms: v.durationMs,
        ...(v.seed !== undefined ? { seed: v.seed } : {}),
        ...(c.runs.length > 1 ? { run: i + 1 } : {}),
        ...(v.accidental ? { accidental: true } : {}),
      })),
    ),
  );
}

export interface ReportMeta {
  target: string;
  /** The seed asked for on the command line, if any. */
  seed?: number;
  repeat?: number;
}

/** `--reporter json`: the records, the type errors per cell, and the totals. */
export function jsonReport(cells: RecordedCell[], meta: ReportMeta): string {
  const all = records(cells);
  const passed = all.filter((r) => r.passed).length;
  return `${JSON.stringify(
    {
      tool: "npm test (procsync workshop)",
      ...meta,
      passed,
      failed: all.length - passed,
      missing: cells.filter((c) => c.missing).map((c) => ({ cell: c.id, file: c.file })),
      typeErrors: cells.flatMap((c) => (c.typeErrors ?? []).map((t) => ({ cell: c.id, ...t }))),
      records: all,
    },
    null,
    2,
  )}\n`;
}

/**
 * `--reporter junit`: a testsuite per cell, a testcase per scenario (per run with --repeat).
 * A property that did not hold is a <failure type="fail|deadlock|busy|…">; a file that could not
 * run at all is an <error>; skipped stays skipped. Type errors are one more failing testcase.
 */
export function junitReport(cells: RecordedCell[], meta: ReportMeta): string {
  const builder = junit.newBuilder().name(`npm test (${meta.target})`);
  for (const c of cells) {
    const suite = builder.testSuite().name(c.id).property("file", c.file);
    if (meta.seed !== undefined) suite.property("seed", String(meta.seed));
    if (c.missing) suite.testCase().className(c.id).name("the file exists").error(`${c.file} does not exist`, "missing");
    for (const [i, verdicts] of c.runs.entries()) {
      for (const v of verdicts) {
        const name = c.runs.length > 1 ? `${v.title} (run ${i + 1})` : v.title;
        const tc = suite
          .testCase()
          .className(c.id)
          .name(name)
          .time(v.durationMs / 1000)
          .file(c.file);
        if (v.seed !== undefined) tc.property("seed", String(v.seed));
        if (v.status === "skipped") tc.skipped();
        else if (!passes(v)) {
          const message = capped(v.message) ?? v.status;
          const first = message.split("\n")[0] ?? v.status;
          if (v.status === "error") tc.error(first, v.status, message);
          else tc.failure(first, v.status).stacktrace(message);
        }
      }
    }
    if (c.typeErrors?.length) {
      const text = c.typeErrors.map((t) => `${t.file}:${t.line}:${t.column} ${t.message}`).join("\n");
      suite.testCase().className(c.id).name("type check").failure(`${c.typeErrors.length} type error(s)`, "types").stacktrace(capped(text));
    }
  }
  return `${builder.build()}\n`;
}
