// The verdict of one scenario run: JSON, so the test runner, the app and CI all read the same thing.
import type { Message } from "@workshop/i18n/message";
import type { JournalLine } from "@workshop/process/journal";

/**
 * What happened, each cause with its own name (the renderer words them for the learner):
 * - pass      every property held
 * - fail      a property did not hold: the scenario's teaching message says which
 * - deadlock  processes alive and waiting on each other (begin without end, cores idle)
 * - busy      alive, on a core, no progress: a loop that never yields
 * - loading   the graded file never finished loading (a loop or a stuck await at its top level)
 * - crash     an uncaught error or unhandled rejection, with its stack
 * - exited    a process exited (process.exit / Deno.exit) before its function returned
 * - oom       a process went past the memory cap
 * - error     the file could not run at all: it does not compile, an import is missing, it threw on load
 * - skipped   not graded on this runtime: the mechanism cannot have the property (counts as passing)
 * - notrun    not run: an earlier verdict already says the file cannot run or load (does not pass)
 */
export type Status = "pass" | "fail" | "deadlock" | "busy" | "loading" | "crash" | "exited" | "oom" | "error" | "skipped" | "notrun";

/** The journal's name for the runner loading the graded file (watched for a load that never ends). */
export const LOADING_OP = "load";

export const STATUSES: readonly Status[] = ["pass", "fail", "deadlock", "busy", "loading", "crash", "exited", "oom", "error", "skipped", "notrun"];

export interface WorkerReport {
  id: string;
  name: string;
  exitCode: number | null;
  /** The last few things it did, newest last: "acquire → ok", "release". */
  last: string[];
  /** What it was blocked in when the run ended, if anything: "acquire (for 1.2 s)". */
  waiting?: string;
  /** Share of one core it used while the run was stalled (0..1), when measured. */
  cpu?: number;
  /** Resident memory at its peak (bytes), when measured. */
  peakRss?: number;
}

export interface Verdict {
  cell: string;
  file: string;
  scenario: string;
  title: string;
  status: Status;
  /** The teaching message: what went wrong and what it usually means (in the grading's language). */
  message?: string;
  /**
   * The same message as data — a catalogue key and its params (@workshop/i18n) — so a view can
   * render it again, in another language. The Next: pointer to a TODO is not part of it.
   */
  text?: Message;
  /** file:line in the learner's file where the error came from, when known. */
  where?: string;
  /** The perturbation seed of this run (replay with `--seed`). */
  seed?: number;
  /** This scenario passes on the untouched starter too: its pass says little until the TODOs are done. */
  accidental?: boolean;
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
  /** Where the time went (ms), for the grading bench and docs/grading-time.md. */
  timing?: Timing;
}

export interface Timing {
  /** Node: esbuild bundling of runner, scenario and cell (0 when cached). */
  build: number;
  /** Spawn of the runtime → the runner running (its journal's first line). */
  boot: number;
  /** Importing the graded file. */
  load: number;
  /** Children started, and the median time from a child's start to it running its target. */
  children: number;
  childBoot: number;
  /** The scenario itself: the file loaded → its last journal line. */
  work: number;
  /** Its last journal line → the runtime's process group gone. */
  teardown: number;
}

/** What to run, as the harness tells a runner on its stdin (runner.ts). */
export interface Go {
  scenario: string;
  /** URL of the graded module (for Node, its bundle). */
  cell: string;
  seed: number | null;
}

/** What the runner inside the runtime writes; the harness adds the rest from the journal. */
export interface RunnerResult {
  status: "pass" | "fail" | "error" | "crash" | "exited";
  /**
   * What went wrong as text: the runtime cannot translate, so for a keyed message this is only its
   * encoded form (`lock:counter.lostUpdates {"expected":1000,"got":731}`); the harness renders `text`.
   */
  message?: string;
  /** The message as a catalogue key and params, rendered in Node in the grading's language. */
  text?: Message;
  data?: unknown;
  stack?: string;
}
