// Process-level diagnostics: the run's journal drawn as one lane per process, time going down —
// who acquired, who waited, who exited — so a lost update or a deadlock can be seen, not guessed.
import type { Verdict } from "@workshop/harness";
import { strings } from "../strings.ts";
import { paint, rule, width } from "./terminal.ts";

const MAX_ROWS = 40;

type Event = Verdict["events"][number];

export function renderTimeline(v: Verdict): string {
  const events = v.events.filter((e) => e.k !== "log");
  if (!events.length) return strings.noTimeline;
  const lanes = [...new Set(events.map((e) => (e.k === "proc" ? e.child : e.w)))];
  const t0 = events[0]!.t;
  const lane = Math.max(10, Math.floor((width() - 8) / lanes.length));
  const header = `${"".padEnd(7)} ${lanes.map((l) => fit(l, lane)).join("")}`;
  const shown = events.slice(-MAX_ROWS);
  const rows = shown.map((e) => {
    const at = `+${Math.round(e.t - t0)}ms`.padStart(7);
    const who = e.k === "proc" ? e.child : e.w;
    const cells = lanes.map((l) => (l === who ? colour(e, fit(describe(e), lane)) : paint.dim(fit("│", lane))));
    return `${paint.dim(at)} ${cells.join("")}`;
  });
  const skipped = events.length - shown.length;
  return [rule(strings.timelineTitle(v.title)), paint.bold(header), ...(skipped ? [paint.dim(`        … ${skipped} earlier events`)] : []), ...rows].join("\n");
}

function describe(e: Event): string {
  if (e.k === "proc") return e.what === "start" ? `▶ ${e.name}` : `■ exit ${e.code ?? "?"}`;
  if (e.k !== "ev") return "";
  if (e.ph === "begin") return `${e.op}…`;
  return e.out ? `${e.op}→${e.out}` : e.op;
}

function colour(e: Event, text: string): string {
  if (e.k === "proc") return paint.cyan(text);
  if (e.k === "ev" && e.ph === "begin") return paint.yellow(text);
  if (e.k === "ev" && e.out && /fail|timeout|false|error/i.test(e.out)) return paint.red(text);
  return text;
}

function fit(text: string, size: number): string {
  return text.length >= size ? `${text.slice(0, size - 2)}… ` : text.padEnd(size);
}
