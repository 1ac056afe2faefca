// A mutant: one planted bug in a solution, as a literal find/replace on one file of the cell.
// verify:full copies the cell's folder, applies the change, grades the copy, and checks that the
// first failing verdict (in scenario order, as the learner sees it) contains every `expect` word.
import type { Runtime } from "@workshop/process";

export interface Mutant {
  runtime: Runtime;
  /** What the bug is, as a learner would make it. */
  name: string;
  /** The file of the cell's folder to change (default "solution.ts"). */
  file?: string;
  find: string;
  replace: string;
  /**
   * Words (case-insensitive) the first failing verdict's status + message must contain: the verdict
   * names the bug's class ("two holders", "lost updates", "EOF", …), not just "something failed".
   */
  expect: string[];
  /**
   * A bug that shows only when a race goes its way (two threads inside a critical section at
   * once): graded up to this many times, each with its own perturbation seed; caught once is caught.
   */
  race?: number;
}
