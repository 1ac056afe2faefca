// A chapter's lesson and hints in the learner's language: README.zh-CN.md and hints.zh-CN.md beside
// the English files. A chapter that has no translation yet is shown in English, and the learner is
// told so once (per file, per run of the app) — never a missing lesson because a translation is.
import { existsSync } from "node:fs";
import type { Cell } from "@workshop/harness";
import { type Lang, language, SOURCE } from "@workshop/i18n";
import { chapterFile } from "./cells.ts";

export type ChapterDoc = "README.md" | "hints.md";

/** "README.md" → "README.zh-CN.md": the file of a chapter in a language (English: the file itself). */
export const translatedName = (name: ChapterDoc, lang: Lang) => (lang === SOURCE ? name : name.replace(/\.md$/, `.${lang}.md`));

const told = new Set<string>();

export interface Localized {
  /** The file to read: the translation, or the English file when there is none yet. */
  file: string;
  /** The learner's language has no translation of this file: it is the English one. */
  fallback: boolean;
  /** True the first time this run falls back for this file: say so then (strings.lessonFallback). */
  firstFallback: boolean;
}

export function chapterDoc(c: Pick<Cell, "chapter">, name: ChapterDoc, lang: Lang = language()): Localized {
  const english = chapterFile(c as Cell, name);
  if (lang === SOURCE) return { file: english, fallback: false, firstFallback: false };
  const translated = chapterFile(c as Cell, translatedName(name, lang));
  if (existsSync(translated)) return { file: translated, fallback: false, firstFallback: false };
  if (!existsSync(english)) return { file: english, fallback: false, firstFallback: false };
  const key = `${lang}:${english}`;
  const firstFallback = !told.has(key);
  told.add(key);
  return { file: english, fallback: true, firstFallback };
}
