// The cells of a track in learning order (chapter by chapter, then node, deno, bun), and which
// one to open: the first not known to be solved.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Cell, cells, REPO, targetFile } from "@workshop/harness";
import { language, SOURCE } from "@workshop/i18n";
import { type CellStatus, type Progress, statusOf, type Track } from "./progress.ts";

export function cellsOf(track: Track, all: Cell[] = cells()): Cell[] {
  return track === "all" ? all : all.filter((c) => c.runtime === track);
}

/** The first cell not solved, starting after `after` (wrapping round); undefined when all are. */
export function nextUnsolved(list: { id: string }[], isSolved: (id: string) => boolean, after?: string): string | undefined {
  const from = after ? list.findIndex((c) => c.id === after) + 1 : 0;
  const ordered = [...list.slice(from), ...list.slice(0, from)];
  return ordered.find((c) => !isSolved(c.id))?.id;
}

/** n / p: the neighbour in track order, wrapping round. */
export function neighbour(list: { id: string }[], current: string, step: 1 | -1): string | undefined {
  const i = list.findIndex((c) => c.id === current);
  if (list.length === 0) return undefined;
  return list[(i + step + list.length) % list.length]!.id;
}

export function starterSource(c: Cell): string | undefined {
  const file = targetFile(c, "starter");
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

export function cellStatus(p: Progress, c: Cell): CellStatus {
  return statusOf(p, c.id, starterSource(c));
}

/** The chapter's title in the learner's language: a translated lesson's own heading ("# 01 · 用锁保护共享状态"). */
export function chapterTitle(chapter: string): string {
  const lang = language();
  const translated = join(REPO, "workshops", chapter, `README.${lang}.md`);
  if (lang !== SOURCE && existsSync(translated)) {
    const heading = readFileSync(translated, "utf8")
      .match(/^#\s+(?:\d+\s*·\s*)?(.+)$/m)?.[1]
      ?.trim();
    if (heading) return heading;
  }
  try {
    const pkg = JSON.parse(readFileSync(join(REPO, "workshops", chapter, "package.json"), "utf8")) as { workshop?: { title?: string } };
    return pkg.workshop?.title ?? chapter;
  } catch {
    return chapter;
  }
}

export const relative = (file: string) => (file.startsWith(`${REPO}/`) ? file.slice(REPO.length + 1) : file);
export const chapterFile = (c: Cell, name: string) => join(REPO, "workshops", c.chapter, name);
