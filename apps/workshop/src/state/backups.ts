// Learner work is never lost: the app writes a starter only through `replaceStarter` (or, in reset,
// `backup` then `writeStarter`), which first copies the current file to
// .workshop/backups/<chapter>/<runtime>/<time>-starter.ts.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stamp } from "./progress.ts";

/** Copy `file` (the starter of `cellId`) to a timestamped backup; returns its path (undefined if there was no file). */
export function backup(stateDir: string, cellId: string, file: string, at = new Date()): string | undefined {
  if (!existsSync(file)) return undefined;
  const dir = join(stateDir, "backups", cellId);
  mkdirSync(dir, { recursive: true });
  let target = join(dir, `${stamp(at)}-starter.ts`);
  // Two resets in the same millisecond must not overwrite the first backup.
  for (let n = 2; existsSync(target); n++) target = join(dir, `${stamp(at)}-${n}-starter.ts`);
  copyFileSync(file, target);
  return target;
}

/** Back up, then write. Returns where the backup went. */
export function replaceStarter(stateDir: string, cellId: string, file: string, content: string): string | undefined {
  const saved = backup(stateDir, cellId, file);
  writeStarter(file, content);
  return saved;
}

/** The write itself: only after `backup` (reset calls them one by one, to say which one failed). */
export function writeStarter(file: string, content: string): void {
  writeFileSync(file, content);
}

export function backupsOf(stateDir: string, cellId: string): string[] {
  const dir = join(stateDir, "backups", cellId);
  return existsSync(dir)
    ? readdirSync(dir)
        .sort()
        .map((f) => join(dir, f))
    : [];
}
