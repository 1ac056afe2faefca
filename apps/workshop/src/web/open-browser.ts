// Open a URL in the learner's browser, where there is one: `$BROWSER` if set (`none`: never, as
// other tools read it), else `open` on macOS, `start` on Windows, `wslview` in WSL, `xdg-open` on a
// Linux desktop (a display is set). Never fails: without a browser (a server, CI, ssh) it answers
// false and the caller prints the URL instead.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

export function openBrowser(url: string): boolean {
  const command = browserCommand(url);
  if (!command) return false;
  try {
    const child = spawn(command[0]!, command.slice(1), { stdio: "ignore", detached: true });
    child.on("error", () => {}); // no such program after all: the URL is printed anyway
    child.unref();
    return true;
  } catch {
    return false;
  }
}

function browserCommand(url: string): string[] | undefined {
  const chosen = process.env.BROWSER;
  if (chosen === "none" || process.env.CI) return undefined;
  if (chosen) return [chosen, url];
  if (process.platform === "darwin") return ["open", url];
  if (process.platform === "win32") return ["cmd", "/c", "start", "", url];
  if (isWsl()) return onPath("wslview") ? ["wslview", url] : onPath("cmd.exe") ? ["cmd.exe", "/c", "start", "", url.replace(/&/g, "^&")] : undefined;
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return undefined;
  return onPath("xdg-open") ? ["xdg-open", url] : undefined;
}

function isWsl(): boolean {
  try {
    return process.platform === "linux" && /microsoft/i.test(readFileSync("/proc/version", "utf8"));
  } catch {
    return false;
  }
}

function onPath(program: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, program)));
}
