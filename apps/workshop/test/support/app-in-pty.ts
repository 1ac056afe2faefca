// The app as a learner sees it: `npm start`'s command in a real pseudo-terminal, its screen kept
// by a headless xterm. Every wait has a deadline and fails with the screen as it was, so a hang is
// a readable failure, never a stuck CI.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type IPty, spawn } from "@lydell/node-pty";
import xterm from "@xterm/headless";
import { patience } from "./patience.ts";

/** Set in the app's environment, inherited by everything it starts: how leftovers are found. */
const MARK = "WORKSHOP_E2E_ROOT";

export interface AppInPty {
  screen(): string;
  /** Everything since the start, scrollback included. */
  transcript(): string;
  press(keys: string): void;
  /** Wait until the pattern shows (or, given a function, until it says yes) on the screen or in the transcript. */
  waitFor(pattern: RegExp | string | ((text: string) => boolean), timeoutMs?: number, from?: "screen" | "transcript"): Promise<number>;
  exited: Promise<number>;
  kill(): Promise<void>;
  pid: number;
}

export function startApp(root: string, opts: { cols?: number; rows?: number; env?: Record<string, string | undefined>; args?: string[] } = {}): AppInPty {
  const cols = opts.cols ?? 80;
  const rows = opts.rows ?? 45;
  const term = new xterm.Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
  const env = { ...process.env, TERM: "xterm-256color", [MARK]: root, ...opts.env } as Record<string, string | undefined>;
  delete env.CI; // CI means "no terminal": here there is one
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const pty: IPty = spawn(join(root, "node_modules", ".bin", "tsx"), [join(root, "apps/workshop/src/main.ts"), ...(opts.args ?? [])], {
    cwd: root,
    cols,
    rows,
    env: env as Record<string, string>,
  });
  let pending = Promise.resolve();
  pty.onData((data) => {
    pending = pending.then(() => new Promise<void>((resolve) => term.write(data, resolve)));
  });
  const exited = new Promise<number>((resolve) => pty.onExit(({ exitCode }) => resolve(exitCode)));
  let done = false;
  void exited.then(() => (done = true));

  const lines = (from: number) => {
    const buffer = term.buffer.active;
    const out: string[] = [];
    for (let i = from; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      const text = line?.translateToString(true) ?? "";
      // A line the terminal wrapped is one line of the app's output: join it back.
      if (line?.isWrapped && out.length) out[out.length - 1] += text;
      else out.push(text);
    }
    return out.join("\n").replace(/\n+$/, "");
  };
  const screen = () => lines(term.buffer.active.baseY);
  const transcript = () => lines(0);

  return {
    pid: pty.pid,
    screen,
    transcript,
    exited,
    press: (keys) => pty.write(keys),
    async waitFor(pattern, timeoutMs = patience(30_000), from = "screen") {
      const started = performance.now();
      const matches = () => {
        const text = from === "screen" ? screen() : transcript();
        return typeof pattern === "string" ? text.includes(pattern) : typeof pattern === "function" ? pattern(text) : pattern.test(text);
      };
      while (!matches()) {
        if (performance.now() - started > timeoutMs) {
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}; the screen was:\n${screen()}`);
        }
        await new Promise((r) => setTimeout(r, 25));
        await pending;
      }
      return performance.now() - started;
    },
    async kill() {
      if (!done) {
        // The app leads its own session: kill its whole process group, then wait (bounded).
        try {
          process.kill(-pty.pid, "SIGKILL");
        } catch {
          pty.kill("SIGKILL");
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, patience(5_000)))]);
      }
      term.dispose();
    },
  };
}

/**
 * Processes still running that the app under `root` started (should be none after it quits).
 * On Linux, by the marker in their environment, which every descendant inherits even when its
 * command line says nothing of the repo (Node's graded runs are built into the temp dir);
 * elsewhere, by command line.
 */
export function processesUnder(root: string): string[] {
  if (existsSync("/proc")) {
    const found: string[] = [];
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        if (readFileSync(`/proc/${pid}/environ`, "utf8").includes(`${MARK}=${root}\0`)) {
          found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ")}`);
        }
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    return found;
  }
  const ps = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" });
  return ps.split("\n").filter((l) => l.includes(root) && !l.includes("ps -eo"));
}
