// `s` / `npm start -- solution <cell>`: the diff from the learner's file to the solution. The
// caller asks first (spoilers).
import { existsSync, readFileSync } from "node:fs";
import { type Cell, targetFile } from "@workshop/harness";
import { relative } from "../state/cells.ts";
import { strings } from "../strings.ts";
import { renderDiff } from "../ui/diff.ts";

export function solutionCommand(c: Cell): string {
  const mine = targetFile(c, "starter");
  const theirs = targetFile(c, "solution");
  const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "");
  return renderDiff(relative(mine), read(mine), relative(theirs), read(theirs)) ?? strings.sameAsSolution;
}
