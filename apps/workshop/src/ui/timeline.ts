// Process-level diagnostics: the run's journal drawn as one lane per process, time going down —
// who acquired, who waited, who exited — so a lost update or a deadlock can be seen, not guessed.
// A call that returned at once is one row ("acquire→ok"); a call that made its caller wait shows
// where the wait began ("acquire…") and, later, where it ended.
import type { Verdict } from "@workshop/harness";
import { strings } from "../strings.ts";
import { paint, rule, width } from "./terminal.ts";

const MAX_ROWS = 40;

type Event = Verdict["events"][number];
interface Row {
  t: number;
  who: string;
  text: string;
  kind: "proc" | "wait" | "done" | "bad";
}

export function renderTimeline(v: Verdict): string {
  const rows = toRows(v.events);
  if (!rows.length) return strings.noTimeline;
  const lanes = [...new Set(rows.map((r) => r.who))];
  const t0 = rows[0]!.t;
  const lane = Math.max(10, Math.floor((width() - 8) / lanes.length));
  const shown = rows.slice(-MAX_ROWS);
  const skipped = rows.length - shown.length;
  return [
    rule(strings.timelineTitle(v.title)),
    paint.bold(`${"".padEnd(8)}${lanes.map((l) => fit(l, lane)).join("")}`),
    ...(skipped ? [paint.dim(`        ${strings.timelineEarlier(skipped)}`)] : []),
    ...shown.map(
      (r) =>
        `${paint.dim(`+${Math.round(r.t - t0)}ms`.padStart(7))} ${lanes.map((l) => (l === r.who ? colour(r, fit(r.text, lane)) : paint.dim(fit("│", lane)))).join("")}`,
    ),
  ].join("\n");
}

/** Journal lines to rows: a begin immediately followed by its own end becomes one row. */
export function toRows(events: Event[]): Row[] {
  const rows: Row[] = [];
  const open = new Map<string, Row>(); // the row of a begin still waiting for its end, per worker
  for (const e of events) {
    if (e.k === "proc") {
      rows.push({ t: e.t, who: e.child, text: e.what === "start" ? `▶ ${e.name}` : `■ exit ${e.code ?? "?"}`, kind: "proc" });
    } else if (e.k === "ev") {
      const key = `${e.w}\0${e.op}`;
      if (e.ph === "begin") {
        const row: Row = { t: e.t, who: e.w, text: `${e.op}…`, kind: "wait" };
        rows.push(row);
        open.set(key, row);
        continue;
      }
      const kind = e.out && /fail|timeout|false|error|throw/i.test(e.out) ? "bad" : "done";
      const text = e.out ? `${e.op}→${e.out}` : e.op;
      const pending = open.get(key);
      open.delete(key);
      if (e.ph === "end" && pending && rows.at(-1) === pending) Object.assign(pending, { text, kind });
      else rows.push({ t: e.t, who: e.w, text, kind });
    }
  }
  return rows;
}

function colour(r: Row, text: string): string {
  return r.kind === "proc" ? paint.cyan(text) : r.kind === "wait" ? paint.yellow(text) : r.kind === "bad" ? paint.red(text) : text;
}

function fit(text: string, size: number): string {
  return text.length >= size ? `${text.slice(0, size - 2)}… ` : text.padEnd(size);
}
