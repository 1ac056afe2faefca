// Watch mode: one cell at a time. Saving its starter re-grades it (debounced; a save during a run
// cancels that run and starts again), and single keys do the rest (h l n p r s d t o ? q).
// Everything is appended to the screen, cleared when a new grading starts: a learner can scroll
// back and copy what they saw.
import { emitKeypressEvents } from "node:readline";
import { type Cell, cell, targetFile, type Verdict } from "@workshop/harness";
import chokidar, { type FSWatcher } from "chokidar";
import { demoCommand } from "./commands/demo.ts";
import { hintCommand } from "./commands/hint.ts";
import { listCommand } from "./commands/list.ts";
import { resetCommand } from "./commands/reset.ts";
import { solutionCommand } from "./commands/solution.ts";
import { stopAllDemos } from "./demo.ts";
import { gradeStarter, scenarioCount } from "./grading.ts";
import { cellStatus, cellsOf, chapterFile, chapterTitle, neighbour, nextUnsolved, relative } from "./state/cells.ts";
import { lessonSummary } from "./state/lesson.ts";
import { STATE_DIR } from "./state/paths.ts";
import { readProgress, type Track } from "./state/progress.ts";
import { strings } from "./strings.ts";
import { confirm } from "./ui/confirm.ts";
import { bar } from "./ui/list.ts";
import { renderMarkdown } from "./ui/markdown.ts";
import { clearScreen, paint, rule, width } from "./ui/terminal.ts";
import { renderTimeline } from "./ui/timeline.ts";
import { failureDetails, scenarioLine, summaryLine } from "./ui/verdict.ts";

const DEBOUNCE_MS = 80; // editors write a file in several steps; grade once they are done

interface Key {
  name?: string;
  ctrl?: boolean;
  sequence?: string;
}

const write = (s: string) => process.stdout.write(`${s}\n`);

export function watch(track: Track, startId: string): Promise<number> {
  return new Session(track).run(startId);
}

class Session {
  private readonly list: Cell[];
  private current!: Cell;
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private grading?: { controller: AbortController; done: Promise<void> };
  private generation = 0;
  private lastVerdicts: Verdict[] = [];
  private prompting = false;
  private gradeWhenPromptEnds = false;
  private finish!: (code: number) => void;
  /** Said once under the header of the next screen: where a reset put the backup. */
  private notice?: string;

  constructor(track: Track) {
    this.list = cellsOf(track);
  }

  run(startId: string): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finish = resolve));
    emitKeypressEvents(process.stdin);
    this.listenToKeys(true);
    process.on("exit", restoreTerminal);
    for (const signal of ["SIGTERM", "SIGHUP"] as const) process.once(signal, () => this.quit(128 + (signal === "SIGTERM" ? 15 : 1)));
    void this.open(startId);
    return done;
  }

  private readonly onKey = (_: string, key: Key | undefined) => {
    if (!key) return;
    if (key.ctrl && key.name === "c") return void this.quit(130);
    const actions: Record<string, () => unknown> = {
      q: () => this.quit(0),
      h: async () => write(`\n${await hintCommand(this.current, { inWatch: true })}`),
      H: async () => write(`\n${await hintCommand(this.current, { all: true, inWatch: true })}`),
      l: async () => write(`\n${await listCommand({ current: this.current.id })}`),
      n: () => this.step(1),
      p: () => this.step(-1),
      r: () => this.reset(),
      s: () => this.showSolution(),
      d: () => demoCommand(this.current, "starter", (s) => process.stdout.write(s)),
      t: () => this.showTimeline(),
      o: () => write(`\n${this.lesson()}`),
      "?": () => write(`\n${strings.keysHelp.join("\n")}`),
    };
    const action = actions[key.sequence ?? ""];
    if (action) Promise.resolve(action()).catch((err) => write(paint.red(String(err))));
  };

  private listenToKeys(on: boolean): void {
    if (on) {
      process.stdin.setRawMode(true);
      process.stdin.resume();
      process.stdin.on("keypress", this.onKey);
    } else {
      process.stdin.off("keypress", this.onKey);
    }
  }

  private async open(id: string): Promise<void> {
    this.current = cell(id);
    await this.watcher?.close();
    const file = targetFile(this.current, "starter");
    // Only this cell's starter: saving another file must not grade anything.
    this.watcher = chokidar.watch(file, { ignoreInitial: true }).on("all", (event) => {
      if (event !== "change" && event !== "add") return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => void this.grade(true), DEBOUNCE_MS);
    });
    clearScreen();
    write(this.header());
    write(this.lesson());
    write("");
    await this.grade(false);
  }

  private header(): string {
    const title = `${paint.bold(this.current.id)} · ${chapterTitle(this.current.chapter)}`;
    const notice = this.notice ? `\n${this.notice}` : "";
    this.notice = undefined;
    return `${title}\n${this.progressLine()}\n${strings.editThis} ${paint.cyan(relative(targetFile(this.current, "starter")))}${notice}`;
  }

  /** "███░░░ 1/3 cells solved" for the learner's track. */
  private progressLine(): string {
    const progress = readProgress(STATE_DIR);
    const solved = this.list.filter((c) => cellStatus(progress, c) === "solved").length;
    return `${bar(solved, this.list.length, 12)} ${paint.dim(strings.cellsSolved(solved, this.list.length))}`;
  }

  /** After a pass: the next cell of the track still to do (then n/p walk in order). */
  private nextUnsolved(): string | undefined {
    const progress = readProgress(STATE_DIR);
    return nextUnsolved(this.list, (id) => cellStatus(progress, this.list.find((c) => c.id === id)!) === "solved", this.current.id);
  }

  private lesson(): string {
    const summary = lessonSummary(chapterFile(this.current, "README.md"), this.current.runtime);
    return `${rule()}\n${summary ? renderMarkdown(summary) : paint.dim(strings.noLesson)}\n${rule()}`;
  }

  /** Grade the current cell; a newer call cancels this one (its output stops at once). */
  private async grade(afterSave: boolean): Promise<void> {
    if (this.prompting) {
      this.gradeWhenPromptEnds = true;
      return;
    }
    const generation = ++this.generation;
    this.grading?.controller.abort();
    await this.grading?.done;
    if (generation !== this.generation) return;
    const c = this.current;
    const controller = new AbortController();
    const live = () => generation === this.generation && !controller.signal.aborted;
    const done = (async () => {
      if (afterSave) {
        clearScreen();
        write(this.header());
      }
      write(paint.dim(strings.grading));
      const total = await scenarioCount(c);
      const g = await gradeStarter(STATE_DIR, c, { signal: controller.signal, onVerdict: (v) => live() && write(scenarioLine(v)) });
      if (!live() || g.cancelled) return;
      this.lastVerdicts = g.verdicts;
      write(`${summaryLine(g.verdicts, total)} ${paint.dim(`(${Math.round(g.ms)} ms)`)}`);
      const failed = g.verdicts.find((v) => v.status !== "pass");
      if (failed) write(failureDetails(failed));
      if (g.passed) {
        write(paint.green(paint.bold(`\n✓ ${strings.solved(c.id)}`)));
        write(this.progressLine());
        const next = this.nextUnsolved();
        write(next ? strings.offerNext(next) : strings.allSolved);
      }
      write(`\n${paint.dim(strings.keysLine.length <= width() ? strings.keysLine : strings.keysNarrow)}`);
    })().catch((err) => {
      write(paint.red(String(err instanceof Error ? err.stack : err)));
    });
    this.grading = { controller, done };
    await done;
  }

  private step(direction: 1 | -1): Promise<void> {
    const id = neighbour(this.list, this.current.id, direction);
    return id ? this.open(id) : Promise.resolve();
  }

  /** A clack prompt owns the keyboard while it is open; saves made meanwhile are graded after. */
  private async ask(message: string): Promise<boolean> {
    this.prompting = true;
    this.listenToKeys(false);
    write("");
    const yes = await confirm(message);
    this.listenToKeys(true);
    this.prompting = false;
    if (this.gradeWhenPromptEnds) {
      this.gradeWhenPromptEnds = false;
      void this.grade(true);
    }
    return yes;
  }

  private async reset(): Promise<void> {
    if (!(await this.ask(strings.confirmReset(relative(targetFile(this.current, "starter")))))) return;
    // The watcher sees the write and re-grades, which clears the screen: keep the message for it.
    this.notice = await resetCommand(this.current);
    write(this.notice);
  }

  private async showSolution(): Promise<void> {
    if (await this.ask(strings.confirmSpoiler)) write(solutionCommand(this.current));
  }

  private showTimeline(): void {
    const failed = this.lastVerdicts.find((v) => v.status !== "pass") ?? this.lastVerdicts.at(-1);
    write(failed ? renderTimeline(failed) : strings.noTimeline);
  }

  private async quit(code: number): Promise<void> {
    clearTimeout(this.debounce);
    this.generation++;
    this.grading?.controller.abort(); // the harness kills the run's process group
    stopAllDemos();
    this.listenToKeys(false);
    restoreTerminal();
    await this.watcher?.close();
    write(`\n${strings.cancelled}`);
    this.finish(code);
  }
}

function restoreTerminal(): void {
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  process.stdin.pause();
  process.stdout.write("\x1b[?25h"); // the cursor, in case a prompt hid it
}
