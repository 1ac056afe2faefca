// Word-wrap plain text to a width, keeping an indent on every line: grader messages are written as
// long sentences, and a 60-column pane would otherwise break them mid-word. Always terminates: a
// line's own indentation never takes more than the width minus a few columns for its words.

/** The fewest columns left for words, however deep a line's own indentation goes. */
const MIN_TEXT = 10;

export function wrap(text: string, columns: number, indent = ""): string[] {
  const room = Math.max(MIN_TEXT + indent.length, columns) - indent.length;
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
    // Break at spaces and tabs only (a no-break space stays one), and never inside a duration.
    for (const word of glueDurations(paragraph.trim()).split(/[ \t]+/)) {
      for (const piece of chunks(word, size)) {
        if (line && line.length + 1 + piece.length > size) {
          out.push(indent + lead + line);
          line = piece;
        } else line = line ? `${line} ${piece}` : piece;
      }
    }
    if (line) out.push(indent + lead + line);
  }
  return out.map((l) => l.replaceAll(GLUE, " "));
}

const GLUE = "\u0000"; // stands for a space that must not break, until the lines are made

/** "(2 249 ms)", "2000 ms", "9.8 s": one word for wrapping. */
function glueDurations(text: string): string {
  return text.replace(/\(\d[\d ,.]*\s(?:ms|s|µs|min)\)/g, (m) => m.replace(/ /g, GLUE)).replace(/(\d) (ms|s|µs|min)\b/g, `$1${GLUE}$2`);
}

function chunks(word: string, size: number): string[] {
  const step = Math.max(1, size);
  if (word.length <= step) return [word];
  const parts: string[] = [];
  for (let i = 0; i < word.length; i += step) parts.push(word.slice(i, i + step));
  return parts;
}

/** Cut to `columns`, with an ellipsis: for one-line titles. */
export const fitLine = (text: string, columns: number) => (text.length <= columns ? text : `${text.slice(0, Math.max(0, columns - 1))}…`);
