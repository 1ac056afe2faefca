// The verdict of one scenario run: JSON, so the test runner, the app and CI all read the same thing.
import type { JournalLine } from "@workshop/process/journal";

export type Status = "pass" | "fail" | "error" | "deadlock";

export interface WorkerReport {
  id: string;
  name: string;
  exitCode: number | null;
  /** The last few things it did, newest last: "acquire → ok", "release". */
  last: string[];
  /** What it was blocked in when the run ended, if anything: "acquire (for 1.2 s)". */
  waiting?: string;
}

export interface Verdict {
  cell: string;
  file: string;
  scenario: string;
  title: string;
  status: Status;
  /** The teaching message: what went wrong and what it usually means. */
  message?: string;
  /** file:line in the learner's file where the error came from, when known. */
  where?: string;
  durationMs: number;
  workers: WorkerReport[];
  /** The learner's own console output, per process, apart from the grader's. */
  output: { worker: string; stream: "stdout" | "stderr"; text: string }[];
  /** Raw stdout/stderr of the runtime itself (capped): crashes, runtime warnings. */
  runtimeOutput: string;
  /** What the scenario returned (a benchmark's figures). */
  data?: unknown;
  /** Primitive calls and process starts/exits, for a timeline (capped). */
  events: JournalLine[];
}

/** What the runner inside the runtime writes; the harness adds the rest from the journal. */
export interface RunnerResult {
  status: "pass" | "fail" | "error";
  message?: string;
  data?: unknown;
  stack?: string;
}
