// The learner's progress: which cells passed, how many hints they have seen, their track, and the
// language they chose (`--lang`, `npm start -- lang`, the web view's switch).
// It is a cache, not the truth — grading a cell again always decides. So a broken or missing file
// is set aside and rebuilt, never fatal; and each write re-reads the file under a lock and applies
// only its own change, so two running instances merge instead of clobbering each other.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Lang, normaliseLang } from "@workshop/i18n";
import type { Runtime } from "@workshop/process";
import { withFileLock } from "./file-lock.ts";

export type Track = Runtime | "all";
export const TRACKS: Track[] = ["node", "deno", "bun", "all"];

export interface SolvedMark {
  /** ISO time the cell last passed every scenario. */
  at: string;
  /** sha1 of the starter file that passed: a different file is no longer known to pass. */
  sha1: string;
}

export interface Progress {
  version: 1;
  track?: Track;
  /** The language the learner chose explicitly; none: WORKSHOP_LANG, else the locale decides. */
  lang?: Lang;
  solved: Record<string, SolvedMark>;
  hintsSeen: Record<string, number>;
}

export type CellStatus = "solved" | "changed" | "todo";

export const emptyProgress = (): Progress => ({ version: 1, solved: {}, hintsSeen: {} });

export const progressFile = (stateDir: string) => join(stateDir, "progress.json");

/**
 * Who is told when an unreadable progress file is set aside (every command says so, with where
 * the old one went): the CLI and watch mode set this; a caller may also pass its own.
 */
let rebuiltListener: ((setAside: string) => void) | undefined;
export function onProgressRebuilt(listener: ((setAside: string) => void) | undefined): void {
  rebuiltListener = listener;
}

/** Read the progress; anything unreadable is moved aside (`.broken-<time>`) and replaced by empty. */
export function readProgress(stateDir: string, onRebuilt: ((setAside: string) => void) | undefined = rebuiltListener): Progress {
  const file = progressFile(stateDir);
  if (!existsSync(file)) return emptyProgress();
  try {
    return normalise(JSON.parse(readFileSync(file, "utf8")));
  } catch {
    const setAside = `${file}.broken-${stamp()}`;
    try {
      renameSync(file, setAside);
      onRebuilt?.(setAside);
    } catch {
      // another instance already moved it
    }
    return emptyProgress();
  }
}

/** Apply one change to the freshest progress on disk and write it atomically (temp file + rename). */
export async function updateProgress(
  stateDir: string,
  change: (p: Progress) => void,
  onRebuilt: ((setAside: string) => void) | undefined = rebuiltListener,
): Promise<Progress> {
  mkdirSync(stateDir, { recursive: true });
  return withFileLock(join(stateDir, "progress.lock"), () => {
    const progress = readProgress(stateDir, onRebuilt);
    change(progress);
    const file = progressFile(stateDir);
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(progress, null, 2)}\n`);
    renameSync(temp, file);
    return progress;
  });
}

export function markSolved(p: Progress, cell: string, source: string, at = new Date()): void {
  p.solved[cell] = { at: at.toISOString(), sha1: sha1(source) };
}

export function markUnsolved(p: Progress, cell: string): void {
  delete p.solved[cell];
}

/** Solved only if the file on disk is the one that passed; "changed" means: grade again to know. */
export function statusOf(p: Progress, cell: string, currentSource: string | undefined): CellStatus {
  const mark = p.solved[cell];
  if (!mark) return "todo";
  return currentSource !== undefined && sha1(currentSource) === mark.sha1 ? "solved" : "changed";
}

export function sha1(text: string): string {
  return createHash("sha1").update(text).digest("hex");
}

export function stamp(at = new Date()): string {
  return at.toISOString().replace(/[:.]/g, "-");
}

/** Keep what is well-formed, drop the rest: a hand-edited file should not crash the app. */
function normalise(raw: unknown): Progress {
  const p = emptyProgress();
  if (!raw || typeof raw !== "object") throw new Error("not an object");
  const r = raw as Record<string, unknown>;
  if (typeof r.track === "string" && (TRACKS as string[]).includes(r.track)) p.track = r.track as Track;
  const lang = typeof r.lang === "string" ? normaliseLang(r.lang) : undefined;
  if (lang) p.lang = lang;
  for (const [cell, mark] of Object.entries((r.solved as Record<string, unknown>) ?? {})) {
    const m = mark as Partial<SolvedMark>;
    if (m && typeof m.sha1 === "string" && typeof m.at === "string") p.solved[cell] = { at: m.at, sha1: m.sha1 };
  }
  for (const [cell, n] of Object.entries((r.hintsSeen as Record<string, unknown>) ?? {})) {
    if (typeof n === "number" && n >= 0) p.hintsSeen[cell] = Math.floor(n);
  }
  return p;
}
