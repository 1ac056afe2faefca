// 01-lock on Node — instructor solution.
// A lock file: whoever creates it first holds the lock. open(path, "wx") is O_CREAT|O_EXCL, which
// the kernel makes atomic: of many processes racing to create the file, exactly one succeeds.
// The file holds the owner's pid, so release() can check ownership and a lock whose owner died
// (a stale lock) can be recovered. The shared counter (a second file) is in value.ts.
//
// The file calls are synchronous: each takes microseconds, and a trip through libuv's thread pool
// would cost ten times that. Only the waiting between tries is asynchronous.
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { type Lock, LockError } from "@workshop/contracts";
import { type Reduction, reduce, registerReviver } from "@workshop/process";
import { lockFilePath } from "./value.ts";

const MAX_BACKOFF_MS = 2; // short: a waiter notices a release within a couple of ms
const STALE_GUARD_MS = 1_000; // a recovery guard older than this belongs to a recoverer that died

class FileLock implements Lock {
  constructor(readonly path: string) {}

  async acquire(opts: { timeoutMs?: number } = {}): Promise<boolean> {
    const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
    let backoff = 0.5;
    for (;;) {
      if (this.tryCreate()) return true;
      this.recoverIfStale();
      const left = deadline - Date.now();
      if (left <= 0) return false;
      // Back off, with jitter so waiting processes don't retry in lockstep.
      await sleep(Math.min(left, backoff * (0.5 + Math.random())));
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    }
  }

  release(): void {
    const owner = this.owner();
    if (owner !== process.pid) {
      throw new LockError(owner === undefined ? "release() of a lock that is not held" : `release() by pid ${process.pid}, but pid ${owner} holds the lock`);
    }
    unlinkSync(this.path);
  }

  /** O_EXCL: create the file only if it does not exist — the atomic test-and-set. */
  private tryCreate(): boolean {
    let fd: number;
    try {
      fd = openSync(this.path, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw err;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  }

  /** The pid in the lock file; undefined if there is no lock file; NaN while it is being written. */
  private owner(): number | undefined {
    try {
      return Number.parseInt(readFileSync(this.path, "utf8"), 10);
    } catch {
      return undefined;
    }
  }

  /**
   * If the holder died, remove its lock file. Two waiters may notice at once, so the check and the
   * removal happen under a second lock file (the guard): without it, one could delete the fresh
   * lock the other just created.
   */
  private recoverIfStale(): void {
    const owner = this.owner();
    if (owner === undefined || Number.isNaN(owner) || isAlive(owner)) return;
    const guard = `${this.path}.recover`;
    try {
      writeFileSync(guard, String(process.pid), { flag: "wx" });
    } catch {
      removeIfOlderThan(guard, STALE_GUARD_MS);
      return; // someone else is recovering; try again on the next round
    }
    try {
      if (this.owner() === owner) unlinkSync(this.path);
    } finally {
      unlinkSync(guard);
    }
  }

  // A handle is just the path: any process can open the same file.
  [reduce](): Reduction {
    return { kind: "node-file-lock", module: import.meta.url, data: this.path };
  }
}

registerReviver("node-file-lock", (path: string) => new FileLock(path));

/** process.kill(pid, 0) sends nothing: it only asks whether the process exists. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, but not ours
  }
}

function removeIfOlderThan(file: string, ms: number): void {
  try {
    if (Date.now() - statSync(file).mtimeMs > ms) unlinkSync(file);
  } catch {
    // gone already
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function createLock(): Promise<Lock> {
  return Promise.resolve(new FileLock(lockFilePath()));
}

export { createValue } from "./value.ts";
