// Every sentence of the web view, by name: a thin layer over the `web` catalogue of @workshop/i18n
// (packages/i18n/locales/<lang>/web.json), read in the current language each time it is asked for.
// The page's script imports this file too: bundled for the browser, @workshop/i18n is only the
// translator's core (its "browser" export: no Node, no catalogues), and the page is handed its
// catalogue by the server (page.ts → client/i18n.ts).
import { t } from "@workshop/i18n";

export const web = {
  get title() {
    return t("web:title");
  },
  // the terminal, when the web view starts
  listening: (url: string) => t("web:listening", { url }),
  get opened() {
    return t("web:opened");
  },
  get openIt() {
    return t("web:openIt");
  },
  get howToStop() {
    return t("web:howToStop");
  },
  /** "Opened it in your browser. Ctrl-C stops the web view." on one line. */
  openedAndStop: (opened: boolean) => t("web:openedAndStop", { opened: t(opened ? "web:opened" : "web:openIt"), stop: t("web:howToStop") }),
  portInUse: (port: number) => t("web:portInUse", { port }),
  badPort: (value: string) => t("web:badPort", { value }),
  get stopped() {
    return t("web:stopped");
  },

  // the page
  get skip() {
    return t("web:skip");
  },
  get chapters() {
    return t("web:chapters");
  },
  track: (track: string) => t("web:track", { track }),
  get language() {
    return t("web:language");
  },
  cellsSolved: (solved: number, total: number) => t("web:cellsSolved", { solved, total }),
  get statusWords(): Record<string, string> {
    return { solved: t("web:status.solved"), changed: t("web:status.changed"), todo: t("web:status.todo") };
  },
  statusMarks: { solved: "✓", changed: "~", todo: "·" } as Record<string, string>,
  /** "Edit {{file}} in your editor: …" as the text before and after the file (the page puts it in a <code>). */
  editLine: (): [string, string] => {
    const [before = "", after = ""] = t("web:editLine", { file: "\u0000" }).split("\u0000");
    return [before, after];
  },
  get lesson() {
    return t("web:lesson");
  },
  get lessonFallback() {
    return t("web:lessonFallback");
  },
  get hintsFallback() {
    return t("web:hintsFallback");
  },
  get yourCell() {
    return t("web:yourCell");
  },
  get connecting() {
    return t("web:connecting");
  },
  get disconnected() {
    return t("web:disconnected");
  },
  get grading() {
    return t("web:grading");
  },
  get waiting() {
    return t("web:waiting");
  },
  get gradeNow() {
    return t("web:gradeNow");
  },
  get cancelled() {
    return t("web:cancelled");
  },
  solved: (cell: string) => t("web:solved", { cell }),
  nextCell: (cell: string) => t("web:nextCell", { cell }),
  get scenarios() {
    return t("web:scenarios");
  },
  scenariosPass: (passed: number, total: number) => t("web:scenariosPass", { passed, total }),
  get showTimeline() {
    return t("web:showTimeline");
  },
  get noEvents() {
    return t("web:noEvents");
  },
  get typeErrors() {
    return t("web:typeErrors");
  },

  // hints
  get hints() {
    return t("web:hints");
  },
  hintTitle: (n: number, total: number) => t("web:hintTitle", { n, total }),
  get nextHint() {
    return t("web:nextHint");
  },
  get firstHint() {
    return t("web:firstHint");
  },
  get noHints() {
    return t("web:noHints");
  },
  hintsLeft: (seen: number, total: number) => (seen >= total ? t("web:hintsAll", { total }) : t("web:hintsLeft", { seen, total })),

  // solution
  get solution() {
    return t("web:solution");
  },
  get showSolution() {
    return t("web:showSolution");
  },
  get confirmSpoiler() {
    return t("web:confirmSpoiler");
  },
  get yesShow() {
    return t("web:yesShow");
  },
  get no() {
    return t("web:no");
  },
  get sameAsSolution() {
    return t("web:sameAsSolution");
  },
  diffTitle: (from: string, to: string) => t("web:diffTitle", { from, to }),

  // the timeline picture
  timelineOf: (scenario: string) => t("web:timelineOf", { scenario }),
  get timelineHelp() {
    return t("web:timelineHelp");
  },
  get zoomIn() {
    return t("web:zoomIn");
  },
  get zoomOut() {
    return t("web:zoomOut");
  },
  get wholeRun() {
    return t("web:wholeRun");
  },
  get whereItBroke() {
    return t("web:whereItBroke");
  },
  get saveSvg() {
    return t("web:saveSvg");
  },
  get position() {
    return t("web:position");
  },
  get asTable() {
    return t("web:asTable");
  },
  tableCaption: (shown: number, all: number) => (shown === all ? t("web:tableCaption.all", { count: all }) : t("web:tableCaption.some", { shown, count: all })),
  get columns(): string[] {
    return ["time", "process", "what", "howLong", "note"].map((c) => t(`web:columns.${c}`));
  },
  get legend() {
    return {
      wait: t("web:legend.wait"),
      hold: t("web:legend.hold"),
      call: t("web:legend.call"),
      message: t("web:legend.message"),
      broke: t("web:legend.broke"),
    };
  },
  processLane: (id: string, name: string) => (name && name !== id ? `${id} ${name}` : id),
  // what an event was
  waitedIn: (op: string, out: string | undefined, open: boolean) =>
    open ? t("web:waitedIn.open", { op }) : out === undefined ? t("web:waitedIn.returnedNothing", { op }) : t("web:waitedIn.returned", { op, out }),
  held: (label: string | undefined, open: boolean) => t(`web:held.${label ? (open ? "labelOpen" : "label") : open ? "open" : "plain"}`, { label }),
  started: (name: string) => t("web:started", { name }),
  exited: (code: number | null | undefined) =>
    code === 0
      ? t("web:exited.ok")
      : code === null || code === undefined
        ? t("web:exited.killed")
        : code < 0
          ? t("web:exited.signal", { code })
          : t("web:exited.code", { code }),
  fault: (what: string, message: string) => t(`web:fault.${what === "exit" ? "exit" : what === "threw" ? "threw" : "crash"}`, { message }),
  mark: (op: string, out?: string) => (out ? `${op} (${out})` : op),
  from: (who: string, op: string) => t("web:from", { who, op }),
  to: (who: string, op: string) => t("web:to", { who, op }),
  atMs: (ms: string) => `+${ms} ms`,
  lasted: (ms: string) => `${ms} ms`,
  get overlapNote() {
    return t("web:overlapNote");
  },
  // where it broke
  brokeOverlap: (who: string, other: string, ms: string, times: number) =>
    times > 1 ? t("web:brokeOverlapTimes", { who, other, ms, count: times }) : t("web:brokeOverlap", { who, other, ms }),
  brokeWrongMessage: (who: string, op: string, got: number, expected: number) =>
    got < expected
      ? t("web:brokeOutOfOrder", { who, op, got, expected })
      : got - expected === 1
        ? t("web:brokeMissing", { who, op, got, expected })
        : t("web:brokeMissingMany", { who, op, got, expected, last: got - 1 }),
  brokeTwice: (who: string, op: string, label: string) => t("web:brokeTwice", { who, op, label }),
  brokeFault: (who: string, text: string) => t("web:brokeFault", { who, text }),
  brokeEnd: (words: string) => t("web:brokeEnd", { words }),
  /** The few words on the picture's line where it broke. */
  brokeShort: {
    get overlap() {
      return t("web:brokeShort.overlap");
    },
    wrongMessage: (got: number, expected: number) => t("web:brokeShort.wrongMessage", { got, expected }),
    get twice() {
      return t("web:brokeShort.twice");
    },
    get fault() {
      return t("web:brokeShort.fault");
    },
    get end() {
      return t("web:brokeShort.end");
    },
  },
  get stillWaiting() {
    return t("web:stillWaiting");
  },
  capped: (count: number) => t("web:capped", { count }),
  get selected() {
    return t("web:selected");
  },
  get noSelection() {
    return t("web:noSelection");
  },
  get noSuchCell() {
    return t("web:noSuchCell");
  },
  get gradingGone() {
    return t("web:gradingGone");
  },
};
