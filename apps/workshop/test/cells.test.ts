import { wrap } from "@workshop/harness";
import { expect, test } from "vitest";
import { neighbour, nextUnsolved } from "../src/state/cells.ts";
import { summarise } from "../src/state/lesson.ts";

const list = ["01-lock/node", "01-lock/deno", "02-pipe/node"].map((id) => ({ id }));

test("the next cell is the first unsolved one, starting after the current and wrapping round", () => {
  const solved = new Set(["01-lock/node"]);
  expect(nextUnsolved(list, (id) => solved.has(id))).toBe("01-lock/deno");
  expect(nextUnsolved(list, (id) => solved.has(id) || id === "01-lock/deno", "01-lock/node")).toBe("02-pipe/node");
  expect(nextUnsolved(list, (id) => id !== "01-lock/node", "01-lock/deno")).toBe("01-lock/node");
  expect(nextUnsolved(list, () => true)).toBeUndefined();
});

test("n / p walk the track in order and wrap", () => {
  expect(neighbour(list, "01-lock/deno", 1)).toBe("02-pipe/node");
  expect(neighbour(list, "02-pipe/node", 1)).toBe("01-lock/node");
  expect(neighbour(list, "01-lock/node", -1)).toBe("02-pipe/node");
});

test("the lesson summary is the title, the quote and this runtime's section", () => {
  const readme = "# 01 · Lock\n\n> a quote\n> more\n\n## Task\nlong\n### Node: a file\nnode text\n### Deno: memory\ndeno text\n## Checks\n";
  expect(summarise(readme, "deno")).toBe("# 01 · Lock\n\n> a quote\n> more\n\n### Deno: memory\ndeno text");
});

test("grader messages wrap to the width with their indent", () => {
  expect(wrap("expected counter 1000, got 448", 20, "  ")).toEqual(["  expected counter", "  1000, got 448"]);
  expect(wrap("a\n\nb", 20)).toEqual(["a", "", "b"]);
});
