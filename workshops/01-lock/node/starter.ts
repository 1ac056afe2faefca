// 01-lock on Node — your exercise. Run `npm test -- 01-lock/node` to grade it.
//
// Make FileLock a real lock between processes, using a lock file: whoever creates the file holds
// the lock. The Value (a counter in a file) and the plumbing that hands both to child processes
// are done for you. Read workshops/01-lock/README.md first; `npm start -- hint 01-lock/node` helps.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Lock, Value } from "@workshop/contracts";
import { type Reduction, reduce, registerReviver } from "@workshop/process";

class FileLock implements Lock {
  constructor(readonly path: string) {}

  async acquire(_opts: { timeoutMs?: number } = {}): Promise<boolean> {
    // TODO(1): create this.path only if it does not exist yet, in one atomic step, and write your
    //          pid into it. If it exists, someone holds the lock: wait a little and try again.
    // TODO(2): give up and resolve false once opts.timeoutMs has passed.
    // TODO(4): if the pid in the file belongs to a process that no longer exists, the lock is stale.
    return true;
  }

  release(): void {
    // TODO(3): only the holder may release: if the pid in the file is not process.pid, throw the
    //          contract's LockError. Otherwise remove the file.
  }

  [reduce](): Reduction {
    return { kind: "node-file-lock", module: import.meta.url, data: this.path };
  }
}

/** Like Value('i', 0), kept in a file. Not atomic by itself: that is what the lock is for. */
class FileValue implements Value {
  constructor(readonly path: string) {}

  get(): Promise<number> {
    return Promise.resolve(Number(readFileSync(this.path, "utf8")));
  }

  set(v: number): Promise<void> {
    writeFileSync(this.path, String(v));
    return Promise.resolve();
  }

  [reduce](): Reduction {
    return { kind: "node-file-value", module: import.meta.url, data: this.path };
  }
}

registerReviver("node-file-lock", (path: string) => new FileLock(path));
registerReviver("node-file-value", (path: string) => new FileValue(path));

export function createLock(): Promise<Lock> {
  const dir = mkdtempSync(join(tmpdir(), "lock-"));
  return Promise.resolve(new FileLock(join(dir, "lock")));
}

export async function createValue(initial: number): Promise<Value> {
  const value = new FileValue(join(mkdtempSync(join(tmpdir(), "value-")), "value"));
  await value.set(initial);
  return value;
}
