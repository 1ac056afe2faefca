// The commands without a terminal (scripts, editors, CI): they never wait on input, their exit
// codes mean something, and whatever goes wrong is said in a sentence. Grading, progress, reset and
// solution; help and hints are in cli-help.test.ts. In-process, on a copy of the repo (support/cli.ts).
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { useAppWithoutTerminal } from "./support/cli.ts";

const { app, root } = useAppWithoutTerminal();
const brokenProgress = () => {
  mkdirSync(join(root(), ".workshop"), { recursive: true });
  writeFileSync(join(root(), ".workshop/progress.json"), "{{{");
};

test("`npm start` without a terminal prints the list and how to begin, then exits 0", async () => {
  const r = await app();
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/Progress .* 0\/\d+ cells solved/);
  expect(r.out).toContain("01-lock   node ·  deno ·  bun ·");
  expect(r.out).toMatch(/To begin: run `npm start` in a terminal, or edit workshops\/01-lock\/\w+\/starter\.ts/);
  expect(r.out.includes("\x1b[")).toBe(false); // NO_COLOR
});

test("`npm start -- <cell>` without a terminal says watch mode needs one and how to grade it", async () => {
  const r = await app("01-lock/deno");
  expect(r.code).toBe(0);
  expect(r.out).toContain("Watch mode needs a terminal. `npm start -- grade 01-lock/deno` grades it once");
});

test("every command that finds a broken progress file says so, and where the old one went (grade: below)", async () => {
  for (const args of [["list"], ["next"], ["hint", "01-lock/node"], ["track"], []]) {
    brokenProgress();
    const r = await app(...args);
    expect(r.code, args.join(" ")).toBe(0);
    const aside = r.err.match(/the old file is at (\S+)\.$/m)?.[1];
    expect(aside, `${args.join(" ")}: ${r.err}`).toMatch(/^\.workshop\/progress\.json\.broken-/);
    expect(readFileSync(join(root(), aside!), "utf8")).toBe("{{{");
  }
  for (const f of readdirSync(join(root(), ".workshop"))) if (f.includes("broken")) rmSync(join(root(), ".workshop", f));
});

test("hint gives one hint at a time and remembers", async () => {
  expect((await app("hint", "01-lock/bun")).out).toContain("Hint 1 of");
  expect((await app("hint", "01-lock/bun")).out).toContain("Hint 2 of");
});

test("grade exits 1 on the untouched starter, 0 once it is solved; list and next follow; --repeat says passed N/N", async () => {
  const starter = join(root(), "workshops/01-lock/bun/starter.ts");
  brokenProgress(); // grade says so too (when it records the outcome)
  const failing = await app("grade", "01-lock/bun");
  expect(failing.err).toMatch(/Your progress file was unreadable, .* the old file is at \.workshop\/progress\.json\.broken-/);
  expect(failing.code).toBe(1);
  expect(failing.out).toContain("What went wrong");
  expect(failing.out).toMatch(/Next: workshops\/01-lock\/bun\/starter\.ts:\d+/);
  writeFileSync(starter, readFileSync(join(root(), "workshops/01-lock/bun/solution.ts")));
  const passing = await app("grade", "01-lock/bun", "--repeat", "2");
  expect(passing.code, passing.out).toBe(0);
  expect(passing.out).toContain("run 2/2:");
  expect(passing.out).toMatch(/✓ .* — passed 2\/2/);
  expect(passing.out).toContain("01-lock/bun is solved");
  expect((await app("list")).out).toContain("bun ✓");
  expect((await app("track", "bun")).code).toBe(0);
  expect((await app("next")).out).not.toContain("01-lock/bun");
  expect((await app("grade", "01-lock/bun", "--repeat", "zero")).code).toBe(2);
});

test("solution needs --yes without a terminal, like reset; reset refuses without it, then backs up and restores", async () => {
  const starter = join(root(), "workshops/01-lock/deno/starter.ts");
  writeFileSync(starter, "// my own attempt\n");
  const refusedDiff = await app("solution", "01-lock/deno");
  expect(refusedDiff.code).toBe(1);
  expect(refusedDiff.err).toContain("add --yes to see the solution");
  expect(refusedDiff.out).toBe("");
  const diff = await app("solution", "01-lock/deno", "--yes");
  expect(diff.code).toBe(0);
  expect(diff.out).toContain("-// my own attempt");
  expect(diff.out).toContain("--- workshops/01-lock/deno/starter.ts (yours)\n+++ workshops/01-lock/deno/solution.ts (solution)\n@@");
  const refused = await app("reset", "01-lock/deno");
  expect(refused.code).toBe(1); // it did not do what was asked
  expect(refused.err).toContain("add --yes to reset");
  expect(readFileSync(starter, "utf8")).toBe("// my own attempt\n");
  const r = await app("reset", "01-lock/deno", "--yes");
  expect(r.code).toBe(0);
  const backup = r.out.match(/saved at (\S+)/)![1]!;
  expect(readFileSync(join(root(), backup), "utf8")).toBe("// my own attempt\n");
  expect(readFileSync(starter, "utf8")).toContain("TODO");
});

test("a deleted starter: the cell stays, grading says so in a sentence, reset brings it back", async () => {
  const starter = join(root(), "workshops/01-lock/node/starter.ts");
  rmSync(starter);
  expect((await app("list")).out).toContain("01-lock   node ·");
  const graded = await app("grade", "01-lock/node");
  expect(graded.code).toBe(1);
  expect(graded.out).toContain(
    "workshops/01-lock/node/starter.ts does not exist, so there is nothing to grade: `npm start -- reset 01-lock/node` puts back the starter as shipped.",
  );
  const r = await app("reset", "01-lock/node", "--yes");
  expect(r.code, r.err).toBe(0);
  expect(r.out).toContain("Reset workshops/01-lock/node/starter.ts to the starter as shipped.");
  expect(readFileSync(starter, "utf8")).toContain("TODO");
});

test("reset of a read-only starter says so in a sentence, and changes nothing", async (ctx) => {
  const starter = join(root(), "workshops/02-pipe/bun/starter.ts");
  writeFileSync(starter, "// mine\n");
  // root ignores file modes: make it immutable instead, where the file system allows.
  const asRoot = process.getuid?.() === 0;
  try {
    if (asRoot) execFileSync("chattr", ["+i", starter], { stdio: "ignore" });
    else chmodSync(starter, 0o444);
  } catch {
    ctx.skip();
  }
  try {
    const r = await app("reset", "02-pipe/bun", "--yes");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Could not write workshops\/02-pipe\/bun\/starter\.ts: it is read-only \(E(ACCES|PERM)\)\. Make it writable/);
    expect(r.err).not.toMatch(/^\s+at /m); // a sentence, not a stack
  } finally {
    if (asRoot) execFileSync("chattr", ["-i", starter], { stdio: "ignore" });
    else chmodSync(starter, 0o644);
  }
  expect(readFileSync(starter, "utf8")).toBe("// mine\n");
  expect(existsSync(starter)).toBe(true);
});
