// Fixture cells for the harness's own tests, written to a scratch folder inside the repo (so
// @workshop/* still resolve). Each exports `work()` (called by test/scenarios.ts in the top process
// or in a child) and stands for a way a learner's file can go wrong.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../src/cells.ts";

export const SCRATCH = join(REPO, "packages/harness/test/.scratch");

const url = "export const url = import.meta.url;";

export const fixtures = {
  /** Returns at once: every scenario passes. */
  fine: `${url}\nexport function work() { return 42; }`,
  /** work() never settles and nothing else happens: a deadlock. */
  hangs: `${url}\nexport function work() { return new Promise(() => {}); }`,
  /** work() spins without yielding: busy, not waiting. */
  spins: `${url}\nexport function work() { for (;;) {} }`,
  /** work() polls forever, yielding a macrotask each time: busy too, though the event loop turns. */
  polls: `${url}\nconst turn = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => { c.port1.close(); r(0); }; c.port2.postMessage(0); });\nexport async function work() { for (;;) await turn(); }`,
  /** A loop at the top level: the file never finishes loading. */
  loopsOnLoad: `${url}\nlet n = 0;\nwhile (n >= 0) n++;\nexport function work() { return n; }`,
  /** A top-level await on nothing: the file never finishes loading, idly. */
  awaitsOnLoad: `${url}\nawait new Promise(() => {});\nexport function work() { return 1; }`,
  /** A rejection nobody handles, from inside work(). */
  rejects: `${url}\nexport async function work() {\n  void Promise.reject(new Error("nobody caught me"));\n  await new Promise((r) => setTimeout(r, 500));\n  return 1;\n}`,
  /** An error thrown in a timer callback: uncaught. */
  throwsLater: `${url}\nexport function work() {\n  return new Promise(() => setTimeout(() => { throw new Error("thrown in a timer"); }, 10));\n}`,
  /** Throws undefined: the harness must still describe it. */
  throwsUndefined: `${url}\nexport function work() {\n  throw undefined;\n}`,
  /** Ends its process halfway through the work. */
  exits: `${url}\nimport process from "node:process";\nexport async function work() {\n  process.exit(0);\n}`,
  /** Allocates without end. */
  allocates: `${url}\nexport function work() {\n  const kept = [];\n  for (;;) kept.push(new Uint8Array(16 << 20).fill(1));\n}`,
  /** Starts a detached grandchild that would outlive the run (Node and Bun only). */
  detaches: `${url}\nimport { spawn } from "node:child_process";\nexport function work() {\n  spawn("sleep", ["__SLEEP__"], { detached: true, stdio: "ignore" }).unref();\n  return new Promise(() => {});\n}`,
  /** Throws while loading. */
  throwsOnImport: `${url}\nexport function work() { return 1; }\nthrow new Error("broken on purpose");`,
  /** Imports a module that does not exist. */
  missingImport: `${url}\nimport { nothing } from "./does-not-exist.ts";\nexport function work() { return nothing; }`,
  /** Does not parse. */
  syntaxError: `${url}\nexport function work() { return {; }`,
  /** Prints, then throws. */
  chatty: `${url}\nexport function work() { console.log("hello from the learner"); throw new Error("no work today"); }`,
};

export type Fixture = keyof typeof fixtures;

/** The detached grandchild's `sleep` argument, one per runtime: the runtimes' test files run side by
 *  side, and one file's deliberate grandchild must not count as another's leftover. */
export function detachedSleep(runtime: string): string {
  return { node: "31.25", bun: "31.26", deno: "31.27" }[runtime.split("-")[0] as "node"] ?? "31.28";
}

export function writeFixture(name: Fixture, runtime: string): string {
  const dir = join(SCRATCH, runtime);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, fixtures[name].replace("__SLEEP__", detachedSleep(runtime)));
  return file;
}

export function clearScratch(runtime: string): void {
  rmSync(join(SCRATCH, runtime), { recursive: true, force: true });
}
