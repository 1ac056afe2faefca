// `npm start -- list [--grade]`: every cell with its status. Statuses come from the progress cache;
// --grade re-grades every cell first, refreshing the cache from the truth.
import { cells } from "@workshop/harness";
import { gradeStarter } from "../grading.ts";
import { cellStatus } from "../state/cells.ts";
import { STATE_DIR } from "../state/paths.ts";
import { readProgress } from "../state/progress.ts";
import { renderList } from "../ui/list.ts";
import { paint } from "../ui/terminal.ts";

export async function listCommand(opts: { grade?: boolean; current?: string; write?: (s: string) => void } = {}): Promise<string> {
  const all = cells();
  if (opts.grade) {
    for (const c of all) {
      const g = await gradeStarter(STATE_DIR, c);
      opts.write?.(`${c.id} ${g.passed ? paint.green("✓") : paint.red("✗")}\n`);
    }
  }
  const progress = readProgress(STATE_DIR);
  return renderList(all, (c) => cellStatus(progress, c), opts.current);
}
