// Broken cells, written to a scratch folder inside the repo (so @workshop/* still resolve), for
// the harness's self-tests: each stands for a way a learner's file can go wrong.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../src/cells.ts";

export const SCRATCH = join(REPO, "packages/harness/test/.scratch");

export const brokenCells = {
  /** acquire() never resolves: the scenario must end as a deadlock, not a hung test run. */
  hangs: `
import { reduce, registerReviver } from "@workshop/process";
class Stuck {
  acquire() { return new Promise<boolean>(() => {}); }
  release() {}
  [reduce]() { return { kind: "stuck-lock", module: import.meta.url, data: null }; }
}
registerReviver("stuck-lock", () => new Stuck());
export async function createLock() { return new Stuck(); }
class LocalValue {
  v = 0;
  async get() { return this.v; }
  async set(n: number) { this.v = n; }
  [reduce]() { return { kind: "local-value", module: import.meta.url, data: null }; }
}
registerReviver("local-value", () => new LocalValue());
export async function createValue() { return new LocalValue(); }
`,
  /** Throws while loading: the verdict names the error and the line. */
  throwsOnImport: `
export async function createLock() { return null as never; }
throw new Error("broken on purpose");
export async function createValue() { return null as never; }
`,
  /** Imports a module that does not exist. */
  missingImport: `
import { nothing } from "./does-not-exist.ts";
export async function createLock() { return nothing; }
export async function createValue() { return nothing; }
`,
  /** Does not parse. */
  syntaxError: `
export async function createLock() { return {; }
`,
  /** Ends the whole runtime from inside the cell: no result, but a verdict all the same. */
  exitsEarly: `
export async function createLock() { console.error("bye"); process.exit(3); }
export async function createValue() { return null as never; }
`,
  /** Prints to the console, then fails: the output must be kept apart from the grader's words. */
  chatty: `
export async function createLock() { console.log("hello from the learner"); throw new Error("no lock today"); }
export async function createValue() { return null as never; }
`,
};

export type BrokenCell = keyof typeof brokenCells;

export function writeBrokenCell(name: BrokenCell, runtime: string): string {
  const dir = join(SCRATCH, runtime);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, brokenCells[name]);
  return file;
}

export function clearScratch(runtime: string): void {
  rmSync(join(SCRATCH, runtime), { recursive: true, force: true });
}
