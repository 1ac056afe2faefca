// `r` / `npm start -- reset <cell>`: put back the starter as shipped (see state/pristine.ts for
// which git revision that is), after backing up the learner's file. The caller asks first. A
// deleted starter comes back too (a cell exists while its solution does). Whatever stops it — no
// pristine version, a read-only file — is said in a sentence, and nothing is changed.
import { relative as relativePath } from "node:path";
import { type Cell, REPO, targetFile } from "@workshop/harness";
import { backup, writeStarter } from "../state/backups.ts";
import { relative } from "../state/cells.ts";
import { STATE_DIR } from "../state/paths.ts";
import { pristineStarter } from "../state/pristine.ts";
import { markUnsolved, updateProgress } from "../state/progress.ts";
import { strings } from "../strings.ts";

export async function resetCommand(c: Cell): Promise<{ ok: boolean; text: string }> {
  const file = targetFile(c, "starter");
  let pristine: ReturnType<typeof pristineStarter>;
  try {
    pristine = pristineStarter(REPO, relativePath(REPO, file));
  } catch (err) {
    return { ok: false, text: strings.noPristine(relative(file), (err as Error).message) };
  }
  let saved: string | undefined;
  try {
    saved = backup(STATE_DIR, c.id, file);
  } catch (err) {
    return { ok: false, text: strings.cannotBackUp(relative(file), errnoOf(err)) };
  }
  try {
    writeStarter(file, pristine.content);
  } catch (err) {
    return { ok: false, text: strings.cannotWrite(relative(file), errnoOf(err)) };
  }
  await updateProgress(STATE_DIR, (p) => markUnsolved(p, c.id));
  return { ok: true, text: [strings.resetDone(relative(file)), ...(saved ? [strings.backedUp(relative(saved))] : [])].join("\n") };
}

const errnoOf = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;
