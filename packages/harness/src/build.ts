// Node runs JavaScript: instead of paying tsx's ~200 ms on every fork, transpile the runner, the
// scenario, the cell and the child entry once with esbuild (already a tsx dependency) and fork
// plain `node`. Code splitting keeps one copy of shared modules (the reviver registry, the
// journal), so the child and the cell agree on them. Rebuilt only when an input file changed.
import { mkdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { REPO } from "./cells.ts";
import { removeAtExit } from "./groups.ts";
import { forgetMaps } from "./source-maps.ts";

export interface NodeBuild {
  dir: string;
  runner: string;
  scenario: string;
  cell: string;
}

const cache = new Map<string, { out: NodeBuild; inputs: [string, number][] }>();
const ROOT = join(tmpdir(), "workshop-build", String(process.pid));

removeAtExit(ROOT); // the builds belong to this process

export async function buildForNode(scenarioFile: string, cellFile: string): Promise<NodeBuild> {
  const key = `${scenarioFile}\0${cellFile}`;
  const hit = cache.get(key);
  if (hit?.inputs.every(([file, mtime]) => mtimeOf(file) === mtime)) return hit.out;

  const dir = join(ROOT, String(cache.size));
  mkdirSync(dir, { recursive: true });
  forgetMaps(dir);
  const result = await build({
    entryPoints: {
      runner: join(REPO, "packages/harness/src/runner.ts"),
      child: join(REPO, "packages/process/src/node/child.ts"),
      scenario: scenarioFile,
      cell: cellFile,
    },
    outdir: dir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // Maps beside the bundles, not inline and not applied by Node: see source-maps.ts.
    sourcemap: "external",
    metafile: true,
    logLevel: "silent",
    absWorkingDir: REPO,
    banner: { js: "// built by packages/harness/src/build.ts — edit the .ts source instead" },
  });
  const inputs = Object.keys(result.metafile.inputs).map((f): [string, number] => {
    const file = join(REPO, f);
    return [file, mtimeOf(file)];
  });
  const out = { dir, runner: join(dir, "runner.js"), scenario: join(dir, "scenario.js"), cell: join(dir, "cell.js") };
  cache.set(key, { out, inputs });
  return out;
}

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}
