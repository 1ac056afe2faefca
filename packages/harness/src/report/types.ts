// Type errors beside the verdict: the harness's checkTypes (src/typecheck.ts) is started with the
// grading and reported when it comes, without delaying the verdict. Looked up at run time, so the
// report works before and after checkTypes lands.
import type { Cell } from "../cells.ts";

/** One type error: `file:line:column message`. */
export interface TypeProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

type CheckTypes = (cell: Cell, file: string) => Promise<TypeProblem[]>;

/**
 * Start type-checking `file` of `cell`; resolves with its problems, or undefined when this harness
 * cannot type-check (checkTypes missing) or the check itself failed (`onError` hears why).
 */
export async function startTypeCheck(cell: Cell, file: string, onError?: (why: string) => void): Promise<TypeProblem[] | undefined> {
  let check: CheckTypes | undefined;
  try {
    // A variable specifier: the module may not exist yet, and no bundler should insist it does.
    const specifier = "../typecheck.ts";
    check = ((await import(specifier)) as { checkTypes?: CheckTypes }).checkTypes;
  } catch {
    return undefined;
  }
  if (!check) return undefined;
  try {
    return await check(cell, file);
  } catch (err) {
    onError?.(err instanceof Error ? err.message : String(err));
    return undefined;
  }
}
