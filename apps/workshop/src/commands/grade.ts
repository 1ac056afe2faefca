// `npm start -- grade <cell>`: grade once, print each scenario as it finishes and the first
// failure in full; exit code 0 only when every scenario passes (for editors and scripts).
import type { Cell } from "@workshop/harness";
import { gradeStarter, scenarioCount } from "../grading.ts";
import { STATE_DIR } from "../state/paths.ts";
import { strings } from "../strings.ts";
import { paint } from "../ui/terminal.ts";
import { failureDetails, scenarioLine, summaryLine } from "../ui/verdict.ts";

export async function gradeCommand(c: Cell, write: (s: string) => void): Promise<boolean> {
  const total = await scenarioCount(c);
  write(`${paint.bold(c.id)} ${paint.dim(strings.grading)}\n`);
  const g = await gradeStarter(STATE_DIR, c, { onVerdict: (v) => write(`${scenarioLine(v)}\n`) });
  write(`${summaryLine(g.verdicts, total)} ${paint.dim(`(${Math.round(g.ms)} ms)`)}\n`);
  const failed = g.verdicts.find((v) => v.status !== "pass");
  if (failed) write(`${failureDetails(failed)}\n`);
  else if (g.passed) write(`${paint.green(strings.solved(c.id))}\n`);
  return g.passed;
}
