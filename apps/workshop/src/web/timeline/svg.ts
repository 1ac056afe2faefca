// The timeline model → an SVG string: time runs left to right, one lane per process. Waiting is a
// hatched outline, holding a solid bar (red where two held the lock at once), other calls a thin
// bar; messages are arrows from lane to lane; starts, exits, crashes and marks are symbols; where it
// broke is a red line with its words. The same string is drawn on the page and saved by "Save as
// SVG": its own <style> (light and dark by prefers-color-scheme) and a <title> per element make it
// readable on its own. Pure: no DOM, so the server's tests render it too.
import { web } from "../strings.ts";
import { type Item, laneName, type Timeline } from "./model.ts";

export interface View {
  /** The window of time shown (ms after the run's first event). */
  from: number;
  to: number;
  /** Pixels across. */
  width: number;
  /** The item drawn as selected. */
  selected?: number;
  /** Prefix for ids, so that several pictures can share a page. */
  id?: string;
}

export const LAYOUT = { label: 168, lane: 54, axis: 30, legend: 30, right: 12 } as const;

export function plotWidth(width: number): number {
  return Math.max(40, width - LAYOUT.label - LAYOUT.right);
}

/** Pixels → ms and back, for a view. */
export function scale(view: View): { x: (t: number) => number; t: (x: number) => number } {
  const span = Math.max(1e-6, view.to - view.from);
  const w = plotWidth(view.width);
  return { x: (t) => LAYOUT.label + ((t - view.from) / span) * w, t: (x) => view.from + ((x - LAYOUT.label) / w) * span };
}

export function svgHeight(m: Timeline, width = 800): number {
  return LAYOUT.axis + Math.max(1, m.lanes.length) * LAYOUT.lane + LAYOUT.legend + 8 + brokeLines(m, width).length * 16;
}

/** Where it broke, in words, wrapped to the picture's width (under the legend). */
function brokeLines(m: Timeline, width: number): string[] {
  if (!m.broke) return [];
  const max = Math.max(30, Math.floor((width - 16) / 7.6));
  const lines: string[] = [];
  let line = "✕";
  for (const word of m.broke.text.split(" ")) {
    if (line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

const STYLE = `
.tl{--fg:#1f2328;--muted:#59636e;--grid:#d1d9e0;--lane:#8c959f;--wait:#9a6700;--wait-bg:#fff8c5;--hold:#0969da;--call:#818b98;--msg:#1a7f37;--bad:#cf222e;--bad-bg:#ffebe9;--bg:#ffffff;--sel:#8250df;font:12px ui-sans-serif,system-ui,sans-serif}
@media (prefers-color-scheme:dark){.tl{--fg:#e6edf3;--muted:#9198a1;--grid:#30363d;--lane:#656c76;--wait:#d29922;--wait-bg:#3b2e00;--hold:#4493f8;--call:#7d8590;--msg:#3fb950;--bad:#f85149;--bad-bg:#4b1113;--bg:#0d1117;--sel:#ab7df8}}
.tl .bg{fill:var(--bg)}.tl text{fill:var(--fg)}.tl .muted{fill:var(--muted)}
.tl .grid{stroke:var(--grid);stroke-width:1}.tl .lane-line{stroke:var(--lane);stroke-width:1}
.tl .wait rect{fill:url(#ID-hatch);stroke:var(--wait);stroke-width:1.2;stroke-dasharray:3 2}
.tl .wait.open rect{stroke-dasharray:none;stroke-width:1.6}
.tl .hold rect{fill:var(--hold)}.tl .hold.overlap rect{fill:var(--bad)}
.tl .call rect{fill:var(--call)}.tl .bad rect{stroke:var(--bad);stroke-width:1.6}
.tl .msg{stroke:var(--msg);stroke-width:1.3;fill:none}.tl .msg.wrong{stroke:var(--bad);stroke-width:2}
.tl .msg.dense{stroke-opacity:.3;stroke-width:1}.tl .msg.key{stroke-opacity:1;stroke-width:3}
.tl .pt{stroke:var(--fg);stroke-width:1;fill:var(--bg)}.tl .pt.start{fill:var(--msg);stroke:none}
.tl .pt.killed,.tl .pt.crash{fill:var(--bad);stroke:none}.tl .pt.mark{stroke:var(--muted);stroke-width:1.5}
.tl .broke line{stroke:var(--bad);stroke-width:2;stroke-dasharray:5 3}.tl .broke .band{fill:var(--bad-bg);opacity:.8}
.tl .broke text,.tl .broke-text{fill:var(--bad);font-weight:600}
.tl .ev{cursor:pointer}.tl .ev.sel rect,.tl .ev.sel path,.tl .ev.sel circle{stroke:var(--sel);stroke-width:3}
.tl .lbl{font-size:11px;pointer-events:none}
`;

export function renderTimeline(m: Timeline, view: View): string {
  const id = view.id ?? "tl";
  const { x } = scale(view);
  const width = view.width;
  const height = svgHeight(m, width);
  const laneY = new Map(m.lanes.map((l, i) => [l.id, LAYOUT.axis + i * LAYOUT.lane + LAYOUT.lane / 2]));
  const left = LAYOUT.label;
  const right = width - LAYOUT.right;
  const inView = (t0: number, t1: number) => t1 >= view.from && t0 <= view.to;
  const clipX = (px: number) => Math.max(left - 2, Math.min(right + 2, px));
  const out: string[] = [];
  const title = web.timelineOf(m.title);

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="tl" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title">`,
    `<title id="${id}-title">${esc(title)}</title>`,
    `<style>${STYLE.replaceAll("ID-", `${id}-`)}</style>`,
    "<defs>",
    `<pattern id="${id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" style="fill:var(--wait-bg)"/><line x1="0" y1="0" x2="0" y2="6" style="stroke:var(--wait);stroke-width:1.5"/></pattern>`,
    `<marker id="${id}-head" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" style="fill:var(--msg)"/></marker>`,
    `<marker id="${id}-head-bad" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" style="fill:var(--bad)"/></marker>`,
    `<clipPath id="${id}-plot"><rect x="${left}" y="0" width="${right - left}" height="${height}"/></clipPath>`,
    "</defs>",
    `<rect class="bg" x="0" y="0" width="${width}" height="${height}"/>`,
  );

  // Where it broke, in a few words on the time axis's row: clear of every lane's own labels.
  const broke = m.broke;
  const brokeLabel = broke && broke.t >= view.from && broke.t <= view.to ? axisLabel(`✕ ${broke.short}`, x(broke.t), left, right) : undefined;

  // The time axis and its grid (no tick's label under where it broke's).
  const grid = ticks(view.from, view.to, Math.max(2, Math.floor((right - left) / 100)));
  for (const tick of grid.at) {
    const px = x(tick);
    out.push(`<line class="grid" x1="${n(px)}" y1="${LAYOUT.axis - 6}" x2="${n(px)}" y2="${LAYOUT.axis + m.lanes.length * LAYOUT.lane}"/>`);
    const text = timeLabel(tick, grid.step);
    const half = (text.length * 6.5) / 2 + 6;
    if (brokeLabel && px + half > brokeLabel.x0 && px - half < brokeLabel.x1) continue;
    out.push(`<text class="muted" x="${n(px)}" y="${LAYOUT.axis - 10}" text-anchor="middle">${esc(text)}</text>`);
  }

  // Lanes: a label on the left and a line while the process lived.
  m.lanes.forEach((lane) => {
    const y = laneY.get(lane.id)!;
    out.push(`<text x="8" y="${n(y + 4)}">${esc(fit(laneName(m.lanes, lane.id), 24))}</text>`);
    if (inView(lane.from, lane.to)) out.push(`<line class="lane-line" x1="${n(clipX(x(lane.from)))}" y1="${n(y)}" x2="${n(clipX(x(lane.to)))}" y2="${n(y)}"/>`);
  });

  out.push(`<g clip-path="url(#${id}-plot)">`);
  // Where it broke: a band over the overlap, under everything else.
  if (broke?.from !== undefined && broke.to !== undefined && inView(broke.from, broke.to)) {
    const ys = broke.lanes.map((l) => laneY.get(l) ?? 0);
    const top = Math.min(...ys) - LAYOUT.lane / 2 + 2;
    const bottom = Math.max(...ys) + LAYOUT.lane / 2 - 2;
    const x0 = clipX(x(broke.from));
    const x1 = Math.max(x0 + 3, clipX(x(broke.to)));
    out.push(`<g class="broke"><rect class="band" x="${n(x0)}" y="${n(top)}" width="${n(x1 - x0)}" height="${n(bottom - top)}"/></g>`);
  }

  // Spans: waiting, holding, other calls.
  m.spans.forEach((s) => {
    if (!inView(s.t0, s.t1)) return;
    const y = laneY.get(s.lane)!;
    const h = s.kind === "hold" ? 14 : s.kind === "wait" ? 12 : 6;
    const dy = s.kind === "hold" ? -16 : s.kind === "wait" ? 3 : -3;
    const x0 = clipX(x(s.t0));
    const w = Math.max(s.kind === "call" ? 1 : 2, clipX(x(s.t1)) - x0);
    const cls = ["ev", s.kind, s.open ? "open" : "", s.bad ? "bad" : "", s.overlap ? "overlap" : "", view.selected === s.item ? "sel" : ""]
      .filter(Boolean)
      .join(" ");
    // Names where they fit: a hold's above its bar, a wait's under its outline; other calls have none.
    const labelY = s.kind === "hold" ? y + dy - 3 : y + dy + h + 11;
    const name = fit(s.kind === "hold" ? "holding" : s.op, Math.floor(w / 6.5));
    const label = w > 46 && s.kind !== "call" ? `<text class="lbl" x="${n(x0 + 3)}" y="${n(labelY)}">${esc(name)}</text>` : "";
    const still =
      s.open && s.kind !== "hold" && x(s.t1) <= right + 1
        ? `<text class="lbl muted" x="${n(x0 + w + 3)}" y="${n(y + dy + 10)}">${esc(web.stillWaiting)}</text>`
        : "";
    out.push(
      `<g class="${cls}" data-i="${s.item}"><title>${esc(itemText(m, s.item))}</title><rect x="${n(x0)}" y="${n(y + dy)}" width="${n(w)}" height="${h}" rx="1.5"/>${label}${still}</g>`,
    );
  });

  // Messages: from the send to the receive that got it. Where many cross the window they fade, and
  // the one that shows where it broke is drawn last, on top.
  const arrows = m.arrows.filter((a) => inView(a.t0, a.t1));
  const dense = arrows.length > 24;
  const key = arrows.filter((a) => broke?.span !== undefined && a.recv === broke.span);
  for (const a of [...arrows.filter((a) => !key.includes(a)), ...key]) {
    const y0 = laneY.get(a.from)!;
    const y1 = laneY.get(a.to)!;
    const x0 = x(a.t0);
    const x1 = Math.max(x(a.t1), x0 + 0.5);
    const recv = m.spans[a.recv]!;
    const cls = ["msg", a.wrong ? "wrong" : "", dense ? "dense" : "", key.includes(a) ? "key" : ""].filter(Boolean).join(" ");
    out.push(
      `<path class="${cls}" data-i="${recv.item}" d="M${n(x0)},${n(y0)} L${n(x1)},${n(y1 + (y1 > y0 ? -2 : 2))}" marker-end="url(#${id}-head${a.wrong ? "-bad" : ""})"><title>${esc(itemText(m, recv.item))}</title></path>`,
    );
  }

  // Points: starts, exits, crashes, marks.
  for (const p of m.points) {
    if (p.t < view.from || p.t > view.to) continue;
    const y = laneY.get(p.lane)!;
    const px = x(p.t);
    const cls = `ev pt-g${view.selected === p.item ? " sel" : ""}`;
    const shape =
      p.kind === "start"
        ? `<path class="pt start" d="M${n(px)},${n(y - 7)} L${n(px + 9)},${n(y)} L${n(px)},${n(y + 7)} z"/>`
        : p.kind === "exit"
          ? `<rect class="pt exit" x="${n(px - 5)}" y="${n(y - 5)}" width="10" height="10"/>`
          : p.kind === "killed"
            ? `<path class="pt killed" d="M${n(px - 6)},${n(y - 6)} L${n(px + 6)},${n(y + 6)} M${n(px + 6)},${n(y - 6)} L${n(px - 6)},${n(y + 6)}" style="stroke:var(--bad);stroke-width:3"/>`
            : p.kind === "crash"
              ? `<path class="pt crash" d="M${n(px)},${n(y - 8)} L${n(px + 7)},${n(y)} L${n(px)},${n(y + 8)} L${n(px - 7)},${n(y)} z"/>`
              : `<line class="pt mark" x1="${n(px)}" y1="${n(y - 10)}" x2="${n(px)}" y2="${n(y + 10)}"/>`;
    out.push(`<g class="${cls}" data-i="${p.item}"><title>${esc(itemText(m, p.item))}</title>${shape}</g>`);
  }

  // Where it broke: the line and its words, on top.
  if (broke && brokeLabel) {
    const px = x(broke.t);
    const bottom = LAYOUT.axis + m.lanes.length * LAYOUT.lane;
    // The whole sentence is under the legend, and in the line's tooltip.
    out.push(
      `<g class="broke"><title>${esc(broke.text)}</title><line x1="${n(px)}" y1="${LAYOUT.axis - 4}" x2="${n(px)}" y2="${bottom}"/>` +
        `<text x="${n(brokeLabel.at)}" y="${LAYOUT.axis - 10}" text-anchor="${brokeLabel.anchor}">${esc(brokeLabel.text)}</text></g>`,
    );
  }
  out.push("</g>");

  // The legend, so a saved picture explains itself.
  const ly = LAYOUT.axis + m.lanes.length * LAYOUT.lane + 18;
  let lx = 8;
  const legend = (shape: string, text: string) => {
    out.push(`${shape.replaceAll("LX", n(lx))}<text class="muted" x="${n(lx + 26)}" y="${ly + 4}">${esc(text)}</text>`);
    lx += 26 + text.length * 6.4 + 18;
  };
  legend(`<g class="wait"><rect x="LX" y="${ly - 6}" width="20" height="11"/></g>`, web.legend.wait);
  legend(`<g class="hold"><rect x="LX" y="${ly - 6}" width="20" height="11"/></g>`, web.legend.hold);
  legend(`<g class="call"><rect x="LX" y="${ly - 3}" width="20" height="6"/></g>`, web.legend.call);
  legend(`<path class="msg" d="M${n(lx)},${ly} l18,0" marker-end="url(#${id}-head)"/>`, web.legend.message);
  legend(`<g class="broke"><line x1="${n(lx + 10)}" y1="${ly - 8}" x2="${n(lx + 10)}" y2="${ly + 8}"/></g>`, web.legend.broke);
  brokeLines(m, width).forEach((line, i) => {
    out.push(`<text class="broke-text" x="8" y="${ly + 26 + i * 16}">${esc(line)}</text>`);
  });
  out.push("</svg>");
  return out.join("");
}

/** A label beside the line at `px`, on the side with room: where it goes and what it covers. */
function axisLabel(text: string, px: number, left: number, right: number) {
  const anchor = px > (left + right) / 2 ? ("end" as const) : ("start" as const);
  const fitted = fit(text, Math.max(12, Math.floor((anchor === "end" ? px - left : right - px) / 7.4)));
  const wide = fitted.length * 7.4;
  const at = anchor === "end" ? px - 4 : px + 4;
  return { text: fitted, anchor, at, x0: anchor === "end" ? at - wide : at, x1: anchor === "end" ? at : at + wide };
}

/** One line about an item, for a tooltip and the details. */
export function itemText(m: Timeline, i: number): string {
  const item: Item | undefined = m.items[i];
  if (!item) return "";
  const parts = [web.atMs(item.t.toFixed(3)), laneName(m.lanes, item.lane), item.what];
  if (item.ms !== undefined && item.ms > 0) parts.push(web.lasted(item.ms.toFixed(3)));
  if (item.note) parts.push(item.note);
  return parts.join(" · ");
}

/** About `count` round-numbered ticks between from and to, and the step between them. */
export function ticks(from: number, to: number, count: number): { at: number[]; step: number } {
  const span = Math.max(1e-6, to - from);
  const raw = span / count;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * pow).find((s) => s >= raw) ?? 10 * pow;
  const at: number[] = [];
  for (let i = Math.ceil(from / step); i * step <= to + 1e-9; i++) at.push(i * step);
  return { at, step };
}

/** "1.25 s", "12 ms", "2236.5 ms": as many decimals as the step between two ticks needs. */
export function timeLabel(ms: number, step = Math.abs(ms) || 1): string {
  const decimals = (unit: number) => Math.max(0, Math.min(3, -Math.floor(Math.log10(Math.max(1e-9, step / unit)))));
  if (step >= 100 && Math.abs(ms) >= 1000) return `${(ms / 1000).toFixed(decimals(1000))} s`;
  return `${ms.toFixed(decimals(1))} ms`;
}

function fit(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

const n = (v: number) => (Math.round(v * 10) / 10).toString();

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
