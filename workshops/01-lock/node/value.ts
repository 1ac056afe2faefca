// 01-lock on Node — the given parts: the shared counter, and a place for the lock file.
// You write the lock (starter.ts); this is what it stands on.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Value } from "@workshop/contracts";
import { type Reduction, reduce, registerReviver } from "@workshop/process";

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

  // A handle is just the path: any process can open the same file.
  [reduce](): Reduction {
    return { kind: "node-file-value", module: import.meta.url, data: this.path };
  }
}

registerReviver("node-file-value", (path: string) => new FileValue(path));

export async function createValue(initial: number): Promise<Value> {
  const value = new FileValue(join(mkdtempSync(join(tmpdir(), "value-")), "value"));
  await value.set(initial);
  return value;
}

/** Where a new lock's file goes: a fresh folder of its own (the file itself is not there yet). */
export function lockFilePath(): string {
  return join(mkdtempSync(join(tmpdir(), "lock-")), "lock");
}
