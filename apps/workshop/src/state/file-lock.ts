// A tiny lock file (open with "wx" — the same trick chapter 01 teaches for Node) so that two
// instances of the app read-modify-write the progress file one at a time.
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";

const STALE_MS = 5_000; // a holder this old crashed mid-write: its lock no longer counts
const GIVE_UP_MS = 3_000; // past this, write anyway: losing a merge beats hanging the app

export async function withFileLock<T>(path: string, critical: () => T): Promise<T> {
  const deadline = Date.now() + GIVE_UP_MS;
  let held = false;
  while (!held) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      if (isStale(path) || Date.now() > deadline) rmSync(path, { force: true });
      else await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    }
  }
  try {
    return critical();
  } finally {
    rmSync(path, { force: true });
  }
}

function isStale(path: string): boolean {
  try {
    if (Date.now() - statSync(path).mtimeMs > STALE_MS) return true;
    const pid = Number(readFileSync(path, "utf8"));
    if (!pid) return false; // being written right now
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ESRCH" || (err as NodeJS.ErrnoException).code === "ENOENT";
  }
}
