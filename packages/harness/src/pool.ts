// Warm runners: while the learner types, each scenario of the cell they are on gets a runner that
// has already started its runtime, loaded the scenario module and prestarted the children that
// scenario used last time. A save then pays only for loading the file and the scenario itself.
// A warm runner has not loaded the graded file, so editing it never makes one stale; changing
// anything else it loaded (the scenario module, the modules beside the starter) does.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Cell } from "./cells.ts";
import { discard, type Launched, launch } from "./launch.ts";

const pool = new Map<string, { launched: Launched; stamp: string }>();
const childrenSeen = new Map<string, number>();

const keyOf = (cell: Cell, scenarioFile: string, scenario: string) => [cell.id, scenarioFile, scenario].join("\0");

/** The mtimes of what a warm runner depends on: the scenario module and the cell's other files. */
function stampOf(cell: Cell, scenarioFile: string, file: string): string {
  const others = readdirSync(cell.dir)
    .filter((f) => f.endsWith(".ts") && join(cell.dir, f) !== file && f !== "starter.ts" && f !== "solution.ts")
    .map((f) => join(cell.dir, f));
  return [scenarioFile, ...others].map((f) => `${f}@${mtime(f)}`).join("|");
}

/** A warm runner for this scenario, if one is ready and still matches the files; else undefined. */
export function takeWarm(cell: Cell, scenarioFile: string, scenario: string, file: string): Launched | undefined {
  const key = keyOf(cell, scenarioFile, scenario);
  const entry = pool.get(key);
  if (!entry) return undefined;
  pool.delete(key);
  if (entry.launched.child.exitCode !== null || entry.stamp !== stampOf(cell, scenarioFile, file)) {
    discard(entry.launched);
    return undefined;
  }
  return entry.launched;
}

/** How many children a scenario started last time: that many are prestarted next time. */
export function noteChildren(cell: Cell, scenarioFile: string, scenario: string, count: number): void {
  childrenSeen.set(keyOf(cell, scenarioFile, scenario), Math.min(count, 8));
}

/** Launch a warm runner for every scenario that has none (for the next save of `file`). */
export async function warmUp(cell: Cell, scenarioFile: string, scenarios: { name: string }[], file: string): Promise<void> {
  for (const { name } of scenarios) {
    const key = keyOf(cell, scenarioFile, name);
    if (pool.has(key)) continue;
    const stamp = stampOf(cell, scenarioFile, file);
    const launched = await launch(cell, scenarioFile, childrenSeen.get(key) ?? 0).catch(() => undefined);
    if (!launched) return; // a service the chapter needs is missing: the cold run says so
    pool.set(key, { launched, stamp });
    void launched.closed.then(() => {
      if (pool.get(key)?.launched === launched) pool.delete(key);
    });
  }
}

/** Let every warm runner go (the learner moved to another cell, or the app is closing). */
export function coolDown(): void {
  for (const { launched } of pool.values()) discard(launched);
  pool.clear();
}

function mtime(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}
