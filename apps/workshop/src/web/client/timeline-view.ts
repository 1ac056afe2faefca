// The timeline picture on the page: the SVG of timeline/svg.ts for a window of time, and what a
// learner does with it — zoom (buttons, + and −, Ctrl + wheel), move (drag, the position slider,
// Shift + wheel), hover or focus an event for its details, the keyboard (← → within a process,
// ↑ ↓ across them, 0 the whole run, b where it broke), the same events as a table, and the SVG to
// save. The picture is redrawn for each change of view: only what is in the window is drawn.

import { web } from "../strings.ts";
import type { Timeline } from "../timeline/model.ts";
import { itemText, plotWidth, renderTimeline, scale, timeLabel } from "../timeline/svg.ts";
import { h } from "./dom.ts";

const TABLE_ROWS = 400;
const MIN_WINDOW_MS = 0.02;

export class TimelineView {
  readonly root: HTMLElement;
  private readonly figure: HTMLDivElement;
  private readonly details: HTMLParagraphElement;
  private readonly tooltip: HTMLDivElement;
  private readonly slider: HTMLInputElement;
  private readonly table: HTMLDetailsElement;
  private readonly save: HTMLAnchorElement;
  private from = 0;
  private to = 1;
  private selected?: number;
  private readonly resize: ResizeObserver;
  private svgText = "";
  private drag?: { x: number; from: number; to: number; moved: boolean };
  /** After the click that ends a drag (which must not select anything). */
  private readonly dragEnded = () => setTimeout(() => (this.drag = undefined));

  constructor(
    private readonly model: Timeline,
    private readonly opts: { id: string; fileName: string },
  ) {
    const m = model;
    const helpId = `${opts.id}-help`;
    const detailsId = `${opts.id}-details`;
    this.figure = h("div", {
      class: "tl-figure",
      tabindex: 0,
      role: "group",
      "aria-roledescription": "timeline",
      "aria-label": web.timelineOf(m.title),
      "aria-describedby": `${helpId} ${detailsId}`,
    });
    this.details = h("p", { class: "tl-details", id: detailsId, "aria-live": "polite" }, web.noSelection);
    this.tooltip = h("div", { class: "tl-tooltip", "aria-hidden": "true", hidden: true });
    this.slider = h("input", { type: "range", min: 0, max: 1000, value: 0, "aria-label": web.position, class: "tl-slider" });
    this.save = h("a", { class: "button", href: "#", download: opts.fileName }, web.saveSvg);
    this.table = h("details", { class: "tl-table" }, h("summary", {}, web.asTable));
    const button = (label: string, onclick: () => void, extra: Record<string, string> = {}) => h("button", { type: "button", onclick, ...extra }, label);
    const toolbar = h(
      "div",
      { class: "tl-toolbar", role: "toolbar", "aria-label": web.timelineOf(m.title) },
      button("+", () => this.zoom(0.5), { "aria-label": web.zoomIn, title: web.zoomIn }),
      button("−", () => this.zoom(2), { "aria-label": web.zoomOut, title: web.zoomOut }),
      button(web.wholeRun, () => this.whole()),
      m.broke ? button(web.whereItBroke, () => this.toBreak(), { class: "danger" }) : undefined,
      this.save,
    );
    this.root = h(
      "div",
      { class: "tl" },
      m.broke ? h("p", { class: "tl-broke" }, h("strong", {}, "✕ "), m.broke.text) : undefined,
      m.capped ? h("p", { class: "note" }, web.capped(m.capped)) : undefined,
      toolbar,
      h("div", { class: "tl-frame" }, this.figure, this.tooltip),
      h("label", { class: "tl-position" }, h("span", {}, web.position), this.slider),
      this.details,
      h("p", { class: "note", id: helpId }, web.timelineHelp),
      this.table,
    );

    this.slider.addEventListener("input", () => {
      const size = this.to - this.from;
      const room = Math.max(0, this.model.end - size);
      this.setView((Number(this.slider.value) / 1000) * room, (Number(this.slider.value) / 1000) * room + size);
    });
    this.save.addEventListener("click", () => {
      // The picture as it is now, with its own style: it reads the same opened on its own.
      const blob = new Blob([`<?xml version="1.0" encoding="UTF-8"?>\n${this.svgText}`], { type: "image/svg+xml" });
      this.save.href = URL.createObjectURL(blob);
      setTimeout(() => URL.revokeObjectURL(this.save.href), 60_000);
    });
    this.table.addEventListener("toggle", () => this.renderTable());
    this.figure.addEventListener("keydown", (e) => this.key(e));
    this.figure.addEventListener("click", (e) => {
      if (this.drag?.moved) return;
      const i = itemAt(e.target);
      if (i !== undefined) this.select(i);
    });
    this.figure.addEventListener("pointermove", (e) => this.hover(e));
    this.figure.addEventListener("pointerleave", () => (this.tooltip.hidden = true));
    this.figure.addEventListener("pointerdown", (e) => {
      this.drag = { x: e.clientX, from: this.from, to: this.to, moved: false };
    });
    window.addEventListener("pointerup", this.dragEnded);
    this.figure.addEventListener(
      "wheel",
      (e) => {
        if (e.ctrlKey || e.metaKey) {
          e.preventDefault();
          this.zoom(e.deltaY > 0 ? 1.25 : 0.8, this.timeAt(e.clientX));
        } else if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
          e.preventDefault();
          const dx = e.deltaX || e.deltaY;
          const ms = (dx / plotWidth(this.width())) * (this.to - this.from);
          this.setView(this.from + ms, this.to + ms);
        }
      },
      { passive: false },
    );
    this.resize = new ResizeObserver(() => this.render());
    this.resize.observe(this.figure);
    if (m.broke && m.items.length > 60) this.toBreak(false);
    else this.whole();
  }

  dispose(): void {
    this.resize.disconnect();
    window.removeEventListener("pointerup", this.dragEnded);
  }

  private width(): number {
    return Math.max(360, this.figure.clientWidth || 720);
  }

  private timeAt(clientX: number): number {
    const rect = this.figure.getBoundingClientRect();
    return scale({ from: this.from, to: this.to, width: this.width() }).t(clientX - rect.left);
  }

  private setView(from: number, to: number): void {
    const end = Math.max(this.model.end, MIN_WINDOW_MS);
    let size = Math.min(Math.max(to - from, MIN_WINDOW_MS), end * 1.02);
    if (!Number.isFinite(size) || size <= 0) size = end;
    let start = Math.min(Math.max(from, -end * 0.01), end * 1.01 - size);
    if (!Number.isFinite(start)) start = 0;
    this.from = start;
    this.to = start + size;
    const room = end - size;
    this.slider.value = String(room > 0 ? Math.round((Math.max(0, this.from) / room) * 1000) : 0);
    this.slider.setAttribute("aria-valuetext", `${timeLabel(this.from)} – ${timeLabel(this.to)}`);
    this.render();
  }

  whole(): void {
    const pad = Math.max(this.model.end * 0.01, 0.05);
    this.setView(-pad, this.model.end + pad);
  }

  zoom(factor: number, around?: number): void {
    const centre = around ?? (this.selected !== undefined ? this.model.items[this.selected]!.t : (this.from + this.to) / 2);
    const from = centre - (centre - this.from) * factor;
    const to = centre + (this.to - centre) * factor;
    this.setView(from, to);
  }

  /** Zoom to where it broke: its stretch, widened until a dozen events show around it. */
  toBreak(select = true): void {
    const b = this.model.broke;
    if (!b) return;
    const centre = b.from !== undefined && b.to !== undefined ? (b.from + b.to) / 2 : b.t;
    let size = Math.max(b.from !== undefined && b.to !== undefined ? (b.to - b.from) * 3 : 0, 0.05);
    const count = (from: number, to: number) => this.model.items.filter((i) => i.t >= from && i.t <= to).length;
    while (size < this.model.end && count(centre - size / 2, centre + size / 2) < 12) size *= 2;
    this.setView(centre - size / 2, centre + size / 2);
    if (select) {
      const at = b.item ?? this.nearest(b.t, b.lanes.at(-1));
      if (at !== undefined) this.select(at, false);
    }
  }

  private nearest(t: number, lane?: string): number | undefined {
    let best: number | undefined;
    this.model.items.forEach((item, i) => {
      if (lane !== undefined && item.lane !== lane) return;
      if (best === undefined || Math.abs(item.t - t) < Math.abs(this.model.items[best]!.t - t)) best = i;
    });
    return best;
  }

  select(i: number, reveal = true): void {
    const item = this.model.items[i];
    if (!item) return;
    this.selected = i;
    this.details.textContent = `${web.selected}: ${itemText(this.model, i)}`;
    if (reveal && (item.t < this.from || item.t > this.to)) {
      const size = this.to - this.from;
      this.setView(item.t - size / 2, item.t + size / 2);
    } else this.render();
  }

  private key(e: KeyboardEvent): void {
    const items = this.model.items;
    const cur = this.selected;
    const lanes = this.model.lanes.map((l) => l.id);
    const inLane = (lane: string) => items.map((it, i) => ({ it, i })).filter(({ it }) => it.lane === lane);
    let handled = true;
    switch (e.key) {
      case "ArrowRight":
      case "ArrowLeft": {
        if (cur === undefined) {
          const first = items.findIndex((it) => it.t >= this.from);
          if (first >= 0) this.select(first);
          break;
        }
        const list = inLane(items[cur]!.lane);
        const at = list.findIndex(({ i }) => i === cur);
        const next = list[at + (e.key === "ArrowRight" ? 1 : -1)];
        if (next) this.select(next.i);
        break;
      }
      case "ArrowDown":
      case "ArrowUp": {
        const here = cur === undefined ? undefined : items[cur]!;
        const laneAt = here ? lanes.indexOf(here.lane) : -1;
        for (let l = laneAt + (e.key === "ArrowDown" ? 1 : -1); l >= 0 && l < lanes.length; l += e.key === "ArrowDown" ? 1 : -1) {
          const near = this.nearest(here?.t ?? this.from, lanes[l]);
          if (near !== undefined) {
            this.select(near);
            break;
          }
        }
        break;
      }
      case "Home":
        if (items.length) this.select(0);
        break;
      case "End":
        if (items.length) this.select(items.length - 1);
        break;
      case "+":
      case "=":
        this.zoom(0.5);
        break;
      case "-":
      case "_":
        this.zoom(2);
        break;
      case "0":
        this.whole();
        break;
      case "b":
        this.toBreak();
        break;
      case "Enter":
        if (cur !== undefined) this.details.textContent = `${web.selected}: ${itemText(this.model, cur)}`;
        break;
      case "Escape":
        this.selected = undefined;
        this.details.textContent = web.noSelection;
        this.render();
        break;
      default:
        handled = false;
    }
    if (handled) e.preventDefault();
  }

  private hover(e: PointerEvent): void {
    if (this.drag) {
      const dx = e.clientX - this.drag.x;
      if (Math.abs(dx) > 3) this.drag.moved = true;
      if (this.drag.moved) {
        const ms = (dx / plotWidth(this.width())) * (this.drag.to - this.drag.from);
        this.setView(this.drag.from - ms, this.drag.to - ms);
      }
      return;
    }
    const i = itemAt(e.target);
    if (i === undefined) {
      this.tooltip.hidden = true;
      return;
    }
    const frame = this.figure.getBoundingClientRect();
    this.tooltip.textContent = itemText(this.model, i);
    this.tooltip.hidden = false;
    this.tooltip.style.left = `${Math.min(e.clientX - frame.left + 12, frame.width - 280)}px`;
    this.tooltip.style.top = `${e.clientY - frame.top + 14}px`;
  }

  private render(): void {
    this.svgText = renderTimeline(this.model, { from: this.from, to: this.to, width: this.width(), selected: this.selected, id: this.opts.id });
    this.figure.innerHTML = this.svgText;
    if (this.table.open) this.renderTable();
  }

  private renderTable(): void {
    if (!this.table.open) return;
    const inView = this.model.items.map((item, i) => ({ item, i })).filter(({ item }) => item.t >= this.from && item.t <= this.to);
    const shown = inView.slice(0, TABLE_ROWS);
    const table = h(
      "table",
      {},
      h("caption", {}, web.tableCaption(shown.length, inView.length)),
      h("thead", {}, h("tr", {}, ...web.columns.map((c) => h("th", { scope: "col" }, c)))),
      h(
        "tbody",
        {},
        ...shown.map(({ item, i }) =>
          h(
            "tr",
            { class: [i === this.selected ? "sel" : "", item.note?.includes(web.overlapNote) ? "bad" : ""].join(" ").trim() || undefined },
            h("td", {}, web.atMs(item.t.toFixed(3))),
            h("td", {}, this.model.lanes.find((l) => l.id === item.lane)?.name ?? item.lane, " (", item.lane, ")"),
            h("td", {}, item.what),
            h("td", {}, item.ms !== undefined ? web.lasted(item.ms.toFixed(3)) : ""),
            h("td", {}, item.note ?? ""),
          ),
        ),
      ),
    );
    this.table.querySelector("table")?.remove();
    this.table.append(table);
  }
}

function itemAt(target: EventTarget | null): number | undefined {
  const el = (target as Element | null)?.closest?.("[data-i]");
  const i = el ? Number(el.getAttribute("data-i")) : Number.NaN;
  return Number.isInteger(i) && i >= 0 ? i : undefined;
}
