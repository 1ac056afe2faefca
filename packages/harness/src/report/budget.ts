// What keeps a cell's report readable whatever the cell did: a fixed budget of lines and bytes per
// cell, payloads summarised ("a 516,000-character string") before anything is wrapped, and long
// output clipped with a count of what was cut. A learner who sends 10 MiB through a pipe must not
// get 10 MiB of verdict.
import { clipped } from "./strings.ts";

/** Per cell: every line the report prints for it, scenario lines included. */
export const BUDGET = { lines: 200, bytes: 32 * 1024 } as const;

/** A quoted string longer than this is a payload, not a word of the message. */
const LONG_QUOTE = 80;
/**
 * An unbroken run of characters longer than this is a payload too (hex, base64, a repeated char).
 * Chinese, Japanese and Korean text runs on without spaces: their characters never count.
 */
const LONG_RUN = 160;
const RUN = new RegExp(`[^\\s\\u2E80-\\u9FFF\\uAC00-\\uD7AF\\uF900-\\uFAFF\\uFE30-\\uFE4F\\uFF00-\\uFFEF]{${LONG_RUN + 1},}`, "g");
/** What is left of a payload, so the learner can still recognise it. */
const PREVIEW = 24;
/** No paragraph, once payloads are summarised, is longer than this. */
const LONG_PARAGRAPH = 2_000;

/** Replace payloads in a message or an output line by a short description of them. */
export function summarisePayloads(text: string): string {
  const quoted = text.replace(/(["`])((?:(?!\1)[^\\\n]|\\.){81,}?)\1/g, (whole, quote: string, body: string) =>
    body.length <= LONG_QUOTE ? whole : `${quote}${body.slice(0, PREVIEW)}…${quote} (${clipped.string(body.length)})`,
  );
  const runs = quoted.replace(RUN, (run) => `${run.slice(0, PREVIEW)}… (${clipped.run(run.length)})`);
  return runs
    .split("\n")
    .map((p) => (p.length <= LONG_PARAGRAPH ? p : `${p.slice(0, LONG_PARAGRAPH)}… (${clipped.chars(p.length - LONG_PARAGRAPH)})`))
    .join("\n");
}

/** At most `max` lines: the first ones, then a line that says how many were cut. */
export function clipLines(lines: string[], max: number, more: (n: number) => string = clipped.lines): string[] {
  if (lines.length <= max) return lines;
  const kept = Math.max(0, max - 1);
  return [...lines.slice(0, kept), more(lines.length - kept)];
}

const bytes = (s: string) => Buffer.byteLength(s, "utf8") + 1; // + the newline

/** What is left of a cell's budget; a report asks it before printing each line. */
export class Budget {
  private lines = 0;
  private used = 0;
  /** Lines every `fit` leaves free (for what may still come, e.g. type errors). */
  keep = 0;
  constructor(
    readonly maxLines: number = BUDGET.lines,
    readonly maxBytes: number = BUDGET.bytes,
  ) {}

  get left(): { lines: number; bytes: number } {
    return { lines: this.maxLines - this.lines, bytes: this.maxBytes - this.used };
  }

  /** Count these lines as printed if they all fit; false (and nothing counted) if not. */
  take(lines: string[]): boolean {
    const size = lines.reduce((n, l) => n + bytes(l), 0);
    if (this.lines + lines.length > this.maxLines || this.used + size > this.maxBytes) return false;
    this.lines += lines.length;
    this.used += size;
    return true;
  }

  /**
   * As many of these lines as fit, leaving `reserve` lines (about 160 bytes each) free besides
   * `keep`; when some are cut, the last line kept says how many.
   */
  fit(lines: string[], reserve = 0): string[] {
    const free = reserve + this.keep;
    const fits = (n: number, size: number) => this.left.lines - n >= free && this.left.bytes - size >= free * 160;
    let n = 0;
    let size = 0;
    while (n < lines.length && fits(n + 1, size + bytes(lines[n]!))) size += bytes(lines[n++]!);
    if (n === lines.length) {
      this.take(lines);
      return lines;
    }
    // Make room for the line that says what was cut.
    const marker = (cut: number) => clipped.lines(cut);
    while (n > 0 && !fits(n + 1, size + bytes(marker(lines.length - n)))) size -= bytes(lines[--n]!);
    const out = [...lines.slice(0, n), ...(fits(n + 1, size + bytes(marker(lines.length - n))) ? [`  ${marker(lines.length - n)}`] : [])];
    this.take(out);
    return out;
  }
}
