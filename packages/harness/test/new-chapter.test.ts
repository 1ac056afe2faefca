// Nothing registers a chapter but its folder (docs/adding-a-chapter.md). This test proves it: in a
// copy of the repo's code with no chapter at all, it adds a throwaway chapter — a folder under
// workshops/ and its scenarios under tests/scenarios/, no other file — and runs verify's own steps
// there: the solution is graded and passes, the untouched starter is graded and fails, and a
// broken solution turns the step red.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../src/cells.ts";

/** What the copy needs to grade: the packages, verify's scripts, the scenarios' shared support. */
const KEEP = /^(package\.json|tsconfig[^/]*\.json|packages\/(?!harness\/test\/)|scripts\/|tests\/package\.json|tests\/scenarios\/support\.ts)/;

let root = "";

function copyCode(): void {
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: REPO, encoding: "utf8" })
    .split("\n")
    .filter((f) => KEEP.test(f));
  for (const f of files) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    try {
      copyFileSync(join(REPO, f), join(root, f));
    } catch {
      // listed by git but deleted in the working tree: not part of the code now
    }
  }
  // Third-party packages are shared with the real repo; @workshop/* point into the copy.
  mkdirSync(join(root, "node_modules/@workshop"), { recursive: true });
  for (const entry of readdirSync(join(REPO, "node_modules"))) {
    if (entry !== "@workshop") symlinkSync(join(REPO, "node_modules", entry), join(root, "node_modules", entry));
  }
  for (const pkg of ["contracts", "harness", "i18n", "process"]) symlinkSync(`../../packages/${pkg}`, join(root, "node_modules/@workshop", pkg));
  symlinkSync("../../tests", join(root, "node_modules/@workshop/tests"));
}

/** The throwaway chapter: a cell that echoes what it is given, back from a child process. */
function addChapter(solution: string): void {
  const dir = join(root, "workshops/98-echo");
  mkdirSync(join(dir, "node"), { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "@workshop/98-echo", private: true, type: "module", workshop: { title: "An echo", python: "print" } }),
  );
  writeFileSync(join(dir, "README.md"), "# 98 · An echo\n\nA chapter that exists only for a test.\n");
  const url = "export const url = import.meta.url;\n";
  writeFileSync(join(dir, "node/solution.ts"), url + solution);
  writeFileSync(
    join(dir, "node/starter.ts"),
    `${url}export function echo(x: unknown): unknown {\n  return undefined; // TODO(1): give back what you were given\n}\n`,
  );
  writeFileSync(
    join(root, "tests/scenarios/echo.ts"),
    `import { signalParent, traced } from "@workshop/process";
import { fail, joinAll, type Scenario } from "@workshop/harness/scenario";

interface EchoCell { echo(x: unknown): unknown; url: string }

/** In a child process: the cell's echo, journaled. */
export async function echoer(url: string, word: string): Promise<unknown> {
  const cell = (await import(url)) as EchoCell;
  signalParent("ready");
  const got = await traced("echo", () => cell.echo(word));
  if (got !== word) fail(\`in a child process, echo(\${JSON.stringify(word)}) gave \${JSON.stringify(got) ?? "undefined"}\`);
}

export const scenarios: Scenario<EchoCell>[] = [
  {
    name: "echo",
    title: "echo gives back what it was given",
    run: async ({ cell }) => {
      const got = await traced("echo", () => cell.echo("hello"));
      if (got !== "hello") fail(\`echo("hello") gave \${JSON.stringify(got) ?? "undefined"}: give back what you were given\`);
    },
  },
  {
    name: "echo-in-a-child",
    title: "a child process runs too",
    run: async ({ cell, start }) => {
      const w = await start("echoer", [cell.url, "hi"], "echoer");
      await joinAll([w], 5_000);
    },
  },
];
`,
  );
}

/** One of verify's steps, run in the copy. */
function step(name: string): { code: number | null; out: string } {
  const r = spawnSync(join(REPO, "node_modules/.bin/tsx"), ["scripts/verify-step.ts", name], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, WORKSHOP_LANG: "en", FORCE_COLOR: "0" },
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("a new chapter is its folder, nothing else", () => {
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), "workshop-new-chapter-"));
    copyCode();
    addChapter("export function echo(x: unknown): unknown {\n  return x;\n}\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("verify grades its solution (passes) and its untouched starter (fails), with no file registering it", () => {
    const solutions = step("solutions");
    expect(solutions.out).toContain("98-echo/node");
    expect(solutions.out).toContain("2/2");
    expect(solutions.code, solutions.out).toBe(0);

    const starters = step("starters");
    expect(starters.out).toContain('98-echo/node: fails "echo"');
    expect(starters.code, starters.out).toBe(0);
  }, 240_000);

  it("a broken solution turns verify's solutions step red, naming the scenario", () => {
    addChapter("export function echo(x: unknown): unknown {\n  return String(x).toUpperCase();\n}\n");
    const solutions = step("solutions");
    expect(solutions.out).toContain('echo("hello") gave "HELLO"');
    expect(solutions.code, solutions.out).toBe(1);
  }, 240_000);
});
