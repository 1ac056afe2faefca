// Node runs JavaScript: instead of paying tsx's ~200 ms on every fork, transpile once with esbuild
// (already a tsx dependency) and fork plain `node`. Two layers, so a save rebuilds only the cell:
//   - the base, per scenario module: the runner, the child entry, the scenario, and every
//     @workshop/* module a cell may import, as entry points of one split build — one copy of the
//     shared state (the reviver registry, the journal) for everything that runs;
//   - the cell, per save: the graded file and the modules beside it, its @workshop/* imports
//     pointing at the base's files. A warm runner (pool.ts) loads the base before the save.
// Each is rebuilt only when one of its input files changed.
import { mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { REPO } from "./cells.ts";
import { removeAtExit } from "./groups.ts";
import { forgetMaps } from "./source-maps.ts";

export interface NodeBase {
  dir: string;
  runner: string;
  scenario: string;
  /** "@workshop/process" → the base's file for it. */
  modules: Map<string, string>;
}

/** The @workshop/* modules a cell or scenario may import, and their sources (Node's conditions). */
const SHARED: Record<string, string> = {
  "@workshop/process": "packages/process/src/node/index.ts",
  "@workshop/process/handles": "packages/process/src/common/handles.ts",
  "@workshop/process/journal": "packages/process/src/common/journal.ts",
  "@workshop/process/faults": "packages/process/src/common/faults.ts",
  "@workshop/contracts": "packages/contracts/src/index.ts",
  "@workshop/harness/scenario": "packages/harness/src/scenario.ts",
};

const ROOT = join(tmpdir(), "workshop-build", String(process.pid));
removeAtExit(ROOT); // the builds belong to this process

type Inputs = [string, number][];
const bases = new Map<string, { out: NodeBase; inputs: Inputs }>();
const cells = new Map<string, { out: string; inputs: Inputs }>();
let builds = 0;

const common = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Maps beside the bundles, not inline and not applied by Node: see source-maps.ts.
  sourcemap: "external",
  metafile: true,
  logLevel: "silent",
  absWorkingDir: REPO,
  // An npm package written as CommonJS (e.g. @redis/client) require()s Node's modules: give the ES module a require.
  banner: {
    js: "// built by packages/harness/src/build.ts — edit the .ts source instead\nimport { createRequire as __workshopRequire } from 'node:module'; const require = __workshopRequire(import.meta.url);",
  },
} as const;

/** The base for a scenario module: runner, child entry, scenario and the shared modules. */
export async function buildBase(scenarioFile: string): Promise<NodeBase> {
  const hit = bases.get(scenarioFile);
  if (hit && fresh(hit.inputs)) return hit.out;
  const dir = newDir();
  const names = Object.keys(SHARED).map((spec) => spec.slice(1).replaceAll("/", "-"));
  const result = await build({
    ...common,
    entryPoints: {
      runner: join(REPO, "packages/harness/src/runner.ts"),
      child: join(REPO, "packages/process/src/node/child.ts"),
      scenario: scenarioFile,
      ...Object.fromEntries(Object.values(SHARED).map((source, i) => [names[i]!, join(REPO, source)])),
    },
    outdir: dir,
    splitting: true,
  });
  const modules = new Map(Object.keys(SHARED).map((spec, i) => [spec, join(dir, `${names[i]}.js`)]));
  const out = { dir, runner: join(dir, "runner.js"), scenario: join(dir, "scenario.js"), modules };
  bases.set(scenarioFile, { out, inputs: inputsOf(result.metafile) });
  return out;
}

/** The graded file (and what it imports beside it), importing the shared modules from `base`. */
export async function buildCell(base: NodeBase, cellFile: string): Promise<string> {
  const key = `${base.dir}\0${cellFile}`;
  const hit = cells.get(key);
  if (hit && fresh(hit.inputs)) return hit.out;
  const dir = newDir();
  const result = await build({ ...common, entryPoints: { cell: cellFile }, outdir: dir, plugins: [sharedFrom(base)] });
  const out = join(dir, "cell.js");
  cells.set(key, { out, inputs: inputsOf(result.metafile) });
  return out;
}

export async function buildForNode(scenarioFile: string, cellFile: string): Promise<{ runner: string; scenario: string; cell: string }> {
  const base = await buildBase(scenarioFile);
  return { runner: base.runner, scenario: base.scenario, cell: await buildCell(base, cellFile) };
}

/** @workshop/* imports of a cell resolve to the base's files, left as imports (one copy of each). */
function sharedFrom(base: NodeBase): Plugin {
  return {
    name: "workshop-shared",
    setup(b) {
      b.onResolve({ filter: /^@workshop\// }, (args) => {
        const file = base.modules.get(args.path);
        // A chapter's own package (plumbing its runtimes share, e.g. @workshop/04-broker/redis) is bundled into the cell.
        if (!file && /^@workshop\/\d\d-[^/]+\//.test(args.path)) return undefined;
        if (!file) return { errors: [{ text: `${args.path} is not a module a cell can import (try one of ${[...base.modules.keys()].join(", ")})` }] };
        return { path: pathToFileURL(file).href, external: true };
      });
    },
  };
}

function newDir(): string {
  const dir = join(ROOT, String(builds++));
  mkdirSync(dir, { recursive: true });
  forgetMaps(dir);
  return dir;
}

function inputsOf(metafile: { inputs: Record<string, unknown> }): Inputs {
  return Object.keys(metafile.inputs).map((f): [string, number] => {
    const file = join(REPO, f);
    return [file, mtimeOf(file)];
  });
}

function fresh(inputs: Inputs): boolean {
  return inputs.every(([file, mtime]) => mtimeOf(file) === mtime);
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}
