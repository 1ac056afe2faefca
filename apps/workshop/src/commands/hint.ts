// `h` / `npm start -- hint <cell>`: the next hint of hints.md, one at a time; progress counts them.
// `H` / `--all`: every hint seen so far again, numbered, and how many remain.
import type { Cell } from "@workshop/harness";
import { hintsFor, nextHint } from "../state/hints.ts";
import { chapterDoc } from "../state/localized.ts";
import { STATE_DIR } from "../state/paths.ts";
import { readProgress, updateProgress } from "../state/progress.ts";
import { strings } from "../strings.ts";
import { renderMarkdown } from "../ui/markdown.ts";
import { paint } from "../ui/terminal.ts";

/** `inWatch`: the closing line names keys (h, H, s) instead of commands. */
export async function hintCommand(c: Cell, opts: { all?: boolean; inWatch?: boolean } = {}): Promise<string> {
  const doc = chapterDoc(c, "hints.md");
  const hints = hintsFor(doc.file, c.runtime);
  if (hints.length === 0) return strings.noHints(c.id);
  // Hints in English for want of a translation: said once, above them.
  const note = doc.firstFallback ? [paint.dim(strings.hintsFallback)] : [];
  const seen = Math.min(readProgress(STATE_DIR).hintsSeen[c.id] ?? 0, hints.length);
  const inWatch = opts.inWatch ?? false;
  const title = (i: number) => paint.bold(paint.yellow(strings.hintTitle(i + 1, hints.length)));
  if (opts.all) {
    if (seen === 0) return strings.noHintsSeen(c.id, inWatch);
    const shown = hints.slice(0, seen).flatMap((text, i) => [title(i), renderMarkdown(text)]);
    return [...note, ...shown, paint.dim(strings.hintsRemaining(seen, hints.length, c.id, inWatch))].join("\n");
  }
  const hint = nextHint(hints, seen)!;
  await updateProgress(STATE_DIR, (p) => {
    p.hintsSeen[c.id] = Math.max(p.hintsSeen[c.id] ?? 0, hint.index + 1);
  });
  const lines = [...note, title(hint.index), renderMarkdown(hint.text)];
  if (hint.last) lines.push(paint.dim(strings.hintsExhausted(hints.length, c.id, inWatch)));
  return lines.join("\n");
}
