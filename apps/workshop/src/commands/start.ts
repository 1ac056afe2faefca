// `npm start [-- <cell>]`: in a terminal, welcome → track (asked once) → watch mode on the cell
// asked for, or on the first unsolved cell of the track. Without one (a pipe, CI), print the list
// and how to begin, and exit: never wait on input.
import * as clack from "@clack/prompts";
import { type Cell, targetFile, wrap } from "@workshop/harness";
import type { Io } from "../cli.ts";
import { cellsOf, relative } from "../state/cells.ts";
import { STATE_DIR } from "../state/paths.ts";
import { readProgress } from "../state/progress.ts";
import { strings } from "../strings.ts";
import { paint, width } from "../ui/terminal.ts";
import { watch } from "../watch/index.ts";
import { listCommand } from "./list.ts";
import { nextCell } from "./next.ts";
import { askTrack } from "./track.ts";

export async function startCommand(opts: { cell?: Cell; poll?: boolean; io: Io }): Promise<number> {
  const { io } = opts;
  const progress = readProgress(STATE_DIR);
  if (!io.interactive) {
    io.out(`${await listCommand({ current: opts.cell?.id })}\n\n`);
    if (opts.cell) io.out(`${strings.watchNeedsTerminal(opts.cell.id)}\n`);
    else {
      const c = nextCell(progress.track);
      io.out(`${c ? strings.howToBegin(c.id, relative(targetFile(c, "starter"))) : strings.allSolved}\n`);
    }
    return 0;
  }
  clack.intro(paint.bold(strings.welcomeTitle));
  clack.log.message(wrap(strings.welcome, width() - 4).join("\n"));
  let track = progress.track;
  if (track) clack.log.info(strings.trackSaved(track));
  else if (opts.cell)
    track = opts.cell.runtime; // asked for a cell: its runtime is the track for now
  else track = await askTrack();
  if (!track) {
    clack.outro(strings.cancelled);
    return 0;
  }
  const first = opts.cell ?? nextCell(track) ?? cellsOf(track)[0];
  if (!first) return 0;
  // A cell of another runtime than the track's: n and p walk every cell, so it is among them.
  const walk = cellsOf(track).some((c) => c.id === first.id) ? track : "all";
  return watch(walk, first.id, { poll: opts.poll });
}
