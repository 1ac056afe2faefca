// `npm start`: in a terminal, welcome → track (asked once) → the first unsolved cell in watch
// mode. Without one (a pipe, CI), print the list and how to begin, and exit: never wait on input.
import * as clack from "@clack/prompts";
import { targetFile } from "@workshop/harness";
import { cellsOf, relative } from "../state/cells.ts";
import { STATE_DIR } from "../state/paths.ts";
import { readProgress } from "../state/progress.ts";
import { strings } from "../strings.ts";
import { interactive, paint, width } from "../ui/terminal.ts";
import { wrap } from "../ui/wrap.ts";
import { watch } from "../watch.ts";
import { listCommand } from "./list.ts";
import { nextCell } from "./next.ts";
import { askTrack } from "./track.ts";

export async function startCommand(): Promise<number> {
  const progress = readProgress(STATE_DIR, (aside) => process.stderr.write(`${strings.progressRebuilt(aside)}\n`));
  if (!interactive()) {
    const c = nextCell(progress.track);
    process.stdout.write(`${await listCommand()}\n\n`);
    process.stdout.write(`${c ? strings.howToBegin(c.id, relative(targetFile(c, "starter"))) : strings.allSolved}\n`);
    return 0;
  }
  clack.intro(paint.bold(strings.welcomeTitle));
  clack.log.message(wrap(strings.welcome, width() - 4).join("\n"));
  let track = progress.track;
  if (track) clack.log.info(strings.trackSaved(track));
  else track = await askTrack();
  if (!track) {
    clack.outro(strings.cancelled);
    return 0;
  }
  const first = nextCell(track) ?? cellsOf(track)[0];
  if (!first) return 0;
  return watch(track, first.id);
}
