// The commands without a terminal (scripts, editors, CI): they never wait on input, and their exit
// codes mean something. Grading, progress and reset; help and hints are in cli-help.test.ts.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { useAppWithoutTerminal } from "./support/cli.ts";

const { app, root } = useAppWithoutTerminal();

test("`npm start` without a terminal prints the list and how to begin, then exits 0", () => {
  const r = app();
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/Progress .* 0\/\d+ cells solved/);
  expect(r.out).toContain("01-lock   node ·  deno ·  bun ·");
  expect(r.out).toMatch(/To begin: run `npm start` in a terminal, or edit workshops\/01-lock\/\w+\/starter\.ts/);
  expect(r.out.includes("\x1b[")).toBe(false); // NO_COLOR
});

test("a broken progress file is rebuilt, not fatal", () => {
  mkdirSync(join(root(), ".workshop"), { recursive: true });
  writeFileSync(join(root(), ".workshop/progress.json"), "{{{");
  const r = app("list");
  expect(r.code).toBe(0);
  expect(r.out).toContain("cells solved");
});

test("hint gives one hint at a time and remembers", () => {
  expect(app("hint", "01-lock/bun").out).toContain("Hint 1 of");
  expect(app("hint", "01-lock/bun").out).toContain("Hint 2 of");
});

test("grade exits 1 on the untouched starter, 0 once it is solved; list and next follow", () => {
  const starter = join(root(), "workshops/01-lock/bun/starter.ts");
  const failing = app("grade", "01-lock/bun");
  expect(failing.code).toBe(1);
  expect(failing.out).toContain("What went wrong");
  writeFileSync(starter, readFileSync(join(root(), "workshops/01-lock/bun/solution.ts")));
  const passing = app("grade", "01-lock/bun");
  expect(passing.code, passing.out).toBe(0);
  expect(passing.out).toContain("01-lock/bun is solved");
  expect(app("list").out).toContain("bun ✓");
  expect(app("track", "bun").code).toBe(0);
  expect(app("next").out).not.toContain("01-lock/bun");
}, 60_000);

test("solution shows the diff; reset refuses without --yes, then backs up and restores", () => {
  const starter = join(root(), "workshops/01-lock/deno/starter.ts");
  writeFileSync(starter, "// my own attempt\n");
  const diff = app("solution", "01-lock/deno");
  expect(diff.code).toBe(0);
  expect(diff.out).toContain("-// my own attempt");
  expect(diff.out).toContain("--- workshops/01-lock/deno/starter.ts (yours)\n+++ workshops/01-lock/deno/solution.ts (solution)\n@@");
  const refused = app("reset", "01-lock/deno");
  expect(refused.code).toBe(1); // it did not do what was asked
  expect(refused.err).toContain("add --yes to reset");
  expect(readFileSync(starter, "utf8")).toBe("// my own attempt\n");
  const r = app("reset", "01-lock/deno", "--yes");
  expect(r.code).toBe(0);
  const backup = r.out.match(/saved at (\S+)/)![1]!;
  expect(readFileSync(join(root(), backup), "utf8")).toBe("// my own attempt\n");
  expect(readFileSync(starter, "utf8")).toContain("TODO");
});
