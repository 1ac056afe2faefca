// Mutants of the 01-lock solutions: each plants one classic bug; the scenarios must catch every
// one (verify:full). A mutant whose `find` no longer matches is reported, so they keep up with edits.
import type { Mutant } from "./mutant.ts";

export const mutants: Mutant[] = [
  { runtime: "node", name: "acquire never waits", find: "if (this.tryCreate()) return true;", replace: "return true;", expect: [] },
  { runtime: "node", name: "release does not check the owner", find: "if (owner !== process.pid) {", replace: "if (owner === -1) {", expect: [] },
  { runtime: "node", name: "stale locks are never recovered", find: "      this.recoverIfStale();\n", replace: "", expect: [] },
  { runtime: "node", name: "acquire ignores its timeout", find: "if (left <= 0) return false;", replace: "", expect: [] },
  {
    runtime: "deno",
    name: "acquire claims without compare-and-swap",
    find: "if (Atomics.compareExchange(this.word, STATE, FREE, this.me) === FREE) return GRANTED;",
    replace: "Atomics.store(this.word, STATE, this.me);\n    return GRANTED;",
    expect: [],
  },
  { runtime: "deno", name: "release does not check the owner", find: "if (holder !== this.me) {", replace: "if (holder === -1) {", expect: [] },
  { runtime: "deno", name: "acquire ignores its timeout", find: "if (left <= 0) return false;", replace: "", expect: [] },
  {
    runtime: "bun",
    name: "the server grants to everyone",
    find: "if (this.holder === null && this.waiters.length === 0) {",
    replace: "if (true) {",
    expect: [],
  },
  { runtime: "bun", name: "release does not check the owner", find: "if (this.holder !== who) {", replace: "if (this.holder === '-') {", expect: [] },
  { runtime: "bun", name: "a dead holder keeps the lock", find: "if (this.holder === who) this.handOver();", replace: "", expect: [] },
  { runtime: "bun", name: "waiters never time out", find: "grant(false);", replace: "", expect: [] },
];
