// "01-lock/deno" → the Cell, or a message that lists the cells there are.
import { type Cell, cells } from "@workshop/harness";
import { strings } from "../strings.ts";

export class UsageError extends Error {}

export function resolveCell(id: string | undefined): Cell {
  const all = cells();
  const found = all.find((c) => c.id === id?.replace(/\/+$/, ""));
  if (!found)
    throw new UsageError(
      strings.unknownCell(
        id ?? "",
        all.map((c) => c.id),
      ),
    );
  return found;
}
