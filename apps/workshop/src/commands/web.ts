// `npm start -- web [cell] [--port N] [--no-open]`: the web view — the chapter list, the lesson, the
// open cell graded on every save (the app's one grading), its verdicts with a picture of what the
// processes did, hints, the solution diff. A local server on 127.0.0.1 (a free port unless --port
// says which), opened in the browser where there is one; it runs until Ctrl-C (or SIGTERM).
import { type Cell, targetFile } from "@workshop/harness";
import type { Io } from "../cli.ts";
import { cellsOf, relative } from "../state/cells.ts";
import { STATE_DIR } from "../state/paths.ts";
import { readProgress } from "../state/progress.ts";
import { strings } from "../strings.ts";
import { paint } from "../ui/terminal.ts";
import { openBrowser } from "../web/open-browser.ts";
import { PortInUse, startWebServer } from "../web/server.ts";
import { WebSession } from "../web/session.ts";
import { web } from "../web/strings.ts";
import { nextCell } from "./next.ts";
import { UsageError } from "./resolve.ts";

/** `--port`: a whole number from 0 (any free port) to 65535. */
export function checkPort(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || String(value).trim() === "") throw new UsageError(web.badPort(String(value)));
  return port;
}

export async function webCommand(opts: { cell?: Cell; port?: number; open: boolean; poll?: boolean; io: Io }): Promise<number> {
  const { io } = opts;
  const track = readProgress(STATE_DIR).track ?? "all";
  const first = opts.cell ?? nextCell(track) ?? cellsOf(track)[0];
  if (!first) return 0;
  const session = new WebSession(first, { poll: opts.poll, onFallback: () => io.out(`${paint.yellow(strings.pollingFallback)}\n`) });
  let server: Awaited<ReturnType<typeof startWebServer>>;
  try {
    server = await startWebServer({ driver: session, track, port: opts.port });
  } catch (err) {
    if (!(err instanceof PortInUse)) throw err;
    io.err(`${paint.red(err.message)}\n`);
    return 1;
  }
  io.out(`${paint.bold(web.listening(paint.cyan(server.url)))}\n`);
  io.out(`${strings.editThis} ${paint.cyan(relative(targetFile(first, "starter")))}\n`);
  io.out(`${web.openedAndStop(opts.open && openBrowser(server.url))}\n`);
  await session.open(first.id);
  // Until Ctrl-C or SIGTERM: the harness kills the running grading's processes on the same signal.
  await new Promise<void>((resolve) => {
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => resolve());
  });
  await Promise.all([session.close(), server.close()]);
  io.out(`\n${web.stopped}\n`);
  return 0;
}
