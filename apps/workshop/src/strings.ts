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
  solved: (cell: string) => `${cell} is solved. Well done!`,
  offerNext: (next: string) => `Press n for the next cell: ${next}.`,
  allSolved: "Every cell of your track is solved. Try another track with `npm start -- track`.",
  timelineTitle: (scenario: string) => `timeline of ${scenario} (one column per process)`,
  noTimeline: "No timeline yet: grade a failing scenario first.",
  staleSolved: "passed before, but the file changed since",
  gradeCancelled: (cell: string) => `The grading of ${cell} was cancelled: you left it before it finished (\`g\` there grades it again).`,
  repeating: (runs: number) => `grading ${runs} times…`,
  pollingFallback:
    "Your saves reach the disk, but no file event arrived (a WSL Windows drive, a network drive or a container mount?): checking the file every 0.3 s instead. `npm start -- --poll` starts that way.",
  polling: "Checking the file for changes every 0.3 s (--poll).",
  watchNeedsTerminal: (cell: string) =>
    `Watch mode needs a terminal. \`npm start -- grade ${cell}\` grades it once; \`npm start -- hint ${cell}\` gives a hint.`,

  // keys
  keysLine: "h/H hints · g/G grade (×10) · l list · n/p cell · r reset · s solution · d demo · t timeline · w web · q quit",
  keysNarrow: "h H g G l n p r s d t w q — press ? for help",
  keysHelp: [
    "h  next hint (one at a time)",
    "H  every hint seen so far again",
    "g  grade again now         G  grade 10 times (passed 9/10?)",
    "l  list with progress",
    "n  next cell        p  previous cell",
    "r  reset the starter (keeps a backup)",
    "s  diff your file against the solution (spoilers)",
    "d  run the cell's demo on your starter",
    "t  per-process timeline of the last failure",
    "w  the web view in your browser: the same gradings, and a picture of what the processes did",
    "o  show the lesson again",
    "q  quit (Ctrl-C works too)",
  ],

  // hints
  hintTitle: (n: number, total: number) => `Hint ${n} of ${total}`,
  noHints: (cell: string) => `No hints for ${cell} yet.`,
  /** After the last hint; `inWatch` names keys, otherwise the commands to type. */
  hintsExhausted: (total: number, cell: string, inWatch: boolean) =>
    inWatch
      ? `That was the last hint (${total} of ${total}). \`H\` shows them all again; \`s\` shows the solution (spoilers!).`
      : `That was the last hint (${total} of ${total}). \`npm start -- hint ${cell} --all\` shows them all again; \`npm start -- solution ${cell}\` shows the solution.`,
  noHintsSeen: (cell: string, inWatch: boolean) => `No hints seen yet for ${cell}: ${inWatch ? "`h`" : `\`npm start -- hint ${cell}\``} gives the first.`,
  hintsRemaining: (seen: number, total: number, cell: string, inWatch: boolean) =>
    seen >= total
      ? `That is every hint (${total} of ${total}).`
      : `${seen} of ${total} seen; ${total - seen} more — ${inWatch ? "`h`" : `\`npm start -- hint ${cell}\``} gives the next.`,

  // reset, backups
  confirmReset: (file: string) => `Reset ${file} to the pristine starter? (your file is backed up first)`,
  resetDone: (file: string) => `Reset ${file} to the starter as shipped.`,
  backedUp: (path: string) => `Your previous file is saved at ${path}`,
  resetNeedsYes: "Without a terminal nobody can confirm: add --yes to reset.",
  noPristine: (file: string, why: string) => `Could not find the pristine version of ${file} in git: ${why}`,
  cannotWrite: (file: string, code: string) =>
    code === "EACCES" || code === "EPERM"
      ? `Could not write ${file}: it is read-only (${code}). Make it writable (\`chmod u+w ${file}\`) and reset again; nothing was changed.`
      : code === "EROFS"
        ? `Could not write ${file}: it is on a read-only file system (${code}); nothing was changed.`
        : `Could not write ${file} (${code}); nothing was changed.`,
  cannotBackUp: (file: string, code: string) => `Could not back up ${file} before resetting it (${code}), so it was left as it is.`,

  // solution
  confirmSpoiler: "Show the diff from your file to the solution? (spoilers!)",
  solutionNeedsYes: "Without a terminal nobody can confirm: add --yes to see the solution (spoilers).",
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

  // commands (`npm start -- help`, and after an unknown command): one line each
  usage: "Usage: npm start -- <command> [options]   (a <cell> is e.g. 01-lock/deno)",
  commandsTitle: "Commands:",
  commands: [
    ["(none) [--poll]", "watch mode in a terminal; elsewhere, the list"],
    ["<cell> [--poll]", "watch mode on that cell (--poll: check the file, no file events)"],
    ["list [--grade]", "every cell's status (--grade: re-grade them first)"],
    ["next", "the first unsolved cell of your track"],
    ["hint <cell> [--all]", "the next hint (--all: every hint seen so far)"],
    ["grade <cell> [--repeat N]", "grade (N times); exit 0 only if every scenario passes"],
    ["demo <cell> [--solution]", "run demo.ts on your starter (or on the solution)"],
    ["solution <cell> [--yes]", "the diff to the solution (spoilers; --yes without a terminal)"],
    ["reset <cell> [--yes]", "put back the pristine starter (yours backed up)"],
    ["track [node|deno|bun|all]", "show or change your track"],
    ["web [cell] [--port N] [--no-open]", "the web view on 127.0.0.1: lesson, verdicts, a picture of the processes"],
    ["help", "this list (also --help, -h)"],
  ] as ReadonlyArray<readonly [string, string]>,
  unknownCommand: (name: string) => `unknown command '${name}'`,

  // errors
  unknownCell: (id: string, known: string[]) => `No cell "${id}". Cells: ${known.join(", ")}`,
  progressRebuilt: (path: string) => `Your progress file was unreadable, so your solved marks, hints seen and track start afresh; the old file is at ${path}.`,
  badRepeat: (v: string) => `--repeat takes a whole number above 0, not "${v}"`,
  badSeed: (v: string) => `--seed takes a whole number, not "${v}"`,
  unknownTrack: (t: string) => `Unknown track "${t}": use node, deno, bun or all.`,
} as const;
