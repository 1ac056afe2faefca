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
  expect(readFileSync(join(copy.root, backup), "utf8")).toBe("// my own attempt\n");
  expect(readFileSync(starter, "utf8")).toContain("TODO");
});

test("an unknown cell says which cells there are", () => {
  const r = app("hint", "01-lock/cobol");
  expect(r.code).toBe(2);
  expect(r.err).toContain("Cells: 01-lock/node");
});

test("an unknown command says so, lists the commands and exits 2 (it does not start the app)", () => {
  const r = app("bogus");
  expect(r.code).toBe(2);
  expect(r.err).toContain("unknown command 'bogus'");
  expect(r.err).toMatch(/^ {2}hint <cell> \[--all\] +the next hint/m);
  expect(r.out).not.toContain("Progress");
});

test("help, --help and -h: every command with its arguments and what it does", () => {
  for (const args of [["help"], ["--help"], ["-h"], ["hint", "--help"]]) {
    const r = app(...args);
    expect(r.code, args.join(" ")).toBe(0);
    expect(r.out).toContain("Usage: npm start -- <command> [options]");
    for (const line of r.out.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
    for (const row of [
      "list [--grade]",
      "next",
      "hint <cell> [--all]",
      "grade <cell>",
      "demo <cell> [--solution]",
      "solution <cell> [--yes]",
      "reset <cell> [--yes]",
      "track [node|deno|bun|all]",
    ])
      expect(r.out).toMatch(new RegExp(`^ {2}${row.replace(/[[\]|]/g, "\\$&")} +\\S`, "m"));
    expect(r.out).not.toContain("Progress");
  }
});

test("after the last hint: says so, and --all shows every hint seen, numbered, with what remains", () => {
  const cell = "02-pipe/node";
  expect(app("hint", cell, "--all").out).toContain(`No hints seen yet for ${cell}`);
  const first = app("hint", cell).out;
  const total = Number(first.match(/Hint 1 of (\d+)/)![1]);
  const some = app("hint", cell, "--all");
  expect(some.code).toBe(0);
  expect(some.out).toContain("Hint 1 of");
  expect(some.out).toContain(`1 of ${total} seen; ${total - 1} more`);
  let last = first;
  for (let i = 1; i < total; i++) last = app("hint", cell).out;
  expect(last).toContain(`Hint ${total} of ${total}`);
  expect(last.replace(/\s+/g, " ")).toContain(
    `That was the last hint (${total} of ${total}). \`npm start -- hint ${cell} --all\` shows them all again; \`npm start -- solution ${cell}\` shows the solution.`,
  );
  const all = app("hint", cell, "--all").out;
  for (let i = 1; i <= total; i++) expect(all).toContain(`Hint ${i} of ${total}`);
  expect(all).toContain(`That is every hint (${total} of ${total}).`);
}, 60_000);
