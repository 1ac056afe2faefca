// `r` / `npm start -- reset <cell>`: put back the starter as shipped (see state/pristine.ts for
// which git revision that is), after backing up the learner's file. The caller asks first.
import { relative as relativePath } from "node:path";
import { type Cell, REPO, targetFile } from "@workshop/harness";
import { replaceStarter } from "../state/backups.ts";
import { relative } from "../state/cells.ts";
import { STATE_DIR } from "../state/paths.ts";
import { pristineStarter } from "../state/pristine.ts";
import { markUnsolved, updateProgress } from "../state/progress.ts";
import { strings } from "../strings.ts";

export async function resetCommand(c: Cell): Promise<string> {
  const file = targetFile(c, "starter");
  let pristine: ReturnType<typeof pristineStarter>;
  try {
    pristine = pristineStarter(REPO, relativePath(REPO, file));
  } catch (err) {
    return strings.noPristine(relative(file), (err as Error).message);
  }
  const saved = replaceStarter(STATE_DIR, c.id, file, pristine.content);
  await updateProgress(STATE_DIR, (p) => markUnsolved(p, c.id));
  return [strings.resetDone(relative(file)), ...(saved ? [strings.backedUp(relative(saved))] : [])].join("\n");
}
