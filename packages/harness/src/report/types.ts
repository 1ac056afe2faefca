// Type errors beside the verdict: the harness's checkTypes (typecheck.ts) is started with the
// grading and reported when it comes, without delaying the verdict. A check that cannot run is
// said once and counts as no answer (never as "no type errors", never as a crash of the report).
import type { Cell } from "../cells.ts";
import { checkTypes, type TypeProblem } from "../typecheck.ts";

/** Start type-checking `file` of `cell`: its problems, or undefined when the check itself failed (`onError` hears why). */
export async function startTypeCheck(cell: Cell, file: string, onError?: (why: string) => void): Promise<TypeProblem[] | undefined> {
  try {
    return await checkTypes(cell, file);
  } catch (err) {
    onError?.(err instanceof Error ? err.message : String(err));
    return undefined;
  }
}
