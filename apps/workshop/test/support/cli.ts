// The commands run without a terminal, on a private copy of the repo (grading, hints and reset
// write state and starters). Each test file gets its own copy, so files can run side by side.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO } from "@workshop/harness";
import { afterAll, beforeAll } from "vitest";
import { copyRepo } from "./repo-copy.ts";

export function useAppWithoutTerminal() {
  let copy: ReturnType<typeof copyRepo>;
  beforeAll(() => {
    copy = copyRepo(REPO);
  });
  afterAll(() => copy?.cleanup());
  const app = (...args: string[]) => {
    const r = spawnSync(join(copy.root, "node_modules/.bin/tsx"), [join(copy.root, "apps/workshop/src/main.ts"), ...args], {
      cwd: copy.root,
      encoding: "utf8",
      env: { ...process.env, CI: "true", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"], // no terminal anywhere
      timeout: 60_000,
    });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  return { app, root: () => copy.root };
}
