// hints.md of a chapter: `## node` / `## deno` / `## bun` sections, each a numbered list, one hint
// per item (continuation lines indented). Hints are handed out one at a time; progress remembers
// how many a learner has seen, so the next `h` gives the next one.
import { existsSync, readFileSync } from "node:fs";

export type HintBook = Record<string, string[]>;

export function parseHints(markdown: string): HintBook {
  const book: HintBook = {};
  let section: string[] | undefined;
  let item: string[] | undefined;
  const flush = () => {
    if (item && section) section.push(item.join("\n").trim());
    item = undefined;
  };
  for (const line of markdown.split("\n")) {
    const heading = line.match(/^##\s+(\S+)/);
    const numbered = line.match(/^\d+\.\s+(.*)$/);
    if (heading) {
      flush();
      book[heading[1]!.toLowerCase()] = section = [];
    } else if (numbered && section) {
      flush();
      item = [numbered[1]!];
    } else if (item && /^\s+\S/.test(line)) {
      item.push(line.trim());
    } else if (line.trim() && !/^#\s/.test(line)) {
      flush(); // any other unindented text ends the item
    }
  }
  flush();
  return book;
}

export function hintsFor(hintsFile: string, runtime: string): string[] {
  if (!existsSync(hintsFile)) return [];
  return parseHints(readFileSync(hintsFile, "utf8"))[runtime] ?? [];
}

/** The hint to show after `seen` were shown: the next one, or the last again when all are out. */
export function nextHint(hints: string[], seen: number): { index: number; text: string; last: boolean } | undefined {
  if (hints.length === 0) return undefined;
  const index = Math.min(seen, hints.length - 1);
  return { index, text: hints[index]!, last: index === hints.length - 1 };
}
