// A real browser for the web view's tests: Debian's Chromium (the `chromium` package), driven by
// playwright-core — headless, no sandbox (CI runs as root), nothing fetched from the network (no
// background services, no component updates, no QUIC), a fresh profile each time. npm cannot
// download browsers here, so the binary is the system's: without it the browser tests are skipped
// and say how to install it; in CI (where .ci/run installs it) its absence is a failure.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { REPO } from "@workshop/harness";
import { type BrowserContext, chromium } from "playwright-core";
import { patience } from "./patience.ts";

/** The Chromium binary: WORKSHOP_CHROMIUM, else `chromium` (Debian) or `chromium-browser` on the PATH. */
export function findChromium(): string | undefined {
  const named = process.env.WORKSHOP_CHROMIUM;
  if (named) return existsSync(named) ? named : undefined;
  for (const name of ["chromium", "chromium-browser"]) {
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
      const file = join(dir, name);
      if (dir && existsSync(file)) return file;
    }
  }
  return undefined;
}

export const CHROMIUM = findChromium();

export const NO_CHROMIUM =
  "The web view's browser tests need Chromium and were skipped: install Debian's package (`sudo apt-get install chromium`; " +
  "elsewhere set WORKSHOP_CHROMIUM to a Chromium binary) and run them again.";

/** Where screenshots are kept (git-ignored: .cache/). */
export const ARTIFACTS = join(REPO, ".cache", "web-e2e");

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(opts: { colorScheme?: "light" | "dark" } = {}): Promise<Browser> {
  if (!CHROMIUM) throw new Error(NO_CHROMIUM);
  const profile = mkdtempSync(join(tmpdir(), "workshop-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 960 },
    colorScheme: opts.colorScheme ?? "light",
    acceptDownloads: true,
    timeout: patience(60_000),
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      "--disable-default-apps",
      "--disable-extensions",
    ],
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

/** Set in the app's environment, as app-in-pty.ts does: how leftovers are found (processesUnder). */
const MARK = "WORKSHOP_E2E_ROOT";

export interface WebApp {
  /** The URL it printed. */
  url: Promise<string>;
  output(): string;
  exited: Promise<number | null>;
  /** SIGTERM, as a terminal's close would send; then, past a deadline, SIGKILL to its group. */
  stop(): Promise<number | null>;
}

/** `npm start -- web <args> --no-open --port 0` in a copy of the repo, as its own process group. */
export function startWebApp(root: string, args: string[] = []): WebApp {
  const env: Record<string, string | undefined> = { ...process.env, [MARK]: root, NO_COLOR: "1" };
  const child: ChildProcess = spawn(
    join(root, "node_modules/.bin/tsx"),
    [join(root, "apps/workshop/src/main.ts"), "web", ...args, "--no-open", "--port", "0"],
    {
      cwd: root,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : null))));
  const url = new Promise<string>((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      out += chunk.toString();
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve(m[0]);
    };
    child.stdout?.on("data", seen);
    child.stderr?.on("data", (c: Buffer) => void (out += c.toString()));
    void exited.then((code) => reject(new Error(`the web view exited (${code}) before printing its address:\n${out}`)));
  });
  url.catch(() => {});
  return {
    url,
    output: () => out,
    exited,
    async stop() {
      child.kill("SIGTERM");
      const code = await Promise.race([exited, new Promise<"late">((r) => setTimeout(() => r("late"), patience(20_000)))]);
      if (code !== "late") return code;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // gone already
      }
      return exited;
    },
  };
}
