// 01-lock on Deno — the given parts: the shared counter. You write the lock (starter.ts).
import type { Value } from "@workshop/contracts";
import { type Reduction, reduce, registerReviver } from "@workshop/process";

/** Like Value('i', 0): one Int32 in shared memory, which every worker sees. */
class SharedValue implements Value {
  constructor(private readonly cell: Int32Array) {}

  get(): Promise<number> {
    return Promise.resolve(Atomics.load(this.cell, 0));
  }

  set(v: number): Promise<void> {
    Atomics.store(this.cell, 0, v);
    return Promise.resolve();
  }

  // Passing it to a worker shares the memory: structured clone keeps a SharedArrayBuffer shared.
  [reduce](): Reduction {
    return { kind: "deno-shared-value", module: import.meta.url, data: this.cell };
  }
}

registerReviver("deno-shared-value", (cell: Int32Array) => new SharedValue(cell));

export function createValue(initial: number): Promise<Value> {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  cell[0] = initial;
  return Promise.resolve(new SharedValue(cell));
}
