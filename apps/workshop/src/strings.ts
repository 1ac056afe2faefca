// Every sentence a learner reads in the terminal app, by name: a thin layer over the catalogues of
// @workshop/i18n (packages/i18n/locales/<lang>/app.json), read in the current language each time
// it is asked for. Functions where a sentence carries values; getters otherwise. No colours here:
// the UI paints.
import { t, tList } from "@workshop/i18n";
import type { Track } from "./state/progress.ts";

const COMMANDS: ReadonlyArray<readonly [string, string]> = [
  ["(none) [--poll]", "watch"],
  ["<cell> [--poll]", "cell"],
  ["list [--grade]", "list"],
  ["next", "next"],
  ["hint <cell> [--all]", "hint"],
  ["grade <cell> [--repeat N]", "grade"],
  ["demo <cell> [--solution]", "demo"],
  ["solution <cell> [--yes]", "solution"],
  ["reset <cell> [--yes]", "reset"],
  ["track [node|deno|bun|all]", "track"],
  ["lang [en|zh-CN]", "lang"],
  ["web [cell] [--port N] [--no-open]", "web"],
  ["help", "help"],
];

export const strings = {
  get welcomeTitle() {
    return t("app:welcomeTitle");
  },
  get welcome() {
    return t("app:welcome");
  },
  get pickTrack() {
    return t("app:pickTrack");
  },
  get trackHint(): Record<Track, string> {
    return { node: t("app:trackHint.node"), deno: t("app:trackHint.deno"), bun: t("app:trackHint.bun"), all: t("app:trackHint.all") };
  },
  get trackAll() {
    return t("app:trackAll");
  },
  trackSaved: (track: string) => t("app:trackSaved", { track }),
  get cancelled() {
    return t("app:cancelled");
  },

  // a cell
  get editThis() {
    return t("app:editThis");
  },
  get noLesson() {
    return t("app:noLesson");
  },
  /** Said once, when a chapter's lesson (or hints) is shown in English for want of a translation. */
  get lessonFallback() {
    return t("app:lessonFallback");
  },
  get hintsFallback() {
    return t("app:hintsFallback");
  },
  get grading() {
    return t("app:grading");
  },
  get waitingForSave() {
    return t("app:waitingForSave");
  },
  solved: (cell: string) => t("app:solved", { cell }),
  offerNext: (cell: string) => t("app:offerNext", { cell }),
  get allSolved() {
    return t("app:allSolved");
  },
  timelineTitle: (scenario: string) => t("app:timelineTitle", { scenario }),
  timelineEarlier: (count: number) => t("app:timelineEarlier", { count }),
  get noTimeline() {
    return t("app:noTimeline");
  },
  get staleSolved() {
    return t("app:staleSolved");
  },
  gradeCancelled: (cell: string) => t("app:gradeCancelled", { cell }),
  repeating: (count: number) => t("app:repeating", { count }),
  get pollingFallback() {
    return t("app:pollingFallback");
  },
  get polling() {
    return t("app:polling");
  },
  watchNeedsTerminal: (cell: string) => t("app:watchNeedsTerminal", { cell }),

  // keys
  get keysLine() {
    return t("app:keysLine");
  },
  get keysNarrow() {
    return t("app:keysNarrow");
  },
  get keysHelp() {
    return tList("app:keysHelp");
  },

  // hints
  hintTitle: (n: number, total: number) => t("app:hintTitle", { n, total }),
  noHints: (cell: string) => t("app:noHints", { cell }),
  /** After the last hint; `inWatch` names keys, otherwise the commands to type. */
  hintsExhausted: (total: number, cell: string, inWatch: boolean) => t(`app:hintsExhausted.${inWatch ? "watch" : "command"}`, { total, cell }),
  noHintsSeen: (cell: string, inWatch: boolean) => t(`app:noHintsSeen.${inWatch ? "watch" : "command"}`, { cell }),
  hintsRemaining: (seen: number, total: number, cell: string, inWatch: boolean) =>
    seen >= total
      ? t("app:hintsRemaining.all", { total })
      : t(`app:hintsRemaining.${inWatch ? "watch" : "command"}`, { seen, total, left: total - seen, cell }),

  // reset, backups
  confirmReset: (file: string) => t("app:confirmReset", { file }),
  resetDone: (file: string) => t("app:resetDone", { file }),
  backedUp: (path: string) => t("app:backedUp", { path }),
  get resetNeedsYes() {
    return t("app:resetNeedsYes");
  },
  noPristine: (file: string, why: string) => t("app:noPristine", { file, why }),
  cannotWrite: (file: string, code: string) =>
    t(`app:cannotWrite.${code === "EACCES" || code === "EPERM" ? "readOnly" : code === "EROFS" ? "readOnlyFs" : "other"}`, { file, code }),
  cannotBackUp: (file: string, code: string) => t("app:cannotBackUp", { file, code }),

  // solution
  get confirmSpoiler() {
    return t("app:confirmSpoiler");
  },
  get solutionNeedsYes() {
    return t("app:solutionNeedsYes");
  },
  diffTitle: (from: string, to: string) => t("app:diffTitle", { from, to }),
  get sameAsSolution() {
    return t("app:sameAsSolution");
  },

  // demo
  demoStart: (cell: string, which: "starter" | "solution") => t("app:demoStart", { cell, which: t(`report:target.${which}`) }),
  demoExit: (code: number | null) => (code === 0 ? t("app:demoExit.ok") : t("app:demoExit.code", { code })),
  noDemo: (cell: string) => t("app:noDemo", { cell }),

  // list
  get listTitle() {
    return t("app:listTitle");
  },
  cellsSolved: (solved: number, total: number) => t("app:cellsSolved", { solved, total }),
  get legend() {
    return t("app:legend");
  },
  howToBegin: (cell: string, file: string) => t("app:howToBegin", { cell, file }),
  nextCell: (cell: string, file: string) => t("app:nextCell", { cell, file }),

  // commands (`npm start -- help`, and after an unknown command): one line each
  get usage() {
    return t("app:usage");
  },
  get commandsTitle() {
    return t("app:commandsTitle");
  },
  get commands(): ReadonlyArray<readonly [string, string]> {
    return COMMANDS.map(([usage, key]) => [usage, t(`app:commands.${key}`)] as const);
  },
  unknownCommand: (name: string) => t("app:unknownCommand", { name }),

  // errors
  unknownCell: (id: string, known: string[]) => t("app:unknownCell", { id, known: known.join(", ") }),
  progressRebuilt: (path: string) => t("app:progressRebuilt", { path }),
  badRepeat: (value: string) => t("app:badRepeat", { value }),
  badSeed: (value: string) => t("app:badSeed", { value }),
  unknownTrack: (track: string) => t("app:unknownTrack", { track }),

  // language
  langSaved: (code: string, name: string) => t("app:langSaved", { code, name }),
  unknownLang: (value: string) => t("app:unknownLang", { value }),
};
