// Which revision `reset` restores: the upstream's starter if there is an upstream, else the
// version that first added the file — never the learner's own commits.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { pristineStarter } from "../src/state/pristine.ts";

const FILE = "workshops/01-lock/deno/starter.ts";
let root: string;
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
const commit = (cwd: string, content: string, message: string) => {
  writeFileSync(join(cwd, FILE), content);
  git(cwd, "add", FILE);
  git(cwd, "commit", "-qm", message);
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "workshop-pristine-"));
  const upstream = join(root, "upstream");
  mkdirSync(join(upstream, "workshops/01-lock/deno"), { recursive: true });
  git(upstream, "init", "-q");
  commit(upstream, "starter v1\n", "add the starter");
  commit(upstream, "starter v2 (a typo fixed)\n", "fix the starter");
  git(root, "clone", "-q", "upstream", "clone");
  commit(join(root, "clone"), "the learner's solution\n", "my work");
  // The same history without an upstream: a copy of the clone with the remote removed.
  git(root, "clone", "-q", "clone", "orphan");
  git(join(root, "orphan"), "remote", "remove", "origin");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test("with an upstream: the upstream's starter, not the learner's commit", () => {
  expect(pristineStarter(join(root, "clone"), FILE)).toEqual({ content: "starter v2 (a typo fixed)\n", from: "origin/main" });
});

test("without an upstream: the version that first added the file", () => {
  const p = pristineStarter(join(root, "orphan"), FILE);
  expect(p.content).toBe("starter v1\n");
  expect(p.from).toMatch(/^[0-9a-f]{10}$/);
});

test("a file git never saw is an error that says so", () => {
  expect(() => pristineStarter(join(root, "orphan"), "workshops/09-nope/deno/starter.ts")).toThrow(/never committed/);
});
