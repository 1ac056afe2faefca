// The commands without a terminal (scripts, editors, CI): they never wait on input, and their exit
// codes mean something. Run on a copy of the repo: grading and reset write state and starters.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "@workshop/harness";
import { afterAll, beforeAll, expect, test } from "vitest";
import { copyRepo } from "./support/repo-copy.ts";

let copy: ReturnType<typeof copyRepo>;
beforeAll(() => {
  copy = copyRepo(REPO);
});
afterAll(() => copy?.cleanup());

function app(...args: string[]) {
  const r = spawnSync(join(copy.root, "node_modules/.bin/tsx"), [join(copy.root, "apps/workshop/src/main.ts"), ...args], {
    cwd: copy.root,
    encoding: "utf8",
    env: { ...process.env, CI: "true", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"], // no terminal anywhere
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("`npm start` without a terminal prints the list and how to begin, then exits 0", () => {
  const r = app();
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/Progress .* 0\/\d+ cells solved/);
  expect(r.out).toContain("01-lock   node ·  deno ·  bun ·");
  expect(r.out).toMatch(/To begin: run `npm start` in a terminal, or edit workshops\/01-lock\/\w+\/starter\.ts/);
  expect(r.out.includes("\x1b[")).toBe(false); // NO_COLOR
});

test("a broken progress file is rebuilt, not fatal", () => {
  mkdirSync(join(copy.root, ".workshop"), { recursive: true });
  writeFileSync(join(copy.root, ".workshop/progress.json"), "{{{");
  const r = app("list");
  expect(r.code).toBe(0);
  expect(r.out).toContain("cells solved");
});

test("hint gives one hint at a time and remembers", () => {
  expect(app("hint", "01-lock/bun").out).toContain("Hint 1 of");
  expect(app("hint", "01-lock/bun").out).toContain("Hint 2 of");
});

test("grade exits 1 on the untouched starter, 0 once it is solved; list and next follow", () => {
  const starter = join(copy.root, "workshops/01-lock/bun/starter.ts");
  const failing = app("grade", "01-lock/bun");
  expect(failing.code).toBe(1);
  expect(failing.out).toContain("What went wrong");
  writeFileSync(starter, readFileSync(join(copy.root, "workshops/01-lock/bun/solution.ts")));
  const passing = app("grade", "01-lock/bun");
  expect(passing.code, passing.out).toBe(0);
  expect(passing.out).toContain("01-lock/bun is solved");
  expect(app("list").out).toContain("bun ✓");
  expect(app("track", "bun").code).toBe(0);
  expect(app("next").out).not.toContain("01-lock/bun");
}, 60_000);

test("solution shows the diff; reset refuses without --yes, then backs up and restores", () => {
  const starter = join(copy.root, "workshops/01-lock/deno/starter.ts");
  writeFileSync(starter, "// my own attempt\n");
  expect(app("solution", "01-lock/deno").out).toContain("-// my own attempt");
  const refused = app("reset", "01-lock/deno");
  expect(refused.code).toBe(2);
  expect(readFileSync(starter, "utf8")).toBe("// my own attempt\n");
  const r = app("reset", "01-lock/deno", "--yes");
  expect(r.code).toBe(0);
  const backup = r.out.match(/saved at (\S+)/)![1]!;
  expect(readFileSync(join(copy.root, backup), "utf8")).toBe("// my own attempt\n");
  expect(readFileSync(starter, "utf8")).toContain("TODO");
});

test("an unknown cell says which cells there are", () => {
  const r = app("hint", "01-lock/cobol");
  expect(r.code).toBe(2);
  expect(r.err).toContain("Cells: 01-lock/node");
});
