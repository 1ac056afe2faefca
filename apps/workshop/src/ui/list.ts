// The `l` screen and `npm start -- list`: cells solved / total, a bar per chapter, and per runtime.
import { type Cell, RUNTIMES } from "@workshop/harness";
import type { CellStatus } from "../state/progress.ts";
import { strings } from "../strings.ts";
import { paint, width } from "./terminal.ts";

const MARK: Record<CellStatus, string> = { solved: "✓", changed: "~", todo: "·" };

export function bar(done: number, total: number, size: number): string {
  const filled = total ? Math.round((done / total) * size) : 0;
  return paint.green("█".repeat(filled)) + paint.dim("░".repeat(size - filled));
}

export function renderList(all: Cell[], status: (c: Cell) => CellStatus, current?: string): string {
  const size = Math.max(8, Math.min(24, width() - 44));
  const solved = all.filter((c) => status(c) === "solved").length;
  const lines = [`${paint.bold(strings.listTitle)}  ${bar(solved, all.length, size)} ${strings.cellsSolved(solved, all.length)}`, ""];
  const chapters = [...new Set(all.map((c) => c.chapter))];
  for (const chapter of chapters) {
    const mine = all.filter((c) => c.chapter === chapter);
    const done = mine.filter((c) => status(c) === "solved").length;
    const marks = RUNTIMES.map((rt) => {
      const c = mine.find((m) => m.runtime === rt);
      if (!c) return " ".repeat(rt.length + 2);
      const m = MARK[status(c)];
      const text = `${rt} ${m}`;
      const painted = m === "✓" ? paint.green(text) : m === "~" ? paint.yellow(text) : text;
      return c.id === current ? paint.inverse(painted) : painted;
    });
    lines.push(`${chapter.padEnd(9)} ${marks.join("  ")}  ${bar(done, mine.length, Math.min(size, 9))} ${done}/${mine.length}`);
  }
  const perRuntime = RUNTIMES.map((rt) => {
    const mine = all.filter((c) => c.runtime === rt);
    return mine.length ? `${rt} ${mine.filter((c) => status(c) === "solved").length}/${mine.length}` : "";
  }).filter(Boolean);
  lines.push("", paint.dim(perRuntime.join(" · ")), paint.dim(strings.legend));
  return lines.join("\n");
}
