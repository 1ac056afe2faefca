// The starter as shipped, for `reset`. The learner may have committed their own work, so HEAD is
// not pristine. We ask git, in this order:
//   1. the upstream branch (`@{upstream}`, e.g. origin/main): what the workshop ships today,
//      including fixes to the starter made after the learner cloned;
//   2. the commit that first added the file: a clone without an upstream (a downloaded archive
//      turned into a repo, a fork's detached checkout) still has the starter's first version.
// Authors who fix a starter after adding it should expect (2) to give the older text; (1) wins
// whenever an upstream exists, which is the normal case for a clone.
import { execFileSync } from "node:child_process";

export interface Pristine {
  content: string;
  /** Which git revision it came from, for the message: "origin/main" or a commit hash. */
  from: string;
}

export function pristineStarter(repo: string, relPath: string): Pristine {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  try {
    const upstream = git("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}").trim();
    if (upstream) return { content: git("show", `${upstream}:${relPath}`), from: upstream };
  } catch {
    // no upstream, or the file is not on it: fall through
  }
  let added = "";
  try {
    added = git("log", "--diff-filter=A", "--format=%H", "--", relPath).trim().split("\n").at(-1) ?? "";
  } catch {
    // not a git repository at all
  }
  if (!added) throw new Error(`${relPath} was never committed`);
  return { content: git("show", `${added}:${relPath}`), from: added.slice(0, 10) };
}
