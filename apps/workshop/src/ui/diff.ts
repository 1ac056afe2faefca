// `s`: the learner's file against the solution as a coloured unified diff (the `diff` package).
import { createTwoFilesPatch } from "diff";
import { paint } from "./terminal.ts";

export function renderDiff(fromName: string, from: string, toName: string, to: string): string | undefined {
  if (from === to) return undefined;
  const patch = createTwoFilesPatch(fromName, toName, from, to, "yours", "solution", { context: 3 });
  return patch
    .split("\n")
    .slice(2) // the "Index:" and "====" lines say nothing here
    .map((l) => (l.startsWith("+") ? paint.green(l) : l.startsWith("-") ? paint.red(l) : l.startsWith("@@") ? paint.cyan(l) : l))
    .join("\n");
}
