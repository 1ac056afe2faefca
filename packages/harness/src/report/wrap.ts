// Word-wrap plain text to a width, keeping an indent on every line: grader messages are written as
// long sentences, and a 60-column pane would otherwise break them mid-word. Always terminates: a
// line's own indentation never takes more than the width minus a few columns for its words.
// Widths are terminal columns: a Chinese character takes two. Chinese runs on without spaces, so a
// line may break between any two of its characters — but never before a closing mark (，。：）…)
// nor after an opening one (（“).

/** The fewest columns left for words, however deep a line's own indentation goes. */
const MIN_TEXT = 10;

/** East Asian wide and fullwidth characters (CJK, kana, hangul, fullwidth forms): two columns. */
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]|[\u{20000}-\u{3FFFD}]/u;
/** A line never starts with these… */
const NO_START = /^[，。、；：！？）」』】》〉”’…—·,.;:!?)\]}%]/;
/** …nor ends with these. */
const NO_END = /[（「『【《〈“‘([{]$/;

/** Columns a text takes in a terminal. */
export function displayWidth(text: string): number {
  let n = 0;
  for (const ch of text) n += WIDE.test(ch) ? 2 : 1;
  return n;
}

export function wrap(text: string, columns: number, indent = ""): string[] {
  const room = Math.max(MIN_TEXT + displayWidth(indent), columns) - displayWidth(indent);
  const out: string[] = [];
  for (const paragraph of text.split("\n")) {
    if (!paragraph.trim()) {
      out.push("");
      continue;
    }
    // Keep the message's own indentation, as far as the room allows (a caret line under a long
    // source line can be indented wider than the terminal).
    const own = paragraph.match(/^\s*/)![0].replaceAll("\t", "  ");
    const lead = own.slice(0, Math.max(0, Math.min(own.length, room - MIN_TEXT)));
    const size = room - lead.length;
    let line = "";
    let width = 0;
    // Break at spaces and tabs (a no-break space stays one), between Chinese characters, and never
    // inside a duration.
    for (const word of glueDurations(paragraph.trim()).split(/[ \t]+/)) {
      let first = true;
      for (const piece of pieces(word, size)) {
        const w = displayWidth(piece);
        const gap = line && first ? 1 : 0;
        if (line && width + gap + w > size) {
          out.push(indent + lead + line);
          line = piece;
          width = w;
        } else {
          line += (gap ? " " : "") + piece;
          width += gap + w;
        }
        first = false;
      }
    }
    if (line) out.push(indent + lead + line);
  }
  return out.map((l) => l.replaceAll(GLUE, " "));
}

const GLUE = "\u0000"; // stands for a space that must not break, until the lines are made

/** "(2 249 ms)", "2000 ms", "9.8 s", "6.0 秒": one word for wrapping. */
function glueDurations(text: string): string {
  return text
    .replace(/\(\d[\d ,.]*\s(?:ms|s|µs|min)\)/g, (m) => m.replace(/ /g, GLUE))
    .replace(/(\d) (ms|s|µs|min)\b/g, `$1${GLUE}$2`)
    .replace(/(\d) (毫秒|秒|分钟)/g, `$1${GLUE}$2`);
}

/**
 * A word as the pieces a line may break between: the word itself; or, when it holds Chinese, each
 * character (a closing mark kept with the one before it, an opening mark with the one after), runs
 * of other characters kept whole; or, for a word wider than a line, slices of it.
 */
function pieces(word: string, size: number): string[] {
  const parts: string[] = [];
  if (!WIDE.test(word)) parts.push(word);
  else {
    let run = ""; // characters that are not wide, kept together
    const units: string[] = [];
    for (const ch of word) {
      if (!WIDE.test(ch)) run += ch;
      else {
        if (run) units.push(run);
        run = "";
        units.push(ch);
      }
    }
    if (run) units.push(run);
    for (const unit of units) {
      const last = parts.at(-1);
      if (last !== undefined && (NO_START.test(unit) || NO_END.test(last))) parts[parts.length - 1] = last + unit;
      else parts.push(unit);
    }
  }
  return parts.flatMap((p) => chunks(p, size));
}

function chunks(word: string, size: number): string[] {
  const step = Math.max(1, size);
  if (displayWidth(word) <= step) return [word];
  const parts: string[] = [];
  let part = "";
  for (const ch of word) {
    if (part && displayWidth(part + ch) > step) {
      parts.push(part);
      part = "";
    }
    part += ch;
  }
  if (part) parts.push(part);
  return parts;
}

/** Cut to `columns`, with an ellipsis: for one-line titles. */
export function fitLine(text: string, columns: number): string {
  if (displayWidth(text) <= columns) return text;
  let out = "";
  for (const ch of text) {
    if (displayWidth(`${out}${ch}`) > Math.max(0, columns - 1)) break;
    out += ch;
  }
  return `${out}…`;
}
