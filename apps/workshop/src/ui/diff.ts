// `s`: the learner's file against the solution as a coloured unified diff (the `diff` package).
import { createTwoFilesPatch } from "diff";
import { strings } from "../strings.ts";
import { paint } from "./terminal.ts";

export function renderDiff(fromName: string, from: string, toName: string, to: string): string | undefined {
  if (from === to) return undefined;
  const patch = createTwoFilesPatch(fromName, toName, from, to, "yours", "solution", { context: 3 }).split("\n");
  // Our own headers (both of them: whose file is which) in place of "Index:", "====", "---", "+++".
  const body = patch.slice(patch.findIndex((l) => l.startsWith("+++ ")) + 1);
  const headers = strings.diffTitle(fromName, toName).split("\n").map(paint.bold);
  return [
    ...headers,
    ...body.map((l) => (l.startsWith("+") ? paint.green(l) : l.startsWith("-") ? paint.red(l) : l.startsWith("@@") ? paint.cyan(l) : l)),
  ].join("\n");
}
