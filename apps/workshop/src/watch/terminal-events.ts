// Watch mode's terminal events: single keys in raw mode, handed to the session as named actions,
// and the terminal put back as it was on the way out (also on a crash: the 'exit' hook).
import { emitKeypressEvents } from "node:readline";

interface Key {
  name?: string;
  ctrl?: boolean;
  sequence?: string;
}

/** What each key does; the session implements them. */
export type Action =
  | "quit"
  | "interrupt"
  | "hint"
  | "hints"
  | "grade"
  | "gradeRepeated"
  | "list"
  | "next"
  | "previous"
  | "reset"
  | "solution"
  | "demo"
  | "timeline"
  | "web"
  | "lesson"
  | "help";

const KEYS: Record<string, Action> = {
  q: "quit",
  h: "hint",
  H: "hints",
  g: "grade",
  G: "gradeRepeated",
  l: "list",
  n: "next",
  p: "previous",
  r: "reset",
  s: "solution",
  d: "demo",
  t: "timeline",
  w: "web",
  o: "lesson",
  "?": "help",
};

export function actionOf(key: Key | undefined): Action | undefined {
  if (!key) return undefined;
  if (key.ctrl && key.name === "c") return "interrupt";
  return KEYS[key.sequence ?? ""];
}

/** The keyboard: on while watch mode owns it, off while a prompt does. */
export class Keyboard {
  private readonly listener: (_: string, key: Key | undefined) => void;
  private on = false;

  constructor(onAction: (action: Action) => void) {
    this.listener = (_, key) => {
      const action = actionOf(key);
      if (action) onAction(action);
    };
    emitKeypressEvents(process.stdin);
    process.on("exit", restoreTerminal);
  }

  listen(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    if (on) {
      process.stdin.setRawMode(true);
      process.stdin.resume();
      process.stdin.on("keypress", this.listener);
    } else process.stdin.off("keypress", this.listener);
  }
}

export function restoreTerminal(): void {
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  process.stdin.pause();
  process.stdout.write("\x1b[?25h"); // the cursor, in case a prompt hid it
}
