// Lessons and hints are Markdown; marked parses it and marked-terminal renders it for a terminal
// (bold, code spans, lists, wrapped to the width).
import { Marked } from "marked";
import { markedTerminal } from "marked-terminal";
import { plainIfNoColour, width } from "./terminal.ts";

export function renderMarkdown(markdown: string): string {
  const marked = new Marked(markedTerminal({ width: width() - 2, reflowText: true, tab: 2, showSectionPrefix: false }));
  const out = marked.parse(markdown, { async: false }) as string;
  return plainIfNoColour(out).replace(/\n+$/, "");
}
