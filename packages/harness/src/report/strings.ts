// Every sentence of a verdict report, in one place (a translation touches this file). Functions
// where a sentence carries values; no colours here: report.ts paints.
import type { Status } from "../verdict.ts";

/** Each status has its own mark and words; the colour says how bad, the words say what happened. */
export const STATUS: Record<Status, { mark: string; words: string; colour: "green" | "red" | "yellow" | "dim" }> = {
  pass: { mark: "✓", words: "passed", colour: "green" },
  fail: { mark: "✗", words: "failed", colour: "red" },
  deadlock: { mark: "⧗", words: "deadlock suspected", colour: "yellow" },
  busy: { mark: "↻", words: "busy, not waiting: a loop that never yields", colour: "yellow" },
  loading: { mark: "⋯", words: "never finished loading", colour: "red" },
  crash: { mark: "↯", words: "crashed", colour: "red" },
  exited: { mark: "⇥", words: "exited early", colour: "red" },
  oom: { mark: "▲", words: "out of memory", colour: "red" },
  error: { mark: "!", words: "could not run", colour: "red" },
  skipped: { mark: "–", words: "skipped", colour: "dim" },
  notrun: { mark: "·", words: "not run", colour: "dim" },
};

export const report = {
  firstFailure: "What went wrong",
  where: "at",
  workers: "what each process was doing",
  yourOutput: "your code printed (not the grader)",
  runtimeOutput: "the runtime printed",
  seed: (seed: number, replay: string) => `perturbation seed ${seed}: replay with ${replay}`,
  accidental: "the untouched starter passes this too: it says little until your TODOs are done",
  scenarioCount: (passed: number, total: number, skipped: number) =>
    `${passed}/${total} scenarios pass${skipped ? ` (${skipped} of them skipped on this runtime)` : ""}`,
  repeated: (passed: number, runs: number) => `passed ${passed}/${runs}`,
  otherOutcomes: (counts: string) => `(${counts})`,
  run: (n: number, runs: number, passed: number, total: number) => `run ${n}/${runs}: ${passed}/${total} scenarios pass`,
  typeErrorsTitle: (file: string, n: number) => `${file} has ${n} type error${n === 1 ? "" : "s"}`,
  solvedButTypes: (file: string, n: number) =>
    `all scenarios pass, but ${file} has ${n} type error${n === 1 ? "" : "s"}: fix ${n === 1 ? "it" : "them"} and the cell is solved`,
  typeCheckFailed: (why: string) => `the type check could not run: ${why}`,
  missingStarter: (file: string, cell: string) =>
    `${file} does not exist, so there is nothing to grade: \`npm start -- reset ${cell}\` puts back the starter as shipped.`,
} as const;

/** What the budget cut, and how much: the learner should know something is missing. */
export const clipped = {
  lines: (n: number) => `… ${n.toLocaleString("en-US")} more line${n === 1 ? "" : "s"}`,
  string: (n: string) => `a ${n}-character string`,
  run: (n: string) => `${n} characters in all`,
  chars: (n: string) => `${n} more characters`,
  processes: (n: number) => `… ${n} more process${n === 1 ? "" : "es"}`,
  scenarios: (n: number) => `… ${n} more scenario line${n === 1 ? "" : "s"} not shown (this cell's report is full)`,
  report: (lines: number) => `… the rest of this report was cut (${lines.toLocaleString("en-US")} more lines): it is kept to 200 lines per cell`,
};

/** The end of `npm test`: every cell graded, in workshop order, and where to go next. */
export const summary = {
  title: (solution: boolean) => (solution ? "Solutions, in workshop order:" : "Your cells, in workshop order:"),
  row: (id: string, text: string) => `${id.padEnd(14)} ${text}`,
  missing: "no starter.ts (reset it to get it back)",
  typeErrors: (n: number) => `all scenarios pass, but ${n} type error${n === 1 ? "" : "s"} (see above)`,
  begin: (id: string, chapter: string) =>
    `Begin with ${id}: read workshops/${chapter}/README.md, edit workshops/${id}/starter.ts,\nthen \`npm test -- ${id}\` — or \`npm start -- ${id}\`, which re-grades on every save and has hints.`,
  continue: (id: string, solved: number, total: number) =>
    `${solved} of ${total} cells solved. Continue with ${id}: edit workshops/${id}/starter.ts, then \`npm test -- ${id}\`\n(or \`npm start -- ${id}\`, which re-grades on every save and has hints).`,
  allSolved: (total: number, solution: boolean) =>
    solution ? `Every solution passes (${total} cell${total === 1 ? "" : "s"}).` : `Every cell you graded is solved (${total} of ${total}). Well done!`,
  closing: (passed: number, failed: number) => `scenarios: ${passed} passed, ${failed} failed`,
};
