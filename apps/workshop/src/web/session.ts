// Who decides which cell is open and when it is graded. `npm start -- web` has its own: it watches
// the open cell's starter (watch/file-events.ts, as watch mode does) and grades each save with the
// app's one grading (grading.ts → gradeStarter; a newer save cancels a running grading). Inside
// watch mode (`w`), the terminal's session is the driver instead (web/embed.ts), so a save is
// graded once and both views show that one grading.
import { type Cell, cell, targetFile } from "@workshop/harness";
import { gradeStarter } from "../grading.ts";
import { STATE_DIR } from "../state/paths.ts";
import { type FileEvents, watchFile } from "../watch/file-events.ts";

export interface Driver {
  current(): Cell;
  /** Open another cell (and grade it). */
  open(id: string): Promise<void>;
  /** Grade the open cell again now. */
  grade(): Promise<void>;
}

const DEBOUNCE_MS = 80; // editors write a file in several steps: grade once they are done

export class WebSession implements Driver {
  private cell: Cell;
  private files?: FileEvents;
  private debounce?: NodeJS.Timeout;
  private running?: { controller: AbortController; done: Promise<void> };
  private closed = false;

  constructor(
    first: Cell,
    private readonly opts: { poll?: boolean; onFallback?: () => void } = {},
  ) {
    this.cell = first;
  }

  current(): Cell {
    return this.cell;
  }

  /** Resolves once saves are watched; the grading goes on in the background. */
  async open(id: string): Promise<void> {
    clearTimeout(this.debounce);
    await this.cancel();
    this.cell = cell(id);
    await this.files?.close();
    if (this.closed) return;
    // Only this cell's starter: saving another file grades nothing.
    this.files = watchFile(targetFile(this.cell, "starter"), () => this.saved(), { poll: this.opts.poll, onFallback: this.opts.onFallback });
    await this.files.ready;
    void this.grade();
  }

  async grade(): Promise<void> {
    await this.cancel();
    if (this.closed) return;
    const controller = new AbortController();
    const done = gradeStarter(STATE_DIR, this.cell, { signal: controller.signal }).then(
      () => {},
      () => {}, // the page hears how it ended through the grading's watchers
    );
    const running = { controller, done };
    this.running = running;
    await done;
    if (this.running === running) this.running = undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.debounce);
    await this.cancel();
    await this.files?.close();
  }

  private saved(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.grade(), DEBOUNCE_MS);
  }

  /** Stop the running grading (the harness kills its processes) and wait until it has. */
  private async cancel(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.controller.abort();
    await running.done;
  }
}
