// The web view inside watch mode (`w`): the terminal's session drives it — the page shows the cell
// the terminal has open and every grading the terminal runs (one grading per save, seen in both),
// and the page's buttons act on that session (open a cell, grade now).
import type { Track } from "../state/progress.ts";
import { openBrowser } from "./open-browser.ts";
import { startWebServer, type WebServer } from "./server.ts";
import type { Driver } from "./session.ts";
import { web } from "./strings.ts";

export async function startEmbeddedWeb(driver: Driver, track: Track, say: (line: string) => void): Promise<WebServer> {
  const server = await startWebServer({ driver, track });
  say(web.listening(server.url));
  say(openBrowser(server.url) ? web.opened : web.openIt);
  return server;
}
