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

export function cells(): Cell[] {
  return chapters().flatMap((chapter) =>
    RUNTIMES.filter((runtime) => existsSync(join(REPO, "workshops", chapter, runtime, "starter.ts"))).map((runtime) => cell(`${chapter}/${runtime}`)),
  );
}

export function cell(id: string): Cell {
  const [chapter, runtime] = id.split("/") as [string, Runtime];
  if (!RUNTIMES.includes(runtime)) throw new Error(`"${id}" is not a cell: write it like 01-lock/deno`);
  const dir = join(REPO, "workshops", chapter, runtime);
  if (!existsSync(dir)) throw new Error(`no cell ${id}: ${dir} does not exist`);
  const topic = chapter.replace(/^\d\d-/, "");
  return { id, chapter, runtime, dir, scenarioFile: join(REPO, "tests", "scenarios", `${topic}.ts`) };
}

export function targetFile(c: Cell, target: Target): string {
  return join(c.dir, `${target}.ts`);
}

/** Extra Deno permissions a chapter needs beyond reading the repo (chapter package.json). */
export function denoPermissions(c: Cell): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO, "workshops", c.chapter, "package.json"), "utf8")) as {
    workshop?: { denoPermissions?: string[] };
  };
  return pkg.workshop?.denoPermissions ?? [];
}
