// The web view's server: Hono on Node's http (@hono/node-server), on 127.0.0.1 only. It serves the
// page, its one script and stylesheet (nothing from elsewhere: the Content-Security-Policy allows
// this origin only), the state the terminal app keeps (progress, hints: the same files), and the
// live grading as server-sent events. Two guards for a server on a learner's machine: the Host must
// be this server (a web page elsewhere cannot reach it through DNS rebinding), and every request
// that changes something carries the page's token (no other site can post to it).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { cells as allCells, type Cell } from "@workshop/harness";
import { normaliseLang } from "@workshop/i18n";
import { Hono } from "hono";
import { compress } from "hono/compress";
import { streamSSE } from "hono/streaming";
import { cellStatus, cellsOf, chapterTitle, relative } from "../state/cells.ts";
import { hintsFor, nextHint } from "../state/hints.ts";
import { rememberLanguage } from "../state/language.ts";
import { chapterDoc } from "../state/localized.ts";
import { STATE_DIR } from "../state/paths.ts";
import { readProgress, type Track, updateProgress } from "../state/progress.ts";
import { clientCss, clientScript } from "./assets.ts";
import { Live } from "./live.ts";
import { page } from "./page.ts";
import { diffLines, lessonHtml, markdownHtml } from "./render.ts";
import type { Driver } from "./session.ts";
import { web } from "./strings.ts";

export interface WebServer {
  url: string;
  port: number;
  live: Live;
  close(): Promise<void>;
}

export interface WebOptions {
  driver: Driver;
  /** The learner's track: the progress bar counts its cells. */
  track: Track;
  /** 0: any free port. */
  port?: number;
}

export class PortInUse extends Error {}

const KEEPALIVE_MS = 15_000;

export async function startWebServer(opts: WebOptions): Promise<WebServer> {
  const { driver } = opts;
  const token = randomBytes(16).toString("hex");
  const live = new Live(driver.current());
  let port = 0;
  const app = new Hono();

  // Only this server's own name: a page elsewhere whose name points here (DNS rebinding) is refused.
  app.use(async (c, next) => {
    const host = c.req.header("host") ?? "";
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return c.text("Forbidden", 403);
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
  });
  // Changes need the page's token.
  app.use("/api/*", async (c, next) => {
    if (c.req.method !== "GET" && c.req.header("x-workshop-token") !== token) return c.text("Forbidden", 403);
    await next();
  });
  app.use("/assets/*", compress());
  app.use("/api/timeline", compress());

  app.get("/", (c) => {
    c.header(
      "Content-Security-Policy",
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
    c.header("Cache-Control", "no-store");
    return c.html(page(token));
  });
  app.get("/assets/app.js", async (c) => {
    c.header("Content-Type", "text/javascript; charset=utf-8");
    c.header("Cache-Control", "no-cache");
    return c.body(await clientScript());
  });
  app.get("/assets/app.css", (c) => {
    c.header("Content-Type", "text/css; charset=utf-8");
    c.header("Cache-Control", "no-cache");
    return c.body(clientCss());
  });
  app.get("/favicon.ico", (c) => c.body(null, 204));

  app.get("/api/state", (c) => c.json(stateOf(opts.track, live.state.cell)));
  app.get("/api/cell", (c) => {
    const found = findCell(c.req.query("id"));
    return found ? c.json(cellView(found)) : c.json({ error: web.noSuchCell }, 404);
  });
  app.post("/api/open", async (c) => {
    const found = findCell(((await c.req.json().catch(() => ({}))) as { id?: string }).id);
    if (!found) return c.json({ error: web.noSuchCell }, 404);
    await driver.open(found.id);
    return c.json({ ok: true });
  });
  app.post("/api/grade", (c) => {
    void driver.grade();
    return c.json({ ok: true });
  });
  app.post("/api/hint", async (c) => {
    const found = findCell(((await c.req.json().catch(() => ({}))) as { id?: string }).id);
    if (!found) return c.json({ error: web.noSuchCell }, 404);
    const hint = await revealHint(found);
    live.broadcast("hints", { cell: found.id });
    return c.json(hint);
  });
  app.get("/api/solution", (c) => {
    const found = findCell(c.req.query("id"));
    if (!found) return c.json({ error: web.noSuchCell }, 404);
    const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "");
    const mine = read(`${found.dir}/starter.ts`);
    const theirs = read(`${found.dir}/solution.ts`);
    return c.json({
      same: mine === theirs,
      title: web.diffTitle(relative(`${found.dir}/starter.ts`), relative(`${found.dir}/solution.ts`)),
      lines: diffLines(mine, theirs),
    });
  });
  app.get("/api/timeline", (c) => {
    const model = live.timeline(Number(c.req.query("gen")), c.req.query("scenario") ?? "");
    return model ? c.json(model) : c.json({ error: web.gradingGone }, 404);
  });
  // The language switch: remembered as `npm start -- lang` remembers it; the open cell is graded
  // again, so its verdicts come in the new language too.
  app.post("/api/lang", async (c) => {
    const lang = normaliseLang(((await c.req.json().catch(() => ({}))) as { lang?: string }).lang);
    if (!lang) return c.json({ error: "en, zh-CN" }, 400);
    await rememberLanguage(STATE_DIR, lang);
    void driver.grade();
    return c.json({ ok: true });
  });
  app.get("/api/events", (c) =>
    streamSSE(c, async (stream) => {
      const send = (event: string, data: unknown) => void stream.writeSSE({ event, data: JSON.stringify(data) }).catch(() => {});
      const unsubscribe = live.subscribe(send);
      send("snapshot", live.state);
      const keepalive = setInterval(() => void stream.write(": keepalive\n\n").catch(() => {}), KEEPALIVE_MS);
      await new Promise<void>((resolve) => stream.onAbort(resolve));
      clearInterval(keepalive);
      unsubscribe();
    }),
  );

  const server = createAdaptorServer({ fetch: app.fetch });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => reject(err.code === "EADDRINUSE" ? new PortInUse(web.portInUse(opts.port ?? 0)) : err));
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  // The page's script is built before anyone is told the address: the first load does not wait for
  // it (nor compete with the first grading for a core). A failed build is said when the page asks.
  await clientScript().catch(() => {});
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    live,
    async close() {
      live.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.(); // event streams stay open otherwise
      });
    },
  };
}

function findCell(id: string | undefined): Cell | undefined {
  return allCells().find((c) => c.id === id);
}

/** The chapter list with progress, the way the terminal's list counts it. */
function stateOf(track: Track, current: string) {
  const progress = readProgress(STATE_DIR);
  const everything = allCells();
  const mine = cellsOf(progress.track ?? track, everything);
  const status = new Map(everything.map((c) => [c.id, cellStatus(progress, c)]));
  const chapters = [...new Set(everything.map((c) => c.chapter))].map((chapter) => ({
    chapter,
    title: chapterTitle(chapter),
    cells: everything.filter((c) => c.chapter === chapter).map((c) => ({ id: c.id, runtime: c.runtime, status: status.get(c.id)!, inTrack: mine.includes(c) })),
  }));
  return {
    track: progress.track ?? track,
    current,
    chapters,
    solved: mine.filter((c) => status.get(c.id) === "solved").length,
    total: mine.length,
  };
}

function cellView(c: Cell) {
  const hintsDoc = chapterDoc(c, "hints.md");
  const lessonDoc = chapterDoc(c, "README.md");
  const hints = hintsFor(hintsDoc.file, c.runtime);
  const seen = Math.min(readProgress(STATE_DIR).hintsSeen[c.id] ?? 0, hints.length);
  return {
    id: c.id,
    chapter: c.chapter,
    runtime: c.runtime,
    title: chapterTitle(c.chapter),
    starter: relative(`${c.dir}/starter.ts`),
    lesson: lessonHtml(lessonDoc.file) ?? null,
    lessonFallback: lessonDoc.fallback,
    hintsFallback: hintsDoc.fallback,
    hints: { total: hints.length, seen: hints.slice(0, seen).map((text, i) => ({ n: i + 1, html: markdownHtml(text) })) },
  };
}

/** The next hint, counted in progress exactly as `h` counts it (commands/hint.ts). */
async function revealHint(c: Cell) {
  const hints = hintsFor(chapterDoc(c, "hints.md").file, c.runtime);
  const seen = Math.min(readProgress(STATE_DIR).hintsSeen[c.id] ?? 0, hints.length);
  const hint = nextHint(hints, seen);
  if (!hint) return { total: 0 };
  await updateProgress(STATE_DIR, (p) => {
    p.hintsSeen[c.id] = Math.max(p.hintsSeen[c.id] ?? 0, hint.index + 1);
  });
  return { n: hint.index + 1, total: hints.length, html: markdownHtml(hint.text), last: hint.last };
}
