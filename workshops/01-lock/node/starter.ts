// 01-lock on Node — your exercise. Run `npm test -- 01-lock/node` to grade it.
//
// Make FileLock a real lock between processes, using a lock file: whoever creates the file holds
// the lock, and the file says who (the holder's pid). The Value and the folder for the file are
// given (value.ts). Read workshops/01-lock/README.md first; `npm start -- hint 01-lock/node` helps.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { type Lock, LockError } from "@workshop/contracts";
import { type Reduction, reduce, registerReviver } from "@workshop/process";
import { lockFilePath } from "./value.ts";

class FileLock implements Lock {
  constructor(readonly path: string) {}

  async acquire(_opts: { timeoutMs?: number } = {}): Promise<boolean> {
    // TODO(1): create this.path only if it does not exist yet — one atomic step — and write your
    //          pid into it. If it exists, someone holds the lock: sleep a little, then try again.
    // TODO(3): resolve false once opts.timeoutMs has passed. timeoutMs 0 means try once, no wait.
    // TODO(4): if the pid in the file belongs to no living process, the lock is stale: recover it.
    return true;
  }

  release(): void {
    // TODO(2): only the holder may release: if the pid in the file is not process.pid, throw the
    //          contract's LockError. Otherwise remove the file.
  }

  // A handle is just the path: any process can open the same file.
  [reduce](): Reduction {
    return { kind: "node-file-lock", module: import.meta.url, data: this.path };
  }
}

registerReviver("node-file-lock", (path: string) => new FileLock(path));

export function createLock(): Promise<Lock> {
  return Promise.resolve(new FileLock(lockFilePath()));
}

export { createValue } from "./value.ts";
