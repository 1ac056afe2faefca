// `d` / `npm start -- demo <cell> [--solution]`: run the cell's demo.ts, wait for it to end.
import type { Cell } from "@workshop/harness";
import { hasDemo, runDemo } from "../demo.ts";
import { strings } from "../strings.ts";
import { paint } from "../ui/terminal.ts";

export async function demoCommand(c: Cell, which: "starter" | "solution", write: (s: string) => void): Promise<number | null> {
  if (!hasDemo(c)) {
    write(`${strings.noDemo(c.id)}\n`);
    return null;
  }
  write(`${paint.dim(strings.demoStart(c.id, which))}\n`);
  const code = await runDemo(c, which).done;
  write(`${paint.dim(strings.demoExit(code))}\n`);
  return code;
}
