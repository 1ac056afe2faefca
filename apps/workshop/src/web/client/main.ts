// The page: the chapter list with progress, the open cell (its grading live, scenario by scenario,
// the report, a timeline per scenario, hints one at a time, the solution diff behind a question)
// and the lesson. The server decides what is open and grades; this script shows what it says,
// over server-sent events, and asks it for changes (open a cell, grade, a hint).
import "./i18n.ts"; // first: the page's catalogue is loaded before anything is said
import type { LiveState, Row } from "../live.ts";
import { web } from "../strings.ts";
import type { Timeline } from "../timeline/model.ts";
import { get, post } from "./api.ts";
import { byId, h, html, present } from "./dom.ts";
import { TimelineView } from "./timeline-view.ts";

interface CellCard {
  id: string;
  runtime: string;
  status: string;
  inTrack: boolean;
}
interface State {
  track: string;
  current: string;
  chapters: { chapter: string; title: string; cells: CellCard[] }[];
  solved: number;
  total: number;
}
interface CellView {
  id: string;
  chapter: string;
  runtime: string;
  title: string;
  starter: string;
  lesson: string | null;
  /** The lesson or the hints are in English for want of a translation. */
  lessonFallback?: boolean;
  hintsFallback?: boolean;
  hints: { total: number; seen: { n: number; html: string }[] };
}

let state: State | undefined;
let cell: CellView | undefined;
let live: LiveState | undefined;
/** The scenario whose timeline shows, and whether the learner picked it. */
let picked: { scenario: string; byHand: boolean; gen: number } | undefined;
let view: TimelineView | undefined;

const els = {
  cell: () => byId("cell"),
  lesson: () => byId("lesson"),
  nav: () => byId("chapters"),
};

// ---- the chapter list, with progress ----------------------------------------------------------

async function loadState(): Promise<void> {
  state = await get<State>("/api/state");
  renderProgress();
  renderChapters();
}

function renderProgress(): void {
  if (!state) return;
  const pct = state.total ? Math.round((state.solved / state.total) * 100) : 0;
  const bar = h(
    "span",
    {
      class: "bar",
      role: "progressbar",
      "aria-valuemin": 0,
      "aria-valuemax": state.total,
      "aria-valuenow": state.solved,
      "aria-label": web.cellsSolved(state.solved, state.total),
    },
    h("span", { style: `width:${pct}%` }),
  );
  byId("progress").replaceChildren(bar, " ", web.cellsSolved(state.solved, state.total), " · ", web.track(state.track));
}

function renderChapters(): void {
  if (!state) return;
  const current = live?.cell ?? state.current;
  const list = h(
    "ol",
    { class: "chapter-list" },
    ...state.chapters.map((ch) => {
      const mine = ch.cells.filter((c) => c.inTrack);
      const solved = mine.filter((c) => c.status === "solved").length;
      return h(
        "li",
        {},
        h("div", { class: "chapter-title" }, ch.title),
        h("div", { class: "chapter-bar", "aria-hidden": "true" }, h("span", { style: `width:${mine.length ? (solved / mine.length) * 100 : 0}%` })),
        h(
          "ul",
          { class: "cells" },
          ...ch.cells.map((c) =>
            h(
              "li",
              {},
              h(
                "button",
                {
                  type: "button",
                  class: `cell-link status-${c.status}${c.inTrack ? "" : " other-track"}`,
                  "aria-current": c.id === current ? "true" : undefined,
                  "aria-label": `${c.id}: ${web.statusWords[c.status] ?? c.status}`,
                  onclick: () => void openCell(c.id),
                },
                h("span", { class: "cell-mark", "aria-hidden": "true" }, web.statusMarks[c.status] ?? "·"),
                ` ${c.runtime}`,
              ),
            ),
          ),
        ),
      );
    }),
  );
  els.nav().replaceChildren(h("h2", { class: "visually-hidden" }, web.chapters), list);
}

async function openCell(id: string): Promise<void> {
  if (id === live?.cell) return;
  await post("/api/open", { id });
}

// ---- the open cell -------------------------------------------------------------------------------

async function loadCell(id: string): Promise<void> {
  cell = await get<CellView>(`/api/cell?id=${encodeURIComponent(id)}`);
  picked = undefined;
  view?.dispose();
  view = undefined;
  history.replaceState(null, "", `#/${cell.id}`);
  document.title = `${cell.id} · ${web.title}`;
  byId("where").textContent = `${cell.id} · ${cell.title}`;
  renderCell();
  renderLesson();
  renderChapters();
}

function renderCell(): void {
  if (!cell) return;
  const c = cell;
  const main = els.cell();
  const [before, after] = web.editLine();
  main.replaceChildren(
    h("h1", { id: "cell-title" }, c.id, h("span", { class: "subtitle" }, ` · ${c.title}`)),
    h(
      "p",
      { class: "edit" },
      before,
      h("code", {}, c.starter),
      `${after} `,
      h("button", { type: "button", id: "grade-now", onclick: () => void post("/api/grade") }, web.gradeNow),
    ),
    h("div", { id: "status", class: "status", role: "status", "aria-live": "polite" }),
    h("section", { "aria-labelledby": "scenarios-h" }, h("h2", { id: "scenarios-h" }, web.scenarios), h("ul", { id: "rows", class: "rows" })),
    h("div", { id: "report" }),
    h("section", { id: "timeline", class: "timeline-section", "aria-live": "off" }),
    hintsSection(c),
    solutionSection(c),
  );
  renderLive();
}

function renderLive(): void {
  if (!cell || !live || live.cell !== cell.id) return;
  const s = live;
  const status = byId("status");
  const solved = s.phase === "done" && s.passed;
  status.className = `status ${solved ? "solved" : s.phase}`;
  status.dataset.phase = s.phase;
  status.dataset.gen = String(s.gen);
  status.replaceChildren(
    ...present(
      s.phase === "grading" || s.phase === "graded" ? h("span", { class: "spinner", "aria-hidden": "true" }) : undefined,
      s.phase === "idle"
        ? web.waiting
        : s.phase === "grading"
          ? web.grading
          : s.phase === "cancelled"
            ? web.cancelled
            : solved
              ? `✓ ${web.solved(cell.id)}`
              : s.phase === "graded"
                ? `${summary(s)} — ${web.grading}`
                : summary(s),
    ),
  );
  renderRows();
  const report = byId("report");
  report.replaceChildren(
    ...present(
      s.missing ? h("pre", { class: "report" }, html(s.missing)) : undefined,
      s.report ? h("pre", { class: "report" }, html(s.report)) : undefined,
      s.types ? h("section", { "aria-label": web.typeErrors }, h("pre", { class: "report types" }, html(s.types))) : undefined,
    ),
  );
}

function summary(s: LiveState): string {
  const passed = s.rows.filter((r) => r.status === "pass" || r.status === "skipped").length;
  return web.scenariosPass(passed, s.total || s.rows.length);
}

function renderRows(): void {
  const s = live;
  const list = document.getElementById("rows");
  if (!s || !list) return;
  list.replaceChildren(
    ...s.rows.map((r) => {
      const open = picked?.scenario === r.scenario;
      return h(
        "li",
        { class: `row status-${r.status} colour-${r.colour}` },
        h("span", { class: "row-mark", "aria-hidden": "true" }, r.mark),
        h("span", { class: "row-title" }, r.title),
        h("span", { class: "words" }, r.status === "pending" ? web.grading : r.note ? `${r.words}: ${r.note}` : r.words),
        r.ms !== undefined ? h("span", { class: "ms" }, `(${r.ms} ms)`) : undefined,
        r.events > 0 && r.status !== "pending"
          ? h(
              "button",
              {
                type: "button",
                class: "show-timeline",
                "aria-pressed": open ? "true" : "false",
                "aria-label": `${web.showTimeline}: ${r.title}`,
                onclick: () => void showTimeline(r.scenario, true),
              },
              web.showTimeline,
            )
          : undefined,
      );
    }),
  );
}

const failing = (r: Row) => r.status !== "pass" && r.status !== "skipped" && r.status !== "pending" && r.status !== "notrun";

/** The first failing scenario's picture shows by itself; one the learner picked stays picked. */
function autoTimeline(): void {
  const s = live;
  if (!s || !cell) return;
  if (picked?.byHand) {
    const row = s.rows.find((r) => r.scenario === picked!.scenario);
    if (row && row.status !== "pending" && picked.gen !== s.gen) void showTimeline(picked.scenario, true);
    return;
  }
  if (picked?.gen === s.gen) return;
  const first = s.rows.find((r) => failing(r) && r.events > 0);
  if (first) void showTimeline(first.scenario, false);
}

async function showTimeline(scenario: string, byHand: boolean): Promise<void> {
  if (!live) return;
  const gen = live.gen;
  picked = { scenario, byHand, gen };
  renderRows();
  const model = await get<Timeline>(`/api/timeline?gen=${gen}&scenario=${encodeURIComponent(scenario)}`).catch(() => undefined);
  if (!model || picked?.scenario !== scenario || picked.gen !== gen) return;
  view?.dispose();
  const id = `tl-${scenario.replace(/\W/g, "-")}`;
  view = new TimelineView(model, { id, fileName: `${cell?.id.replace("/", "-")}-${scenario}.svg` });
  const section = byId("timeline");
  section.replaceChildren(h("h2", { id: `${id}-h` }, web.timelineOf(model.title)), view.root);
  section.setAttribute("aria-labelledby", `${id}-h`);
  section.dataset.scenario = scenario;
  section.dataset.gen = String(gen);
}

// ---- hints, one at a time --------------------------------------------------------------------------

function hintsSection(c: CellView): HTMLElement {
  const list = h("ol", { id: "hint-list", class: "hints" }, ...c.hints.seen.map((s) => hintItem(s.n, c.hints.total, s.html)));
  const left = h("p", { id: "hints-left", class: "note" }, c.hints.total ? web.hintsLeft(c.hints.seen.length, c.hints.total) : web.noHints);
  const fallback = c.hintsFallback ? h("p", { class: "note fallback" }, web.hintsFallback) : undefined;
  const more = h(
    "button",
    { type: "button", id: "next-hint", disabled: c.hints.total === 0 || c.hints.seen.length >= c.hints.total },
    c.hints.seen.length ? web.nextHint : web.firstHint,
  );
  more.addEventListener("click", async () => {
    const hint = await post<{ n?: number; total: number; html?: string; last?: boolean }>("/api/hint", { id: c.id });
    if (hint.n === undefined || hint.html === undefined) return;
    if (hint.n > c.hints.seen.length) {
      c.hints.seen.push({ n: hint.n, html: hint.html });
      const item = hintItem(hint.n, hint.total, hint.html);
      list.append(item);
      item.querySelector<HTMLElement>("h3")?.focus();
    }
    left.textContent = web.hintsLeft(c.hints.seen.length, hint.total);
    more.textContent = web.nextHint;
    more.disabled = c.hints.seen.length >= hint.total;
  });
  return h("section", { "aria-labelledby": "hints-h", class: "hints-section" }, ...present(h("h2", { id: "hints-h" }, web.hints), fallback, list, more, left));
}

function hintItem(n: number, total: number, markup: string): HTMLElement {
  return h("li", { class: "hint" }, h("h3", { tabindex: -1 }, web.hintTitle(n, total)), h("div", { class: "md" }, html(markup)));
}

// ---- the solution, behind a question ---------------------------------------------------------------

function solutionSection(c: CellView): HTMLElement {
  const out = h("div", { id: "solution-diff" });
  const dialog = h(
    "dialog",
    { id: "spoiler", "aria-labelledby": "spoiler-q" },
    h("p", { id: "spoiler-q" }, web.confirmSpoiler),
    h(
      "form",
      { method: "dialog", class: "dialog-buttons" },
      h("button", { value: "no", autofocus: true }, web.no),
      h("button", { value: "yes", class: "danger" }, web.yesShow),
    ),
  );
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "yes") return;
    const d = await get<{ same: boolean; title: string; lines: { kind: string; text: string }[] }>(`/api/solution?id=${encodeURIComponent(c.id)}`);
    out.replaceChildren(
      d.same
        ? h("p", {}, web.sameAsSolution)
        : h(
            "figure",
            {},
            h("figcaption", {}, d.title),
            h("pre", { class: "diff", tabindex: 0 }, ...d.lines.map((l) => h("span", { class: `d-${l.kind}` }, `${l.text}\n`))),
          ),
    );
    out.querySelector<HTMLElement>("figure pre, p")?.focus();
  });
  const ask = h("button", { type: "button", id: "show-solution", onclick: () => dialog.showModal() }, web.showSolution);
  return h("section", { "aria-labelledby": "solution-h", class: "solution-section" }, h("h2", { id: "solution-h" }, web.solution), ask, dialog, out);
}

// ---- the lesson ------------------------------------------------------------------------------------

function renderLesson(): void {
  if (!cell) return;
  els
    .lesson()
    .replaceChildren(
      ...present(
        h("h2", { class: "visually-hidden" }, web.lesson),
        cell.lessonFallback ? h("p", { class: "note fallback" }, web.lessonFallback) : undefined,
        h("div", { class: "md lesson-body" }, cell.lesson ? html(cell.lesson) : ""),
      ),
    );
  // The section of this cell's runtime stands out ("### Deno: …").
  const runtime = cell.runtime;
  els
    .lesson()
    .querySelectorAll("h3")
    .forEach((h3) => {
      if (h3.textContent?.toLowerCase().startsWith(runtime)) h3.classList.add("mine");
    });
}

// ---- live: server-sent events ----------------------------------------------------------------------

function connect(): void {
  const events = new EventSource("/api/events");
  const connection = byId("connection");
  const on = (name: string, handler: (data: never) => void) => events.addEventListener(name, (e) => handler(JSON.parse((e as MessageEvent).data) as never));
  events.addEventListener("open", () => {
    connection.textContent = "";
    connection.className = "connection";
  });
  events.addEventListener("error", () => {
    connection.textContent = web.disconnected;
    connection.className = "connection down";
  });
  on("snapshot", async (s: LiveState) => {
    live = s;
    if (cell?.id !== s.cell) await loadCell(s.cell);
    else renderLive();
    autoTimeline();
    void loadState();
  });
  on("cell", async (d: { cell: string }) => {
    if (cell?.id !== d.cell) await loadCell(d.cell);
  });
  on("grading", async (s: LiveState) => {
    live = s;
    if (cell?.id !== s.cell) await loadCell(s.cell);
    else renderLive();
  });
  on("rows", (d: { gen: number; rows: Row[]; total: number }) => {
    if (!live || d.gen !== live.gen) return;
    live.rows = d.rows;
    live.total = d.total;
    renderLive();
  });
  on("verdict", (d: { gen: number; row: Row }) => {
    if (!live || d.gen !== live.gen) return;
    const at = live.rows.findIndex((r) => r.scenario === d.row.scenario);
    if (at >= 0) live.rows[at] = d.row;
    else live.rows.push(d.row);
    renderLive();
    autoTimeline();
  });
  on("graded", (s: LiveState) => {
    live = s;
    renderLive();
    autoTimeline();
  });
  on("done", (s: LiveState) => {
    live = s;
    renderLive();
    autoTimeline();
  });
  on("progress", () => void loadState());
  on("hints", () => void loadState());
}

// The language switch (page.ts): the app remembers the choice, the page comes back in it.
document.getElementById("language")?.addEventListener("change", async (e) => {
  await post("/api/lang", { lang: (e.target as HTMLSelectElement).value });
  location.reload();
});

void loadState().catch(() => {});
connect();
