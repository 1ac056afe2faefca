// The commands without a terminal: help, unknown commands and cells, and the hints one by one.
// In-process (support/cli.ts): nothing here is about time, so nothing here can time out on a busy machine.
import { expect, test } from "vitest";
import { useAppWithoutTerminal } from "./support/cli.ts";

const { app } = useAppWithoutTerminal();

test("an unknown cell says which cells there are", async () => {
  const r = await app("hint", "01-lock/cobol");
  expect(r.code).toBe(2);
  expect(r.err).toContain("Cells: 01-lock/node");
});

test("an unknown command says so, lists the commands and exits 2 (it does not start the app)", async () => {
  const r = await app("bogus");
  expect(r.code).toBe(2);
  expect(r.err).toContain("unknown command 'bogus'");
  expect(r.err).toMatch(/^ {2}hint <cell> \[--all\] +the next hint/m);
  expect(r.out).not.toContain("Progress");
});

test("help, --help and -h: every command with its arguments and what it does", async () => {
  for (const args of [["help"], ["--help"], ["-h"], ["hint", "--help"], ["01-lock/deno", "--help"]]) {
    const r = await app(...args);
    expect(r.code, args.join(" ")).toBe(0);
    expect(r.out).toContain("Usage: npm start -- <command> [options]");
    for (const line of r.out.split("\n")) expect(line.length, line).toBeLessThanOrEqual(80);
    for (const row of [
      "<cell> [--poll]",
      "list [--grade]",
      "next",
      "hint <cell> [--all]",
      "grade <cell> [--repeat N]",
      "demo <cell> [--solution]",
      "solution <cell> [--yes]",
      "reset <cell> [--yes]",
      "track [node|deno|bun|all]",
    ])
      expect(r.out).toMatch(new RegExp(`^ {2}${row.replace(/[[\]|]/g, "\\$&")} +\\S`, "m"));
    expect(r.out).not.toContain("Progress");
  }
});

test("after the last hint: says so, and --all shows every hint seen, numbered, with what remains", async () => {
  const cell = "02-pipe/node";
  expect((await app("hint", cell, "--all")).out).toContain(`No hints seen yet for ${cell}`);
  const first = (await app("hint", cell)).out;
  const total = Number(first.match(/Hint 1 of (\d+)/)![1]);
  const some = await app("hint", cell, "--all");
  expect(some.code).toBe(0);
  expect(some.out).toContain("Hint 1 of");
  expect(some.out).toContain(`1 of ${total} seen; ${total - 1} more`);
  let last = first;
  for (let i = 1; i < total; i++) last = (await app("hint", cell)).out;
  expect(last).toContain(`Hint ${total} of ${total}`);
  expect(last.replace(/\s+/g, " ")).toContain(
    `That was the last hint (${total} of ${total}). \`npm start -- hint ${cell} --all\` shows them all again; \`npm start -- solution ${cell}\` shows the solution.`,
  );
  const all = (await app("hint", cell, "--all")).out;
  for (let i = 1; i <= total; i++) expect(all).toContain(`Hint ${i} of ${total}`);
  expect(all).toContain(`That is every hint (${total} of ${total}).`);
});
