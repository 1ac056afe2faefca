// What the page shows as HTML, rendered on the server: a chapter's lesson and hints (Markdown, via
// marked; code highlighted by highlight.js — offline, as classes the page's stylesheet colours in
// light and dark), the diff to the solution, and the verdict report — THE report of the harness
// (report.ts: the summary, the first failure in full, type errors), painted as HTML instead of
// terminal colours, so the page says exactly what the terminal and `npm test` say.
import { existsSync, readFileSync, statSync } from "node:fs";
import { CellReport, type Paint, type TypeProblem, type Verdict } from "@workshop/harness";
import { structuredPatch } from "diff";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import python from "highlight.js/lib/languages/python";
import typescript from "highlight.js/lib/languages/typescript";
import { Marked, type Tokens } from "marked";
import { esc } from "./timeline/svg.ts";

hljs.registerLanguage("typescript", typescript);
hljs.registerLanguage("javascript", javascript);
hljs.registerLanguage("python", python);
hljs.registerLanguage("bash", bash);
hljs.registerLanguage("json", json);
hljs.registerAliases(["ts"], { languageName: "typescript" });
hljs.registerAliases(["js"], { languageName: "javascript" });
hljs.registerAliases(["py"], { languageName: "python" });
hljs.registerAliases(["sh", "shell", "console"], { languageName: "bash" });

export function highlight(code: string, lang: string | undefined): string {
  const language = lang && hljs.getLanguage(lang) ? lang : undefined;
  return language ? hljs.highlight(code, { language, ignoreIllegals: true }).value : esc(code);
}

const marked = new Marked({
  gfm: true,
  renderer: {
    code({ text, lang }: Tokens.Code): string {
      const language = (lang ?? "").split(/\s/)[0] ?? "";
      return `<pre class="code"><code class="hljs${language ? ` language-${esc(language)}` : ""}">${highlight(text, language)}</code></pre>\n`;
    },
    link({ href, title, tokens }: Tokens.Link): string {
      const inner = this.parser.parseInline(tokens);
      if (/^https?:\/\//.test(href)) return `<a href="${esc(href)}" rel="noreferrer" target="_blank"${title ? ` title="${esc(title)}"` : ""}>${inner}</a>`;
      if (href.startsWith("#")) return `<a href="${esc(href)}">${inner}</a>`;
      // A file of the repository: the learner opens it in their editor; say which.
      return `<span class="repo-link" title="${esc(href)}">${inner}</span>`;
    },
  },
});

export function markdownHtml(markdown: string): string {
  return marked.parse(markdown, { async: false }) as string;
}

const lessons = new Map<string, { mtime: number; html: string }>();

/** The chapter's README.md as HTML (cached until the file changes). */
export function lessonHtml(readme: string): string | undefined {
  if (!existsSync(readme)) return undefined;
  const mtime = statSync(readme).mtimeMs;
  const cached = lessons.get(readme);
  if (cached?.mtime === mtime) return cached.html;
  const html = markdownHtml(readFileSync(readme, "utf8"));
  lessons.set(readme, { mtime, html });
  return html;
}

export interface DiffLine {
  kind: "add" | "del" | "ctx" | "hunk";
  text: string;
}

/** Yours → the solution, as lines to colour (the `diff` package, three lines of context). */
export function diffLines(mine: string, theirs: string): DiffLine[] {
  const patch = structuredPatch("yours", "solution", mine, theirs, "", "", { context: 3 });
  return patch.hunks.flatMap((h) => [
    { kind: "hunk" as const, text: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@` },
    ...h.lines.map((l) => ({ kind: l.startsWith("+") ? ("add" as const) : l.startsWith("-") ? ("del" as const) : ("ctx" as const), text: l })),
  ]);
}

// ---- the verdict report, painted as HTML --------------------------------------------------------

// The report paints pieces of its text; markers around them survive its wrapping and budget, and
// become spans once the whole text is escaped.
const OPEN = "\uE000";
const MID = "\uE001";
const CLOSE = "\uE002";
const mark = (cls: string) => (s: string) => `${OPEN}${cls}${MID}${s}${CLOSE}`;
export const htmlPaint: Paint = {
  red: mark("red"),
  green: mark("green"),
  yellow: mark("yellow"),
  dim: mark("dim"),
  bold: mark("bold"),
  cyan: mark("cyan"),
  magenta: mark("magenta"),
};

export function paintedHtml(text: string): string {
  return esc(text)
    .replace(/ ─{4,}(?=\uE002|$)/gm, "") // a rule's tail across the width: the page draws its own
    .replace(new RegExp(`${OPEN}(\\w+)${MID}`, "g"), '<span class="p-$1">')
    .replaceAll(CLOSE, "</span>");
}

/** Columns the report wraps to: wide, since the page wraps its lines itself (CSS pre-wrap). */
const WIDTH = 400;

export class HtmlReport {
  private readonly rep = new CellReport({ paint: htmlPaint, width: WIDTH, replay: (seed, cell) => `\`npm start -- grade ${cell} --seed ${seed}\`` });

  /** The summary line and the first failure in full. */
  end(verdicts: Verdict[], total: number, ms: number): string {
    return paintedHtml(this.rep.end(verdicts, total, ms));
  }

  types(problems: TypeProblem[], file: string, allPass: boolean): string {
    return paintedHtml(this.rep.types(problems, file, allPass));
  }
}
