// The commands without a terminal (scripts, editors, CI), run in-process on a private copy of the
// repo: the copy's own cli.ts is imported, so its harness, its workshops/ and its .workshop/ are
// the copy's (grading, hints and reset write state and starters) — and no command pays for a
// process of its own, so a busy machine slows these tests down but cannot time them out.
import { join } from "node:path";
import { REPO } from "@workshop/harness";
import { afterAll, beforeAll } from "vitest";
import type { runCli } from "../../src/cli.ts";
import { copyRepo } from "./repo-copy.ts";

export interface AppRun {
  code: number;
  out: string;
  err: string;
}

export function useAppWithoutTerminal() {
  let copy: ReturnType<typeof copyRepo>;
  let run: typeof runCli;
  beforeAll(async () => {
    process.env.NO_COLOR = "1"; // before the copy's modules load: they read it once
    copy = copyRepo(REPO);
    ({ runCli: run } = (await import(join(copy.root, "apps/workshop/src/cli.ts"))) as { runCli: typeof runCli });
  });
  afterAll(() => copy?.cleanup());
  const app = async (...args: string[]): Promise<AppRun> => {
    let out = "";
    let err = "";
    const code = await run(args, { out: (s) => void (out += s), err: (s) => void (err += s), interactive: false });
    return { code, out, err };
  };
  return { app, root: () => copy.root };
}
