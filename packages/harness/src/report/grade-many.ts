// Grade many cells and report them as one run: what `npm test` and verify's solutions step share.
// Two cells at a time (one per core), each through gradeCell, printed in workshop order as they
// go: the cell in front streams its scenario lines, the cells behind it are held until it is done.
// A cell's type check starts with its grading and is reported when it comes.
import { existsSync } from "node:fs";
import type { Lang } from "@workshop/i18n";
import { type Cell, repoPath, type Target, targetFile } from "../cells.ts";
import { gradeCell, scenariosOf } from "../grade.ts";
import { type CellOutcome, CellReport, runLine, type Style } from "../report.ts";
import type { RecordedCell } from "../reporters/records.ts";
import type { Verdict } from "../verdict.ts";
import { everyScenarioPasses } from "./passes.ts";
import { report } from "./strings.ts";
import { startTypeCheck } from "./types.ts";

export interface ManyOptions {
  cells: Cell[];
  target: Target;
  /** Grade every cell this many times (a scenario's line then says "passed 19/20"). */
  repeat?: number;
  /** Replay a perturbation: passed to gradeCell as `seed`. */
  seed?: number;
  /** Cells graded at once (default 2). A cell graded alone runs two scenarios at a time instead. */
  lanes?: number;
  /** Type-check each graded file beside its grading (default true). */
  typecheck?: boolean;
  /** Each cell's header line, e.g. "01-lock/node (starter)". */
  header?: (cell: Cell) => string;
  style?: Style;
  /** The language of the verdicts (default: the current language). */
  lang?: Lang;
  /** Where the human report goes, a chunk at a time, in workshop order. */
  write: (text: string) => void;
}

export interface CellResult extends RecordedCell {
  cell: Cell;
  outcome: CellOutcome;
}

export async function gradeMany(opts: ManyOptions): Promise<CellResult[]> {
  const printer = new InOrder(opts.cells.length, opts.write);
  const queue = opts.cells.map((cell, index) => ({ cell, index }));
  const results: CellResult[] = new Array(opts.cells.length);
  const lane = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const write = (text: string | undefined) => text !== undefined && printer.write(next.index, `${text}\n`);
      try {
        results[next.index] = await gradeOne(next.cell, opts, write);
      } finally {
        printer.done(next.index);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.lanes ?? 2, opts.cells.length) }, lane));
  return results;
}

async function gradeOne(cell: Cell, opts: ManyOptions, write: (text: string | undefined) => void): Promise<CellResult> {
  const file = targetFile(cell, opts.target);
  const rel = repoPath(file);
  const rep = new CellReport(opts.style);
  write(rep.text(opts.header?.(cell) ?? report.cellHeader(cell.id, opts.target)));
  const total = (await scenariosOf(cell)).length;
  const outcome: CellOutcome = { id: cell.id, chapter: cell.chapter, passed: 0, total, file: rel };
  if (!existsSync(file)) {
    write(rep.text(`  ${report.missingStarter(rel, cell.id)}`));
    return { cell, id: cell.id, file: rel, runs: [], missing: true, outcome: { ...outcome, missing: true } };
  }
  const types = opts.typecheck === false ? Promise.resolve(undefined) : startTypeCheck(cell, file, (why) => write(`  ${report.typeCheckFailed(why)}`));
  const repeat = Math.max(1, opts.repeat ?? 1);
  const runs: Verdict[][] = [];
  const started = performance.now();
  for (let n = 1; n <= repeat; n++) {
    const verdicts = await gradeCell({
      cell,
      target: opts.target,
      concurrency: opts.cells.length === 1 ? 2 : 1,
      onVerdict: (v) => repeat === 1 && write(rep.scenario(v)),
      seed: opts.seed,
      lang: opts.lang,
    });
    runs.push(verdicts);
    if (repeat > 1) write(rep.note(runLine(n, repeat, verdicts, total, opts.style)));
  }
  const ms = performance.now() - started;
  write(repeat === 1 ? rep.end(runs[0]!, total, ms) : rep.endRepeated(runs));
  const allPass = runs.every((verdicts) => everyScenarioPasses(verdicts, total));
  const problems = await types;
  if (problems?.length) write(rep.types(problems, file, allPass));
  write(""); // a blank line between cells
  return {
    cell,
    id: cell.id,
    file: rel,
    runs,
    typeErrors: problems,
    // With --repeat, a cell is solved only if every run passed.
    // A scenario skipped on this runtime is neither passed nor failed: it is left out of the count.
    outcome: {
      ...outcome,
      passed: Math.min(...runs.map((r) => r.filter((v) => v.status === "pass").length)),
      total: total - (runs[0]?.filter((v) => v.status === "skipped").length ?? 0),
      typeErrors: problems?.length,
    },
  };
}

/** Output of several cells in their order: the first unfinished cell writes through, the others wait. */
class InOrder {
  private front = 0;
  private readonly held: string[][];
  private readonly finished: boolean[];
  constructor(
    count: number,
    private readonly out: (text: string) => void,
  ) {
    this.held = Array.from({ length: count }, () => []);
    this.finished = new Array(count).fill(false);
  }

  write(index: number, text: string): void {
    if (index === this.front) this.out(text);
    else this.held[index]!.push(text);
  }

  done(index: number): void {
    this.finished[index] = true;
    while (this.front < this.finished.length && this.finished[this.front]) {
      this.front++;
      if (this.front < this.held.length) {
        for (const text of this.held[this.front]!) this.out(text);
        this.held[this.front] = [];
      }
    }
  }
}
