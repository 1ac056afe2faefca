// A throwaway copy of the repo for end-to-end tests: the sources and .git are copied (the app
// writes starters and asks git for pristine ones), node_modules is not — each package is a
// symlink into the real one, except the workspace links (@workshop/*), which point into the copy
// so that the harness's REPO is the copy and the real workshops/ are never touched.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";

// Scratch and cache folders others write while we copy (mutants, turbo, verify) are not sources.
const SKIP = new Set(["node_modules", ".workshop", ".turbo", ".verify", ".cache", ".scratch"]);

export function copyRepo(repo: string): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), "workshop-e2e-"));
  cpSync(repo, root, { recursive: true, filter: (src) => !SKIP.has(basename(src)) });
  linkNodeModules(join(repo, "node_modules"), join(root, "node_modules"), root);
  // A workspace's own node_modules (a version other than the root's, e.g. the app's highlight.js).
  for (const group of ["apps", "packages", "workshops"]) {
    if (!existsSync(join(repo, group))) continue;
    for (const ws of readdirSync(join(repo, group))) {
      const own = join(repo, group, ws, "node_modules");
      if (existsSync(own) && existsSync(join(root, group, ws))) symlinkSync(own, join(root, group, ws, "node_modules"));
    }
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

function linkNodeModules(real: string, copy: string, root: string): void {
  mkdirSync(copy);
  for (const entry of readdirSync(real)) {
    if (entry === "@workshop") {
      mkdirSync(join(copy, entry));
      for (const pkg of readdirSync(join(real, entry))) {
        // "../../packages/harness" relative to node_modules/@workshop: the same place in the copy
        const target = resolve(join(copy, entry), readlinkSync(join(real, entry, pkg)));
        symlinkSync(target.startsWith(root) ? target : join(root, target), join(copy, entry, pkg));
      }
    } else {
      symlinkSync(join(real, entry), join(copy, entry));
    }
  }
}
