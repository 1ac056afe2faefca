// Mutants: a solution with one planted bug (tests/mutants/<topic>.ts). Each must be caught, and
// the first failing verdict — the one the learner reads first — must name the bug (its `expect`
// words). verify:full runs them all; this file also runs them by hand:
//   npx tsx scripts/mutants.ts [chapter | cell | runtime] [--name <part of a name>] [--show]
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Cell, cells, gradeCell, REPO, topicOf, type Verdict } from "@workshop/harness";
import type { Mutant } from "../tests/mutants/mutant.ts";

const SCRATCH = join(REPO, "tests/mutants/.scratch");

export interface MutantOutcome {
  cell: Cell;
  mutant: Mutant;
  /** "killed" with the right words, "wrong-words", "survived", or "stale" (its find no longer matches). */
  outcome: "killed" | "wrong-words" | "survived" | "stale";
  /** The first failing verdict in scenario order. */
  verdict?: Verdict;
  missing?: string[];
  /** Gradings it took (more than one only for a `race` mutant). */
  tries?: number;
}

export async function mutantsOf(cell: Cell): Promise<Mutant[]> {
  const file = join(REPO, "tests/mutants", `${topicOf(cell.chapter)}.ts`);
  if (!existsSync(file)) return [];
  const { mutants } = (await import(file)) as { mutants: Mutant[] };
  return mutants.filter((m) => m.runtime === cell.runtime);
}

/** Copy the cell's folder, plant the bug, grade every scenario, judge the first failure. */
export async function runMutant(cell: Cell, mutant: Mutant): Promise<MutantOutcome> {
  const target = mutant.file ?? "solution.ts";
  const source = readFileSync(join(cell.dir, target), "utf8");
  if (!source.includes(mutant.find)) return { cell, mutant, outcome: "stale" };
  const dir = join(SCRATCH, `${cell.chapter}-${cell.runtime}-${mutant.name.replace(/\W+/g, "-")}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(SCRATCH, { recursive: true });
  cpSync(cell.dir, dir, { recursive: true });
  writeFileSync(join(dir, target), source.replace(mutant.find, mutant.replace));
  try {
    // A race-dependent bug gets `race` tries (each with its own perturbation seed): caught once is caught.
    for (let tries = 1; ; tries++) {
      const verdicts = await gradeCell({ cell, target: { file: join(dir, "solution.ts") }, lang: "en" }); // expect words are English
      const verdict = verdicts.find((v) => v.status !== "pass" && v.status !== "skipped");
      if (!verdict) {
        if (tries < (mutant.race ?? 1)) continue;
        return { cell, mutant, outcome: "survived", tries };
      }
      const text = `${verdict.status} ${verdict.message ?? ""}`.toLowerCase();
      const missing = mutant.expect.filter((w) => !text.includes(w.toLowerCase()));
      return { cell, mutant, outcome: missing.length ? "wrong-words" : "killed", verdict, missing, tries };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function describeOutcome(o: MutantOutcome): string {
  const id = `${o.cell.id} mutant "${o.mutant.name}"`;
  switch (o.outcome) {
    case "killed":
      return `✓ ${id} caught by ${o.verdict?.scenario} (${o.verdict?.status})${(o.tries ?? 1) > 1 ? ` on try ${o.tries}` : ""}`;
    case "wrong-words":
      return `✗ ${id} caught by ${o.verdict?.scenario} (${o.verdict?.status}), but its verdict lacks ${o.missing?.map((w) => `"${w}"`).join(", ")}: ${o.verdict?.message?.split("\n")[0]}`;
    case "survived":
      return `✗ ${id} survived every scenario${(o.tries ?? 1) > 1 ? ` in ${o.tries} gradings` : ""}: a scenario is missing`;
    case "stale":
      return `✗ ${id} no longer applies (its find text is not in ${o.mutant.file ?? "solution.ts"}): update tests/mutants/`;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const nameAt = args.indexOf("--name");
  const name = nameAt >= 0 ? args[nameAt + 1] : undefined;
  const show = args.includes("--show");
  const filter = args.find((a, i) => !a.startsWith("--") && !(nameAt >= 0 && i === nameAt + 1));
  const chosen = cells().filter((c) => !filter || c.id === filter || c.chapter === filter || c.runtime === filter);
  let bad = 0;
  let total = 0;
  for (const cell of chosen) {
    for (const mutant of await mutantsOf(cell)) {
      if (name && !mutant.name.includes(name)) continue;
      total++;
      const o = await runMutant(cell, mutant);
      if (o.outcome !== "killed") bad++;
      console.log(describeOutcome(o));
      if (show && o.verdict) console.log(`    ${o.verdict.message?.split("\n").join("\n    ")}`);
    }
  }
  console.log(`\nmutants: ${total - bad} of ${total} killed with their words`);
  process.exit(bad ? 1 : 0);
}
