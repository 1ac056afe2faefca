// `npm start -- grade <cell> [--repeat N] [--seed S]`: grade once (or N times), print each scenario
// as it finishes and the first failure in full; exit code 0 only when every scenario passes (for
// editors and scripts).
import type { Cell } from "@workshop/harness";
import { gradeAndShow } from "../grading.ts";
import { STATE_DIR } from "../state/paths.ts";
import { strings } from "../strings.ts";
import { paint } from "../ui/terminal.ts";

export async function gradeCommand(c: Cell, write: (s: string) => void, opts: { repeat?: number; seed?: number } = {}): Promise<boolean> {
  const repeat = opts.repeat ?? 1;
  write(`${paint.bold(c.id)} ${paint.dim(repeat > 1 ? strings.repeating(repeat) : strings.grading)}\n`);
  const g = await gradeAndShow(STATE_DIR, c, (s) => write(`${s}\n`), { repeat, seed: opts.seed });
  if (g.passed) write(`${paint.green(strings.solved(c.id))}\n`);
  return g.passed;
}
