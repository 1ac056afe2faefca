// Where things are. The folder names are the data model: workshops/NN-topic/<runtime>/starter.ts,
// graded by tests/scenarios/<topic>.ts. Nothing here is configured twice.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Runtime } from "@workshop/process";

export const RUNTIMES: Runtime[] = ["node", "deno", "bun"];
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export type Target = "starter" | "solution";

export interface Cell {
  /** "01-lock/deno" — how learners, tests and the app name a cell. */
  id: string;
  chapter: string;
  runtime: Runtime;
  dir: string;
  /** tests/scenarios/<topic>.ts */
  scenarioFile: string;
}

export function chapters(): string[] {
  const root = join(REPO, "workshops");
  return readdirSync(root)
    .filter((d) => /^\d\d-/.test(d) && existsSync(join(root, d, "package.json")))
    .sort();
}

/** Every cell, in workshop order. A cell exists while its solution does (so a deleted starter can be reset). */
export function cells(): Cell[] {
  return chapters().flatMap((chapter) =>
    RUNTIMES.filter((runtime) => existsSync(join(REPO, "workshops", chapter, runtime, "solution.ts"))).map((runtime) => cell(`${chapter}/${runtime}`)),
  );
}

/** "01-lock" → "lock": the name of its scenarios (tests/scenarios/lock.ts), mutants and bench. */
export function topicOf(chapter: string): string {
  return chapter.replace(/^\d\d-/, "");
}

/** A path as the learner reads it: relative to the repository ("workshops/01-lock/node/starter.ts"). */
export function repoPath(file: string): string {
  return file.startsWith(`${REPO}/`) ? file.slice(REPO.length + 1) : file;
}

export function cell(id: string): Cell {
  const [chapter, runtime] = id.split("/") as [string, Runtime];
  if (!RUNTIMES.includes(runtime)) throw new Error(`"${id}" is not a cell: write it like 01-lock/deno`);
  const dir = join(REPO, "workshops", chapter, runtime);
  if (!existsSync(dir)) throw new Error(`no cell ${id}: ${dir} does not exist`);
  return { id, chapter, runtime, dir, scenarioFile: join(REPO, "tests", "scenarios", `${topicOf(chapter)}.ts`) };
}

export function targetFile(c: Cell, target: Target): string {
  return join(c.dir, `${target}.ts`);
}

/** A chapter's `workshop` block in its package.json: the catalogue entry of that chapter. */
export interface ChapterInfo {
  title?: string;
  python?: string;
  /** Extra Deno permissions the chapter needs beyond reading the repo and the run dir. */
  denoPermissions?: string[];
  /** Per runtime, the scenarios the untouched starter passes by accident (verify keeps this true). */
  accidentalPasses?: Partial<Record<Runtime, string[]>>;
}

export function chapterInfo(chapter: string): ChapterInfo {
  try {
    const pkg = JSON.parse(readFileSync(join(REPO, "workshops", chapter, "package.json"), "utf8")) as { workshop?: ChapterInfo };
    return pkg.workshop ?? {};
  } catch {
    return {};
  }
}

export function denoPermissions(c: Cell): string[] {
  return chapterInfo(c.chapter).denoPermissions ?? [];
}

export function accidentalPasses(c: Cell): string[] {
  return chapterInfo(c.chapter).accidentalPasses?.[c.runtime] ?? [];
}
