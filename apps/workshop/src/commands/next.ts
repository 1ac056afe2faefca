// `npm start -- next`: the first cell of the learner's track not known to be solved.
import { type Cell, cells, targetFile } from "@workshop/harness";
import { cellStatus, cellsOf, nextUnsolved, relative } from "../state/cells.ts";
import { STATE_DIR } from "../state/paths.ts";
import { readProgress, type Track } from "../state/progress.ts";
import { strings } from "../strings.ts";

export function nextCell(track: Track | undefined, after?: string): Cell | undefined {
  const progress = readProgress(STATE_DIR);
  const list = cellsOf(track ?? progress.track ?? "all");
  const id = nextUnsolved(list, (id) => cellStatus(progress, list.find((c) => c.id === id)!) === "solved", after);
  return cells().find((c) => c.id === id);
}

export function nextCommand(): string {
  const c = nextCell(undefined);
  return c ? strings.nextCell(c.id, relative(targetFile(c, "starter"))) : strings.allSolved;
}
