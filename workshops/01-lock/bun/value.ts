// 01-lock on Bun — the given parts: the shared counter. You write the lock server (starter.ts).
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Value } from "@workshop/contracts";
import { type Reduction, reduce, registerReviver } from "@workshop/process";

/**
 * Like Value('i', 0): four bytes of a file, mapped into every process that uses it (MAP_SHARED:
 * every process sees the same page) — what Python's Value does with mmap under the hood.
 */
class MappedValue implements Value {
  private readonly cell: Int32Array;

  constructor(readonly path: string) {
    const bytes = Bun.mmap(path);
    this.cell = new Int32Array(bytes.buffer, bytes.byteOffset, 1);
  }

  async get(): Promise<number> {
    return Atomics.load(this.cell, 0);
  }

  async set(v: number): Promise<void> {
    Atomics.store(this.cell, 0, v);
  }

  // A handle is just the path: each process maps the same file.
  [reduce](): Reduction {
    return { kind: "bun-mapped-value", module: import.meta.url, data: this.path };
  }
}

registerReviver("bun-mapped-value", (path: string) => new MappedValue(path));

export function createValue(initial: number): Promise<Value> {
  const path = join(tmpdir(), `value-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, initial, true); // little-endian, as Int32Array reads it here
  writeFileSync(path, bytes);
  return Promise.resolve(new MappedValue(path));
}
