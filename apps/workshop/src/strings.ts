// Every sentence a learner reads, in one place, so a translation (zh-CN first) touches one file.
// Functions where a sentence carries values; plain strings otherwise. No colours here: the UI paints.

export const strings = {
  welcomeTitle: "procsync workshop",
  welcome:
    "Lock, pipe and queue between processes — the way Python's multiprocessing teaches them — on Node, Deno and Bun.\n" +
    "Edit the starter file in your editor; every save is graded here.",
  pickTrack: "Which runtime track?",
  trackHint: {
    node: "child_process: real OS processes",
    deno: "Web Workers, SharedArrayBuffer",
    bun: "Bun.spawn: IPC and stdio",
    all: "every cell, chapter by chapter",
  },
  trackAll: "all three",
  trackSaved: (track: string) => `Track: ${track} (remembered for next time; change it with \`npm start -- track\`).`,
  cancelled: "Bye — your progress is saved.",

  // a cell
  editThis: "Edit",
  noLesson: "(this chapter has no README.md yet)",
  grading: "grading…",
  waitingForSave: "Waiting for you to save the file…",
  scenarioCount: (passed: number, total: number) => `${passed}/${total} scenarios pass`,
  solved: (cell: string) => `${cell} is solved. Well done!`,
  offerNext: (next: string) => `Press n for the next cell: ${next}.`,
  allSolved: "Every cell of your track is solved. Try another track with `npm start -- track`.",
  firstFailure: "What went wrong",
  whereLabel: "at",
  yourOutput: "your code printed (not the grader)",
  runtimeOutput: "the runtime printed",
  workersLabel: "what each process was doing",
  timelineTitle: (scenario: string) => `timeline of ${scenario} (one column per process)`,
  noTimeline: "No timeline yet: grade a failing scenario first.",
  staleSolved: "passed before, but the file changed since",
  cancelledRun: "(restarted: the file changed while it ran)",

  // keys
  keysLine: "h hint · l list · n/p cell · r reset · s solution · d demo · t timeline · q quit",
  keysNarrow: "h l n p r s d t q — press ? for help",
  keysHelp: [
    "h  next hint (one at a time)",
    "l  list with progress",
    "n  next cell        p  previous cell",
    "r  reset the starter (keeps a backup)",
    "s  diff your file against the solution (spoilers)",
    "d  run the cell's demo on your starter",
    "t  per-process timeline of the last failure",
    "o  show the lesson again",
    "q  quit (Ctrl-C works too)",
  ],

  // hints
  hintTitle: (n: number, total: number) => `Hint ${n} of ${total}`,
  noHints: (cell: string) => `No hints for ${cell} yet.`,
  hintsExhausted: "That was the last hint. `s` shows the solution (spoilers!).",

  // reset, backups
  confirmReset: (file: string) => `Reset ${file} to the pristine starter? (your file is backed up first)`,
  resetDone: (file: string) => `Reset ${file} to the starter as shipped.`,
  backedUp: (path: string) => `Your previous file is saved at ${path}`,
  resetNeedsYes: "Without a terminal nobody can confirm: add --yes to reset.",
  noPristine: (file: string, why: string) => `Could not find the pristine version of ${file} in git: ${why}`,

  // solution
  confirmSpoiler: "Show the diff from your file to the solution? (spoilers!)",
  diffTitle: (from: string, to: string) => `--- ${from} (yours)\n+++ ${to} (solution)`,
  sameAsSolution: "Your file is identical to the solution.",

  // demo
  demoStart: (cell: string, which: string) => `Running the ${cell} demo on the ${which}… (q stops it)`,
  demoExit: (code: number | null) => (code === 0 ? "Demo finished." : `Demo ended with exit code ${code}.`),
  noDemo: (cell: string) => `${cell} has no demo.ts.`,

  // list
  listTitle: "Progress",
  cellsSolved: (solved: number, total: number) => `${solved}/${total} cells solved`,
  legend: "✓ solved · ~ changed since it passed · · to do",
  howToBegin: (cell: string, file: string) => `To begin: run \`npm start\` in a terminal, or edit ${file} and run \`npm start -- grade ${cell}\`.`,
  nextCell: (cell: string, file: string) => `Next: ${cell} — edit ${file}`,

  // errors
  unknownCell: (id: string, known: string[]) => `No cell "${id}". Cells: ${known.join(", ")}`,
  progressRebuilt: (path: string) => `The progress file was unreadable; started afresh (the old one is at ${path}).`,
  unknownTrack: (t: string) => `Unknown track "${t}": use node, deno, bun or all.`,
} as const;
