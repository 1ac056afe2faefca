// Every sentence of the web view, in one place (the terminal's are in ../strings.ts, the verdict's in
// packages/harness/src/report/strings.ts): a translation touches these files only. The page's
// script imports this file too, so nothing here may import anything.

export const web = {
  title: "procsync workshop",
  // the terminal, when the web view starts
  listening: (url: string) => `The web view is at ${url}`,
  opened: "Opened it in your browser.",
  openIt: "Open it in your browser.",
  howToStop: "Ctrl-C stops the web view.",
  portInUse: (port: number) => `Port ${port} is in use: pick another with --port, or leave --port out and a free one is chosen.`,
  badPort: (v: string) => `--port takes a port number from 0 to 65535, not "${v}"`,
  stopped: "The web view stopped.",

  // the page
  skip: "Skip to the current cell",
  chapters: "Chapters",
  track: (track: string) => `Track: ${track}`,
  cellsSolved: (solved: number, total: number) => `${solved}/${total} cells solved`,
  statusWords: { solved: "solved", changed: "changed since it passed", todo: "to do" } as Record<string, string>,
  statusMarks: { solved: "✓", changed: "~", todo: "·" } as Record<string, string>,
  editThis: "Edit",
  everySave: "in your editor: every save is graded here.",
  lesson: "Lesson",
  yourCell: "Your cell",
  connecting: "Connecting…",
  disconnected: "The workshop is not running: start it again with `npm start -- web` (this page reconnects by itself).",
  grading: "grading…",
  waiting: "Not graded yet: save the file, or grade it now.",
  gradeNow: "Grade now",
  cancelled: "That grading was cancelled (a newer save, or another cell).",
  solved: (cell: string) => `${cell} is solved. Well done!`,
  nextCell: (cell: string) => `Next: ${cell}`,
  scenarios: "Scenarios",
  scenariosPass: (passed: number, total: number) => `${passed}/${total} scenarios pass`,
  showTimeline: "timeline",
  noEvents: "This scenario recorded no process events.",
  typeErrors: "Type errors",

  // hints
  hints: "Hints",
  hintTitle: (n: number, total: number) => `Hint ${n} of ${total}`,
  nextHint: "Show the next hint",
  firstHint: "Show a hint",
  noHints: "This cell has no hints yet.",
  hintsLeft: (seen: number, total: number) => (seen >= total ? `That is every hint (${total} of ${total}).` : `${seen} of ${total} seen.`),

  // solution
  solution: "Solution",
  showSolution: "Show the diff to the solution…",
  confirmSpoiler: "Show the diff from your file to the solution? It gives the answer away.",
  yesShow: "Yes, show it",
  no: "No",
  sameAsSolution: "Your file is identical to the solution.",
  diffTitle: (from: string, to: string) => `${from} (yours) → ${to} (solution)`,

  // the timeline picture
  timelineOf: (scenario: string) => `What the processes did: ${scenario}`,
  timelineHelp:
    "Keys: ← → the previous and next event of a process, ↑ ↓ another process, + − zoom, 0 the whole run, b where it broke, Enter the details. Ctrl + wheel zooms, dragging moves.",
  zoomIn: "Zoom in",
  zoomOut: "Zoom out",
  wholeRun: "Whole run",
  whereItBroke: "Where it broke",
  saveSvg: "Save as SVG",
  position: "Position in the run",
  asTable: "The same events as a table",
  tableCaption: (shown: number, all: number) =>
    shown === all ? `${all} events in this view` : `${shown} of the ${all} events in this view (zoom in to list the rest)`,
  columns: ["time", "process", "what happened", "how long", "note"],
  legend: { wait: "waiting", hold: "holding", call: "a call", message: "a message", broke: "where it broke" },
  processLane: (id: string, name: string) => (name && name !== id ? `${id} ${name}` : id),
  // what an event was
  waitedIn: (op: string, out: string | undefined, open: boolean) => (open ? `waiting in ${op}, never returned` : `${op} → ${out ?? "returned"}`),
  held: (label: string | undefined, open: boolean) => `holding${label ? ` ${label}` : ""}${open ? " until the end" : ""}`,
  started: (name: string) => `started ${name}`,
  exited: (code: number | null | undefined) =>
    code === 0 ? "exited (0)" : code === null || code === undefined ? "was killed" : code < 0 ? `was killed (${code})` : `exited with code ${code}`,
  fault: (what: string, message: string) => (what === "exit" ? `called exit: ${message}` : what === "threw" ? `threw: ${message}` : `crashed: ${message}`),
  mark: (op: string, out?: string) => (out ? `${op} (${out})` : op),
  from: (who: string, op: string) => `arrived from ${who} (${op})`,
  to: (who: string, op: string) => `received by ${who} (${op})`,
  atMs: (ms: string) => `+${ms} ms`,
  lasted: (ms: string) => `${ms} ms`,
  overlapNote: "two holders at once",
  // where it broke
  brokeOverlap: (who: string, other: string, ms: string, times: number) =>
    `two holders at once: ${who} entered while ${other} was still inside (for ${ms} ms)${times > 1 ? ` — ${times} times in this run` : ""}`,
  brokeWrongMessage: (who: string, op: string, got: number, expected: number) =>
    got > expected
      ? `${who}'s ${op} got message ${got} where ${expected} was due: ${got - expected === 1 ? `message ${expected} never came` : `messages ${expected}…${got - 1} never came`}`
      : `${who}'s ${op} got message ${got} where ${expected} was due: out of order`,
  brokeTwice: (who: string, op: string, label: string) => `${who}'s ${op} got ${label} a second time: delivered twice`,
  brokeFault: (who: string, text: string) => `${who} ${text}`,
  brokeEnd: (words: string) => `the run ended here: ${words}`,
  /** The few words on the picture's line where it broke. */
  brokeShort: {
    overlap: "two holders at once",
    wrongMessage: (got: number, expected: number) => `message ${got} where ${expected} was due`,
    twice: "delivered twice",
    fault: "crashed or threw",
    end: "the run ended",
  },
  stillWaiting: "still waiting",
  capped: (n: number) => `Only the last ${n} events were kept: the start of the run is not shown.`,
  selected: "Selected",
  noSelection: "Select an event (click, or focus the picture and use the arrow keys) to read its details here.",
} as const;
