// Watch mode's session: which cell is open, its grading (a newer save cancels a running one; leaving
// the cell mid-grade says the grade was cancelled), and what each key does. Everything is appended
// to the screen, cleared when a new grading starts: a learner can scroll back and copy what they saw.
import { type Cell, cell, coolDown, displayWidth, targetFile, type Verdict } from "@workshop/harness";
import { demoCommand } from "../commands/demo.ts";
import { hintCommand } from "../commands/hint.ts";
import { listCommand } from "../commands/list.ts";
import { resetCommand } from "../commands/reset.ts";
import { solutionCommand } from "../commands/solution.ts";
import { stopAllDemos } from "../demo.ts";
import { gradeAndShow } from "../grading.ts";
import { cellStatus, cellsOf, chapterTitle, neighbour, nextUnsolved, relative } from "../state/cells.ts";
import { lessonSummary } from "../state/lesson.ts";
import { chapterDoc } from "../state/localized.ts";
import { STATE_DIR } from "../state/paths.ts";
import { onProgressRebuilt, readProgress, type Track } from "../state/progress.ts";
import { strings } from "../strings.ts";
import { confirm } from "../ui/confirm.ts";
import { bar } from "../ui/list.ts";
import { renderMarkdown } from "../ui/markdown.ts";
import { clearScreen, paint, rule, width } from "../ui/terminal.ts";
import { renderTimeline } from "../ui/timeline.ts";
import { type FileEvents, watchFile } from "./file-events.ts";
import { type Action, Keyboard, restoreTerminal } from "./terminal-events.ts";

const DEBOUNCE_MS = 80; // editors write a file in several steps; grade once they are done
/** `G`: how many times to grade in a row (a flaky pass shows as "passed 9/10"). */
export const REPEAT_RUNS = 10;

const write = (s: string) => process.stdout.write(`${s}\n`);

interface Running {
  cell: string;
  controller: AbortController;
  done: Promise<void>;
}

export class Session {
  private readonly list: Cell[];
  private current!: Cell;
  private files?: FileEvents;
  private debounce?: NodeJS.Timeout;
  private grading?: Running;
  private generation = 0;
  private lastVerdicts: Verdict[] = [];
  private prompting = false;
  private gradeWhenPromptEnds = false;
  private finish!: (code: number) => void;
  private readonly keyboard: Keyboard;
  /** The web view (`w`), once started: it shows this session's cell and gradings. */
  private web?: Promise<{ url: string; close(): Promise<void> } | undefined>;
  /** Said once under the header of the next screen: where a reset put the backup, a cancelled grade. */
  private notice: string[] = [];

  constructor(
    private readonly track: Track,
    private readonly opts: { poll?: boolean } = {},
  ) {
    this.list = cellsOf(track);
    this.keyboard = new Keyboard((action) => {
      Promise.resolve(this.act(action)).catch((err) => write(paint.red(String(err instanceof Error ? err.stack : err))));
    });
  }

  run(startId: string): Promise<number> {
    const done = new Promise<number>((resolve) => (this.finish = resolve));
    onProgressRebuilt((aside) => write(paint.yellow(strings.progressRebuilt(relative(aside)))));
    this.keyboard.listen(true);
    for (const signal of ["SIGTERM", "SIGHUP"] as const) process.once(signal, () => this.quit(128 + (signal === "SIGTERM" ? 15 : 1)));
    void this.open(startId);
    return done;
  }

  private act(action: Action): unknown {
    switch (action) {
      case "quit":
        return this.quit(0);
      case "interrupt":
        return this.quit(130);
      case "hint":
        return hintCommand(this.current, { inWatch: true }).then((text) => write(`\n${text}`));
      case "hints":
        return hintCommand(this.current, { all: true, inWatch: true }).then((text) => write(`\n${text}`));
      case "grade":
        return this.grade(true);
      case "gradeRepeated":
        return this.grade(true, REPEAT_RUNS);
      case "list":
        return listCommand({ current: this.current.id }).then((text) => write(`\n${text}`));
      case "next":
        return this.step(1);
      case "previous":
        return this.step(-1);
      case "reset":
        return this.reset();
      case "solution":
        return this.showSolution();
      case "demo":
        return demoCommand(this.current, "starter", (s) => process.stdout.write(s));
      case "timeline":
        return this.showTimeline();
      case "web":
        return this.openWeb();
      case "lesson":
        return write(`\n${this.lesson()}`);
      case "help":
        return write(`\n${strings.keysHelp.join("\n")}`);
    }
  }

  private async open(id: string): Promise<void> {
    clearTimeout(this.debounce);
    const running = this.grading;
    if (running) {
      // Leaving a cell mid-grade: stop it (its processes are killed) and say so on the next screen.
      this.generation++;
      running.controller.abort();
      await running.done;
      this.notice.push(paint.yellow(strings.gradeCancelled(running.cell)));
    }
    if (this.current?.id !== id) coolDown(); // the last cell's warm runners are no use here
    this.current = cell(id);
    await this.files?.close();
    // Only this cell's starter: saving another file must not grade anything.
    this.files = watchFile(targetFile(this.current, "starter"), () => this.saved(), {
      poll: this.opts.poll,
      onFallback: () => write(paint.yellow(strings.pollingFallback)),
    });
    clearScreen();
    write(this.header());
    write(this.lesson());
    write("");
    await this.grade(false);
  }

  private saved(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.grade(true), DEBOUNCE_MS);
  }

  private header(): string {
    const title = `${paint.bold(this.current.id)} · ${chapterTitle(this.current.chapter)}`;
    if (this.opts.poll) this.notice.unshift(paint.dim(strings.polling));
    const notice = this.notice.length ? `\n${this.notice.join("\n")}` : "";
    this.notice = [];
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
    const doc = chapterDoc(this.current, "README.md");
    const summary = lessonSummary(doc.file, this.current.runtime);
    const note = doc.firstFallback ? `${paint.dim(strings.lessonFallback)}\n` : "";
    return `${rule()}\n${note}${summary ? renderMarkdown(summary) : paint.dim(strings.noLesson)}\n${rule()}`;
  }

  /** Grade the current cell (`repeat` times); a newer call cancels this one (its output stops at once). */
  private async grade(clear: boolean, repeat = 1): Promise<void> {
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
      if (clear) {
        clearScreen();
        write(this.header());
      }
      write(paint.dim(repeat > 1 ? strings.repeating(repeat) : strings.grading));
      const g = await gradeAndShow(STATE_DIR, c, write, { signal: controller.signal, repeat, live, warm: true });
      if (!live() || g.cancelled) return;
      this.lastVerdicts = g.verdicts;
      if (g.passed) {
        write(paint.green(paint.bold(`\n✓ ${strings.solved(c.id)}`)));
        write(this.progressLine());
        const next = this.nextUnsolved();
        write(next ? strings.offerNext(next) : strings.allSolved);
      }
      write(`\n${paint.dim(displayWidth(strings.keysLine) <= width() ? strings.keysLine : strings.keysNarrow)}`);
    })()
      .catch((err) => {
        write(paint.red(String(err instanceof Error ? err.stack : err)));
      })
      .finally(() => {
        if (this.grading?.done === done) this.grading = undefined;
      });
    this.grading = { cell: c.id, controller, done };
    await done;
  }

  private step(direction: 1 | -1): Promise<void> {
    const id = neighbour(this.list, this.current.id, direction);
    return id ? this.open(id) : Promise.resolve();
  }

  /** A clack prompt owns the keyboard while it is open; saves made meanwhile are graded after. */
  private async ask(message: string): Promise<boolean> {
    this.prompting = true;
    this.keyboard.listen(false);
    write("");
    const yes = await confirm(message);
    this.keyboard.listen(true);
    this.prompting = false;
    if (this.gradeWhenPromptEnds) {
      this.gradeWhenPromptEnds = false;
      void this.grade(true);
    }
    return yes;
  }

  private async reset(): Promise<void> {
    if (!(await this.ask(strings.confirmReset(relative(targetFile(this.current, "starter")))))) return;
    const r = await resetCommand(this.current);
    // The file events see the write and re-grade, which clears the screen: keep the message for it.
    if (r.ok) this.notice.push(r.text);
    write(r.ok ? r.text : paint.red(r.text));
  }

  private async showSolution(): Promise<void> {
    if (await this.ask(strings.confirmSpoiler)) write(solutionCommand(this.current));
  }

  private showTimeline(): void {
    const failed = this.lastVerdicts.find((v) => v.status !== "pass" && v.status !== "skipped") ?? this.lastVerdicts.at(-1);
    write(failed ? renderTimeline(failed) : strings.noTimeline);
  }

  /** `w`: the web view on this session (web/embed.ts), started once; its address is said again on each `w`. */
  private async openWeb(): Promise<void> {
    if (this.web) {
      const server = await this.web;
      if (server) write(server.url);
      return;
    }
    const driver = { current: () => this.current, open: (id: string) => this.open(id), grade: () => this.grade(true) };
    this.web = import("../web/embed.ts")
      .then(({ startEmbeddedWeb }) => startEmbeddedWeb(driver, this.track, write))
      .catch((err) => {
        write(paint.red(String(err instanceof Error ? err.message : err)));
        return undefined;
      });
    await this.web;
  }

  private async quit(code: number): Promise<void> {
    clearTimeout(this.debounce);
    await (await this.web)?.close();
    this.generation++;
    this.grading?.controller.abort(); // the harness kills the run's process group
    stopAllDemos();
    this.keyboard.listen(false);
    restoreTerminal();
    await this.files?.close();
    onProgressRebuilt(undefined);
    write(`\n${strings.cancelled}`);
    this.finish(code);
  }
}
