// A mutant: one planted bug in a solution, as a literal find/replace on the solution's text.
import type { Runtime } from "@workshop/process";

export interface Mutant {
  runtime: Runtime;
  /** What the bug is, as a learner would make it. */
  name: string;
  find: string;
  replace: string;
}
