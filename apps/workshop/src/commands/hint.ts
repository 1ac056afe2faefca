// `h` / `npm start -- hint <cell>`: the next hint of hints.md, one at a time; progress counts them.
import type { Cell } from "@workshop/harness";
import { chapterFile } from "../state/cells.ts";
import { hintsFor, nextHint } from "../state/hints.ts";
import { STATE_DIR } from "../state/paths.ts";
import { readProgress, updateProgress } from "../state/progress.ts";
import { strings } from "../strings.ts";
import { renderMarkdown } from "../ui/markdown.ts";
import { paint } from "../ui/terminal.ts";

export async function hintCommand(c: Cell): Promise<string> {
  const hints = hintsFor(chapterFile(c, "hints.md"), c.runtime);
  const hint = nextHint(hints, readProgress(STATE_DIR).hintsSeen[c.id] ?? 0);
  if (!hint) return strings.noHints(c.id);
  await updateProgress(STATE_DIR, (p) => {
    p.hintsSeen[c.id] = Math.max(p.hintsSeen[c.id] ?? 0, hint.index + 1);
  });
  const lines = [paint.bold(paint.yellow(strings.hintTitle(hint.index + 1, hints.length))), renderMarkdown(hint.text)];
  if (hint.last) lines.push(paint.dim(strings.hintsExhausted));
  return lines.join("\n");
}
