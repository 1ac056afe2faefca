import { expect, test } from "vitest";
import { nextHint, parseHints } from "../src/state/hints.ts";

const BOOK = `# Hints — 01-lock

## node
1. A nudge.
2. A longer one that goes on
   over two lines.
3. Tell.

## deno
1. Only one.
`;

test("one list per runtime, one hint per item, continuation lines joined", () => {
  expect(parseHints(BOOK)).toEqual({ node: ["A nudge.", "A longer one that goes on\nover two lines.", "Tell."], deno: ["Only one."] });
});

test("hints come one at a time, and the last one stays the last", () => {
  const hints = ["a", "b"];
  expect(nextHint(hints, 0)).toEqual({ index: 0, text: "a", last: false });
  expect(nextHint(hints, 1)).toEqual({ index: 1, text: "b", last: true });
  expect(nextHint(hints, 7)).toEqual({ index: 1, text: "b", last: true });
  expect(nextHint([], 0)).toBeUndefined();
});

test("the real chapters' hints parse into every runtime they have a cell for", async () => {
  const { cells } = await import("@workshop/harness");
  const { hintsFor } = await import("../src/state/hints.ts");
  const { chapterFile } = await import("../src/state/cells.ts");
  const { existsSync } = await import("node:fs");
  for (const c of cells()) {
    if (existsSync(chapterFile(c, "hints.md"))) expect(hintsFor(chapterFile(c, "hints.md"), c.runtime).length, c.id).toBeGreaterThan(0);
  }
});
