// A verdict's run journal → the picture of what the processes did: one lane per process; calls that
// made their caller wait (acquire, recv, get, put, poll…: a begin … end) apart from the time a lock
// was held (an "enter" … "leave" mark, else an acquire that returned ok … its release); messages as
// arrows from the send to the receive that got them (matched by what arrived, where it says —
// `{"seq":278}`, `got 5` — else by label: "send #17" → "recv #17"); process starts, exits and
// crashes; and the moment a property broke, derived from the events where it can be (two holders
// at once, a message that arrived where another was due, one delivered twice, a crash), otherwise
// the end of the run. Pure data: the server builds it, the page and the SVG renderer draw it.
import type { Verdict } from "@workshop/harness";
import { decodeMessage, render, t } from "@workshop/i18n";
import { web } from "../strings.ts";

type Line = Verdict["events"][number];

export interface Lane {
  id: string;
  name: string;
  /** Where its line starts and ends (ms from the run's first event). */
  from: number;
  to: number;
}

export type SpanKind = "wait" | "hold" | "call";
export interface Span {
  kind: SpanKind;
  lane: string;
  t0: number;
  t1: number;
  op: string;
  /** What the call returned; for a hold, which lock (or "slow"/"tight"). */
  out?: string;
  /** Never ended: the run stopped (or the process died) while it was still in it. */
  open?: boolean;
  /** It threw, or said it failed. */
  bad?: boolean;
  /** A hold while another process held the same lock. */
  overlap?: boolean;
  item: number;
}

export type PointKind = "start" | "exit" | "killed" | "crash" | "mark";
export interface Point {
  kind: PointKind;
  lane: string;
  t: number;
  label: string;
  item: number;
}

export interface Arrow {
  from: string;
  to: string;
  t0: number;
  t1: number;
  /** Indexes in `spans` of the send and of the receive. */
  send: number;
  recv: number;
  /** Arrived where another message was due, or a second time. */
  wrong?: boolean;
  expected?: number;
  got?: number;
}

export interface Broke {
  t: number;
  lanes: string[];
  text: string;
  /** The stretch that shows it (the two holds' overlap), when there is one. */
  from?: number;
  to?: number;
  /** Derived from the events; else a crash, else the end of the run. */
  kind: "overlap" | "message" | "fault" | "end";
  /** A few words for the picture's line: "two holders at once". */
  short: string;
  /** The event that shows it: an index in `items`. */
  item?: number;
  span?: number;
  point?: number;
}

export interface Item {
  t: number;
  lane: string;
  /** What happened, in words. */
  what: string;
  /** How long, for a span (ms). */
  ms?: number;
  note?: string;
  kind: SpanKind | PointKind;
  /** A span's index in `spans`, or a point's in `points`. */
  ref: number;
}

export interface Timeline {
  scenario: string;
  title: string;
  status: Verdict["status"];
  /** The run's first event, as a wall-clock ms value (times in the model are ms after it). */
  origin: number;
  end: number;
  lanes: Lane[];
  spans: Span[];
  points: Point[];
  arrows: Arrow[];
  broke?: Broke;
  items: Item[];
  /** The journal was capped at this many events: its first ones are missing. */
  capped?: number;
}

/** The verdict keeps at most this many events (harness compose.ts): that many means some were cut. */
export const EVENTS_KEPT = 5000;

const WAITS = /^(acquire|recv|get|put|poll|join|wait)\b/i;
const SENDS = /^(send|put)\b\s*/i;
const RECEIVES = /^(recv|get)\b\s*/i;
const BAD = /threw|error|fail/i;

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export function buildTimeline(v: Verdict): Timeline {
  // File order is the order lines were written; a process may be paused between reading the clock
  // and writing, so the picture sorts by time (stable: ties keep their order).
  const lines: Line[] = v.events
    .map((l, i) => ({ l, i }))
    .filter(({ l }) => l.k === "ev" || l.k === "proc" || l.k === "fault")
    .sort((a, b) => a.l.t - b.l.t || a.i - b.i)
    .map(({ l }) => l);
  const origin = lines[0]?.t ?? 0;
  const at = (t: number) => round(t - origin);
  const end = lines.length ? at(lines.at(-1)!.t) : 0;
  const lanes = lanesOf(v, lines);
  const exitAt = new Map<string, number>();
  const firstAt = new Map<string, number>();

  const spans: Span[] = [];
  const points: Point[] = [];
  const calls = new Map<string, Span>(); // lane + op → the call still open
  const holds = new Map<string, Span>(); // lane + lock → the hold still open
  // Scenarios mark "enter"/"leave" around a critical section (the mutual-exclusion monitor's own
  // definition of holding); a lane without them holds from an acquire's ok to its release.
  const marksHolds = new Set(lines.flatMap((l) => (l.k === "ev" && l.ph === "mark" && l.op === "enter" ? [l.w] : [])));

  const openHold = (lane: string, t: number, lock: string | undefined, op: string, out?: string) => {
    const key = `${lane}\0${lock ?? ""}`;
    if (holds.has(key)) return;
    const span: Span = { kind: "hold", lane, t0: t, t1: t, op, out: lock ?? out, open: true, item: -1 };
    holds.set(key, span);
    spans.push(span);
  };
  const closeHold = (lane: string, t: number, lock: string | undefined) => {
    const exact = `${lane}\0${lock ?? ""}`;
    const key = holds.has(exact) ? exact : [...holds.keys()].find((k) => k.startsWith(`${lane}\0`));
    const span = key === undefined ? undefined : holds.get(key);
    if (key === undefined || !span) return;
    span.t1 = t;
    span.open = false;
    holds.delete(key);
  };

  for (const l of lines) {
    const t = at(l.t);
    if (l.k === "proc") {
      if (l.what === "start") {
        firstAt.set(l.child, Math.min(firstAt.get(l.child) ?? t, t));
        points.push({ kind: "start", lane: l.child, t, label: web.started(l.name), item: -1 });
      } else {
        exitAt.set(l.child, t);
        const killed = l.code === null || l.code === undefined || l.code < 0;
        points.push({ kind: killed ? "killed" : "exit", lane: l.child, t, label: web.exited(l.code), item: -1 });
      }
      continue;
    }
    if (l.k !== "ev" && l.k !== "fault") continue;
    firstAt.set(l.w, Math.min(firstAt.get(l.w) ?? t, t));
    if (l.k === "fault") {
      points.push({ kind: "crash", lane: l.w, t, label: web.fault(l.what, firstLine(l.message)), item: -1 });
      continue;
    }
    const key = `${l.w}\0${l.op}`;
    if (l.ph === "begin") {
      const span: Span = { kind: WAITS.test(l.op) ? "wait" : "call", lane: l.w, t0: t, t1: t, op: l.op, open: true, item: -1 };
      calls.set(key, span);
      spans.push(span);
      // A release ends its hold as it begins: the lock is being given back.
      if (/^release\b/i.test(l.op) && !marksHolds.has(l.w)) closeHold(l.w, t, lockOf(l.op));
    } else if (l.ph === "end") {
      let span = calls.get(key);
      calls.delete(key);
      if (!span) {
        // Its begin was cut from the journal: the call as a moment.
        span = { kind: WAITS.test(l.op) ? "wait" : "call", lane: l.w, t0: t, t1: t, op: l.op, item: -1 };
        spans.push(span);
      }
      span.t1 = t;
      span.open = false;
      span.out = l.out;
      span.bad = l.out !== undefined && BAD.test(l.out);
      if (/^acquire\b/i.test(l.op) && (l.out === "ok" || l.out === "true") && !marksHolds.has(l.w)) openHold(l.w, t, lockOf(l.op), l.op);
    } else if (l.op === "enter") openHold(l.w, t, lockOf(l.out ?? ""), "enter", l.out);
    else if (l.op === "leave") closeHold(l.w, t, lockOf(l.out ?? ""));
    else if (l.op === "holding") openHold(l.w, t, undefined, "holding");
    else points.push({ kind: "mark", lane: l.w, t, label: web.mark(l.op, readable(l.out)), item: -1 });
  }
  // What never ended lasts until its process ended, or the run did.
  for (const lane of lanes) {
    lane.from = firstAt.get(lane.id) ?? 0;
    lane.to = exitAt.get(lane.id) ?? end;
  }
  for (const s of spans) if (s.open) s.t1 = Math.max(s.t0, exitAt.get(s.lane) ?? end);

  const failing = v.status !== "pass" && v.status !== "skipped";
  const arrows = matchMessages(spans, lanes);
  const overlaps = findOverlaps(spans, lanes);
  const wrong = wrongMessages(arrows, spans, lanes);
  let broke: Broke | undefined;
  if (failing) broke = whereItBroke(v, lanes, [...overlaps, ...wrong], spans, points, end);
  else {
    // A run that passed broke nothing: what looks like an overlap there is two processes' clocks.
    for (const s of spans) s.overlap = false;
    for (const a of arrows) a.wrong = false;
  }
  const items = itemsOf(spans, points, arrows, lanes);
  if (broke?.span !== undefined) broke.item = spans[broke.span]?.item;
  else if (broke?.point !== undefined) broke.item = points[broke.point]?.item;
  const timeline: Timeline = { scenario: v.scenario, title: v.title, status: v.status, origin, end, lanes, spans, points, arrows, items, broke };
  if (v.events.length >= EVENTS_KEPT) timeline.capped = EVENTS_KEPT;
  return timeline;
}

/** One lane per process that appears: "main" first, then w1, w2 … w10 in number order. */
function lanesOf(v: Verdict, lines: Line[]): Lane[] {
  const names = new Map(v.workers.map((w) => [w.id, w.name]));
  const ids = new Set<string>();
  for (const l of lines) {
    if (l.k === "proc") {
      ids.add(l.w);
      ids.add(l.child);
      names.set(l.child, l.name);
    } else ids.add(l.w);
  }
  return [...ids].sort(byLane).map((id) => ({ id, name: names.get(id) ?? id, from: 0, to: 0 }));
}

function byLane(a: string, b: string): number {
  if (a === "main") return -1;
  if (b === "main") return 1;
  const n = (s: string) => Number(s.match(/\d+/)?.[0] ?? Number.NaN);
  return n(a) - n(b) || a.localeCompare(b);
}

/** "acquire lock 3 (timeout 900 ms)", "lock 3" → "lock 3"; a single lock has no name. */
function lockOf(text: string): string | undefined {
  return text.match(/\block \d+\b/)?.[0];
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}

export function laneName(lanes: Lane[], id: string): string {
  const lane = lanes.find((l) => l.id === id);
  return lane ? web.processLane(lane.id, lane.name) : id;
}

function endWords(v: Verdict): string {
  const first = (v.message ?? "").split("\n")[0] ?? "";
  // The server builds the model: it has the report's catalogue (the status words), the page does not.
  return [t(`report:status.${v.status}`), first.length > 200 ? `${first.slice(0, 199)}…` : first].filter(Boolean).join(" — ");
}

/** A mark's note as the learner reads it: a scenario's fail() marks its message, keyed (scenario.ts). */
function readable(out: string | undefined): string | undefined {
  const m = decodeMessage(out);
  return m ? firstLine(render(m)) : out;
}

// ---- where it broke ---------------------------------------------------------------------------

/**
 * The verdict decides what broke; the events say when. A crash or an early exit is its fault line.
 * Otherwise two holders at once or a wrong message — the first whose processes the verdict's
 * message names (it may describe a later one than the first), else the first of them — then the
 * first call that threw or the first crash, whichever came first; else the end of the run.
 */
function whereItBroke(v: Verdict, lanes: Lane[], derived: Broke[], spans: Span[], points: Point[], end: number): Broke {
  const message = v.message ?? "";
  const faults: Broke[] = points.flatMap((p, point) =>
    p.kind === "crash"
      ? [{ t: p.t, lanes: [p.lane], text: web.brokeFault(laneName(lanes, p.lane), p.label), short: web.brokeShort.fault, kind: "fault" as const, point }]
      : [],
  );
  const named = (b: Broke) => b.lanes.every((id) => message.includes(lanes.find((l) => l.id === id)?.name ?? "\0"));
  if (v.status === "crash" || v.status === "exited") {
    const fault = faults.find(named) ?? faults[0];
    if (fault) return fault;
  }
  const byTime = (a: Broke, b: Broke) => a.t - b.t;
  derived.sort(byTime);
  const chosen = derived.find(named) ?? derived[0];
  if (chosen) return chosen;
  const threw: Broke[] = spans.flatMap((s, span) =>
    s.bad && s.lane !== "main"
      ? [
          {
            t: s.t1,
            lanes: [s.lane],
            text: web.brokeFault(laneName(lanes, s.lane), web.waitedIn(s.op, s.out, false)),
            short: web.brokeShort.fault,
            kind: "fault" as const,
            span,
          },
        ]
      : [],
  );
  const first = [...threw, ...faults].sort(byTime)[0];
  return first ?? { t: end, lanes: lanes.map((l) => l.id), text: web.brokeEnd(endWords(v)), short: web.brokeShort.end, kind: "end" };
}

/** Every time a hold began while another process held the same lock, in order. */
function findOverlaps(spans: Span[], lanes: Lane[]): Broke[] {
  const holds = spans.filter((s) => s.kind === "hold").sort((a, b) => a.t0 - b.t0);
  const active: Span[] = [];
  const pairs: { h: Span; other: Span }[] = [];
  for (const h of holds) {
    for (let i = active.length - 1; i >= 0; i--) if (active[i]!.t1 <= h.t0) active.splice(i, 1);
    const other = active.find((a) => a.lane !== h.lane && lockOf(a.out ?? "") === lockOf(h.out ?? ""));
    if (other) {
      h.overlap = true;
      other.overlap = true;
      pairs.push({ h, other });
    }
    active.push(h);
  }
  return pairs.map(({ h, other }) => ({
    t: h.t0,
    lanes: [other.lane, h.lane],
    text: web.brokeOverlap(laneName(lanes, h.lane), laneName(lanes, other.lane), (h.t0 - other.t0).toFixed(1), pairs.length),
    from: h.t0,
    to: Math.min(h.t1, other.t1),
    kind: "overlap",
    short: web.brokeShort.overlap,
    span: spans.indexOf(h),
  }));
}

// ---- messages: which send did each receive get? ---------------------------------------------

interface Sent {
  span: Span;
  key: string;
  num?: number;
  words: string[];
  used: number;
}

/** What a receive says it got: `{"seq":278}`, `{"ping":4}`, `{"from":"ponger","i":16}`, `got 5`, `got #3`, `5`. */
function contentOf(out: string): { num: number; field?: string; from?: string } | undefined {
  const field = out.match(/"(seq|i|ping|pong|n|id|item)"\s*:\s*(-?\d+)/);
  const from = out.match(/"from"\s*:\s*"([^"]+)"/)?.[1];
  if (field) return { num: Number(field[2]), field: field[1], from };
  const got = out.match(/^(?:got\s+)?#?(-?\d+)$/);
  return got ? { num: Number(got[1]) } : undefined;
}

function labelOf(op: string, verb: RegExp): { key: string; num?: number; words: string[] } {
  const key = op.replace(verb, "").trim();
  const nums = key.match(/-?\d+/g);
  return { key, num: nums ? Number(nums.at(-1)) : undefined, words: key.toLowerCase().match(/[a-z]+/g) ?? [] };
}

function matchMessages(spans: Span[], lanes: Lane[]): Arrow[] {
  const sent: Sent[] = spans
    .filter((s) => SENDS.test(s.op) && !s.open && !s.bad)
    .map((span) => ({ span, ...labelOf(span.op, SENDS), used: 0 }))
    .sort((a, b) => a.span.t0 - b.span.t0);
  if (!sent.length) return [];
  const receives = spans
    .filter((s) => RECEIVES.test(s.op) && !s.open && !s.bad && s.out !== undefined && !/^(false|timeout|undefined)$/i.test(s.out))
    .sort((a, b) => a.t1 - b.t1);
  const nameOf = new Map(lanes.map((l) => [l.id, l.name]));
  const arrows: Arrow[] = [];
  for (const r of receives) {
    const content = contentOf(r.out ?? "");
    const label = labelOf(r.op, RECEIVES);
    const candidates = sent.filter((s) => {
      if (s.span.lane === r.lane) return false;
      if (!content) return s.key === label.key;
      if (s.num !== content.num) return false;
      if ((content.field === "ping" || content.field === "pong") && !s.words.includes(content.field)) return false;
      return !content.from || nameOf.get(s.span.lane) === content.from || s.span.lane === content.from;
    });
    if (!candidates.length) continue;
    const fresh = candidates.filter((s) => s.used === 0);
    const pool = fresh.length ? fresh : candidates;
    const before = pool.filter((s) => s.span.t0 <= r.t1);
    // By content: the latest such send before it arrived; by label: the oldest not yet received.
    const chosen = content ? (before.at(-1) ?? pool[0]!) : (before[0] ?? pool[0]!);
    chosen.used++;
    const expected = content && label.num !== undefined && label.words.join(" ") === chosen.words.join(" ") ? label.num : undefined;
    arrows.push({
      from: chosen.span.lane,
      to: r.lane,
      t0: chosen.span.t1 <= r.t1 ? chosen.span.t1 : chosen.span.t0,
      t1: r.t1,
      send: spans.indexOf(chosen.span),
      recv: spans.indexOf(r),
      wrong: chosen.used > 1 || (expected !== undefined && content !== undefined && expected !== content.num),
      expected,
      got: content?.num,
    });
  }
  return arrows;
}

function wrongMessages(arrows: Arrow[], spans: Span[], lanes: Lane[]): Broke[] {
  return arrows
    .filter((a) => a.wrong)
    .map((a) => {
      const recv = spans[a.recv]!;
      const who = laneName(lanes, a.to);
      const misplaced = a.expected !== undefined && a.got !== undefined && a.expected !== a.got;
      const text = misplaced
        ? web.brokeWrongMessage(who, recv.op, a.got!, a.expected!)
        : web.brokeTwice(who, recv.op, spans[a.send]!.op.replace(SENDS, "").trim() || (recv.out ?? ""));
      const short = misplaced ? web.brokeShort.wrongMessage(a.got!, a.expected!) : web.brokeShort.twice;
      return { t: a.t1, lanes: [a.from, a.to], text, short, kind: "message" as const, span: a.recv };
    });
}

// ---- the events one by one: the table, the keyboard, the details ----------------------------

function itemsOf(spans: Span[], points: Point[], arrows: Arrow[], lanes: Lane[]): Item[] {
  const notes = new Map<Span, string[]>();
  const note = (s: Span, text: string) => notes.set(s, [...(notes.get(s) ?? []), text]);
  for (const a of arrows) {
    const send = spans[a.send]!;
    const recv = spans[a.recv]!;
    note(recv, web.from(laneName(lanes, a.from), send.op));
    note(send, web.to(laneName(lanes, a.to), recv.op));
  }
  for (const s of spans) if (s.overlap) note(s, web.overlapNote);
  const items: Item[] = [
    ...spans.map((s, ref): Item => {
      const what = s.kind === "hold" ? web.held(s.out, Boolean(s.open)) : web.waitedIn(s.op, s.out, Boolean(s.open));
      return { t: s.t0, lane: s.lane, what, ms: round(s.t1 - s.t0), note: notes.get(s)?.join("; "), kind: s.kind, ref };
    }),
    ...points.map((p, ref): Item => ({ t: p.t, lane: p.lane, what: p.label, kind: p.kind, ref })),
  ];
  const order = new Map(lanes.map((l, i) => [l.id, i]));
  items.sort((a, b) => a.t - b.t || (order.get(a.lane) ?? 0) - (order.get(b.lane) ?? 0));
  items.forEach((item, i) => {
    if (item.kind === "wait" || item.kind === "hold" || item.kind === "call") spans[item.ref]!.item = i;
    else points[item.ref]!.item = i;
  });
  return items;
}
