// "01-lock/deno" → the Cell, or a message that lists the cells there are.
import { type Cell, cells } from "@workshop/harness";
import { strings } from "../strings.ts";

export class UsageError extends Error {}

/** Written like a cell ("01-lock/deno", "workshops/01-lock/deno/"): not a command name. */
export const isCellLike = (arg: string) => arg.includes("/");

export function resolveCell(id: string | undefined): Cell {
  const all = cells();
  const wanted = id
    ?.replace(/^(\.\/)?workshops\//, "")
    .replace(/\/(starter|solution)\.ts$/, "")
    .replace(/\/+$/, "");
  const found = all.find((c) => c.id === wanted);
  if (!found)
    throw new UsageError(
      strings.unknownCell(
        id ?? "",
        all.map((c) => c.id),
      ),
    );
  return found;
}
