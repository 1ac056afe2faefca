// The web view's server without a browser, in-process on a copy of the repo (its state and starters
// are the copy's): it answers only under its own name and changes nothing without the page's
// token; the page loads nothing from elsewhere; the lesson comes highlighted; a hint is counted in
// the same progress as the terminal app's; the live stream starts with the state as it is.
import { request } from "node:http";
import { join } from "node:path";
import { type Cell, REPO } from "@workshop/harness";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { WebServer } from "../src/web/server.ts";
import { copyRepo } from "./support/repo-copy.ts";

let copy: ReturnType<typeof copyRepo>;
let server: WebServer;
let token = "";
const opened: string[] = [];
let graded = 0;

beforeAll(async () => {
  copy = copyRepo(REPO);
  const { startWebServer } = (await import(join(copy.root, "apps/workshop/src/web/server.ts"))) as typeof import("../src/web/server.ts");
  const { cell } = (await import(join(copy.root, "packages/harness/src/index.ts"))) as typeof import("@workshop/harness");
  let current: Cell = cell("01-lock/deno");
  // A driver that grades nothing: the e2e test drives the real one.
  const driver = {
    current: () => current,
    open: async (id: string) => {
      opened.push(id);
      current = cell(id);
    },
    grade: async () => void graded++,
  };
  server = await startWebServer({ driver, track: "deno", port: 0 });
  token = (await (await fetch(server.url)).text()).match(/name="workshop-token" content="([0-9a-f]+)"/)?.[1] ?? "";
});
afterAll(async () => {
  await server?.close();
  copy?.cleanup();
});

/** A raw request, to set the Host header as a browser on another name would. */
function raw(path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: server.port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

const post = (path: string, body: unknown, withToken = true) =>
  fetch(new URL(path, server.url), {
    method: "POST",
    headers: { "content-type": "application/json", ...(withToken ? { "x-workshop-token": token } : {}) },
    body: JSON.stringify(body),
  });

test("it serves 127.0.0.1 only under its own name: another Host (DNS rebinding) is refused", async () => {
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  expect(await raw("/api/state", `127.0.0.1:${server.port}`)).toBe(200);
  expect(await raw("/api/state", `localhost:${server.port}`)).toBe(200);
  expect(await raw("/api/state", `evil.example:${server.port}`)).toBe(403);
});

test("the page: a token, one script and one stylesheet of its own, and a policy that allows nothing from elsewhere", async () => {
  const res = await fetch(server.url);
  const html = await res.text();
  expect(token).toMatch(/^[0-9a-f]{32}$/);
  expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
  expect([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])).toEqual(["/assets/app.css", "/assets/app.js", "#cell"]);
  const script = await fetch(new URL("/assets/app.js", server.url));
  expect(script.headers.get("content-type")).toContain("javascript");
  expect((await script.text()).length).toBeGreaterThan(1000);
  expect((await fetch(new URL("/assets/app.css", server.url))).status).toBe(200);
});

test("changes need the page's token: another site cannot post to it", async () => {
  expect((await post("/api/grade", {}, false)).status).toBe(403);
  expect(graded).toBe(0);
  expect((await post("/api/grade", {})).status).toBe(200);
  expect(graded).toBe(1);
  expect((await post("/api/open", { id: "02-pipe/deno" })).status).toBe(200);
  expect(opened).toEqual(["02-pipe/deno"]);
  expect((await post("/api/open", { id: "../../etc" })).status).toBe(404);
});

test("the chapter list with progress, and a cell: its lesson highlighted, the Python beside the TypeScript", async () => {
  const state = (await (await fetch(new URL("/api/state", server.url))).json()) as { track: string; chapters: { cells: { id: string }[] }[]; total: number };
  expect(state.track).toBe("deno");
  expect(state.chapters[0]!.cells.map((c) => c.id)).toEqual(["01-lock/node", "01-lock/deno", "01-lock/bun"]);
  expect(state.total).toBe(state.chapters.flatMap((c) => c.cells).filter((c) => c.id.endsWith("/deno")).length);
  const cell = (await (await fetch(new URL("/api/cell?id=01-lock/deno", server.url))).json()) as { lesson: string; starter: string };
  expect(cell.starter).toBe("workshops/01-lock/deno/starter.ts");
  expect(cell.lesson).toMatch(/<code class="hljs language-python">[\s\S]*<span class="hljs-keyword">/);
  expect(cell.lesson).toMatch(/<code class="hljs language-ts">/);
});

test("a hint is the next one, counted in the same progress file as `h` counts it", async () => {
  const first = (await (await post("/api/hint", { id: "01-lock/deno" })).json()) as { n: number; total: number; html: string };
  expect(first.n).toBe(1);
  expect(first.total).toBeGreaterThan(1);
  const second = (await (await post("/api/hint", { id: "01-lock/deno" })).json()) as { n: number };
  expect(second.n).toBe(2);
  const { readProgress } = (await import(join(copy.root, "apps/workshop/src/state/progress.ts"))) as typeof import("../src/state/progress.ts");
  expect(readProgress(join(copy.root, ".workshop")).hintsSeen["01-lock/deno"]).toBe(2);
  const cell = (await (await fetch(new URL("/api/cell?id=01-lock/deno", server.url))).json()) as { hints: { seen: unknown[] } };
  expect(cell.hints.seen).toHaveLength(2);
});

test("the solution diff, yours → the solution", async () => {
  const diff = (await (await fetch(new URL("/api/solution?id=01-lock/deno", server.url))).json()) as { same: boolean; lines: { kind: string }[] };
  expect(diff.same).toBe(false);
  expect(diff.lines.some((l) => l.kind === "add")).toBe(true);
});

test("the live stream opens with the state as it is", async () => {
  const controller = new AbortController();
  const res = await fetch(new URL("/api/events", server.url), { signal: controller.signal });
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const reader = res.body!.getReader();
  let text = "";
  while (!text.includes("\n\n")) text += new TextDecoder().decode((await reader.read()).value);
  controller.abort();
  expect(text).toMatch(/^event: snapshot\ndata: \{"cell":"01-lock\/deno"/); // a driver opens by grading: this one grades nothing
});
