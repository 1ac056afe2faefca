// The lesson summary shown when a cell opens: the chapter README's title and its opening quote,
// then the section about this cell's runtime (`### Node: …`). The full README stays the lesson;
// this is what fits on one screen.
import { existsSync, readFileSync } from "node:fs";

export function lessonSummary(readmeFile: string, runtime: string): string | undefined {
  if (!existsSync(readmeFile)) return undefined;
  return summarise(readFileSync(readmeFile, "utf8"), runtime);
}

export function summarise(markdown: string, runtime: string): string {
  const lines = markdown.split("\n");
  const title = lines.find((l) => /^#\s/.test(l)) ?? "";
  const quote: string[] = [];
  for (const l of lines.slice(lines.indexOf(title) + 1)) {
    if (l.startsWith(">")) quote.push(l);
    else if (quote.length) break;
  }
  const start = lines.findIndex((l) => new RegExp(`^###\\s+${runtime}\\b`, "i").test(l));
  const section: string[] = [];
  if (start >= 0) {
    for (const l of lines.slice(start)) {
      if (section.length && /^#{1,3}\s/.test(l)) break;
      section.push(l);
    }
  }
  return [title, "", ...quote, "", ...section].join("\n").trim();
}
