// Where the app keeps its own state: `.workshop/` at the repo root, git-ignored. Tests pass a
// temporary directory instead, so every state function takes the directory as an argument.
import { join } from "node:path";
import { REPO } from "@workshop/harness";

export const STATE_DIR = join(REPO, ".workshop");
