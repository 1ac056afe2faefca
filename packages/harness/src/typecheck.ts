// Type errors in a learner's file, by that runtime's own checker: TypeScript with the runtime's
// tsconfig for Node and Bun (in a checker process that keeps its program between saves: see
// typecheck-server.ts), `deno check` for Deno. Shown beside the verdict, never instead of it: a
// cell whose scenarios pass but whose file has type errors is not solved yet.
import { type ChildProcess, execFile, fork } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { type Cell, REPO, repoPath } from "./cells.ts";
import { removeAtExit } from "./groups.ts";

export interface TypeProblem {
  /** Repo-relative, as the learner reads it. */
  file: string;
  line: number;
  column: number;
  message: string;
}

/** The type errors of `file` (and of its siblings in the same folder) under the cell's runtime. */
export async function checkTypes(cell: Cell, file: string): Promise<TypeProblem[]> {
  const problems = cell.runtime === "deno" ? await denoCheck(file) : await tscCheck(cell.runtime, file);
  const folder = dirname(repoPath(file));
  return problems.map((p) => ({ ...p, file: repoPath(p.file) })).filter((p) => dirname(p.file) === folder);
}

let checker: ChildProcess | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (p: TypeProblem[]) => void; reject: (e: Error) => void }>();

function tscCheck(runtime: "node" | "bun", file: string): Promise<TypeProblem[]> {
  checker ??= startChecker();
  const id = ++nextId;
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    checker?.channel?.ref(); // an answer is due: stay alive for it
    checker?.send({ id, repo: REPO, runtime, file });
  });
}

/** Bundled once per harness process (TypeScript itself stays outside the bundle) and forked. */
function startChecker(): ChildProcess {
  const dir = join(tmpdir(), "workshop-build", String(process.pid));
  mkdirSync(dir, { recursive: true });
  removeAtExit(dir);
  const outfile = join(dir, "typecheck-server.cjs");
  // CommonJS, so NODE_PATH lets the bundle (in the temp dir) require the repo's own TypeScript.
  buildSync({
    entryPoints: [fileURLToPath(new URL("./typecheck-server.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "cjs",
    outfile,
    external: ["typescript"],
    logLevel: "silent",
  });
  const child = fork(outfile, [], { stdio: ["ignore", "ignore", "ignore", "ipc"], cwd: REPO, env: { ...process.env, NODE_PATH: join(REPO, "node_modules") } });
  child.on("message", (reply: { id: number; problems?: TypeProblem[]; error?: string }) => {
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.error) w?.reject(new Error(reply.error));
    else w?.resolve(reply.problems ?? []);
    if (waiting.size === 0) child.channel?.unref(); // idle: it must not keep the harness alive
  });
  child.on("exit", () => {
    checker = undefined;
    for (const w of waiting.values()) w.reject(new Error("the type checker stopped"));
    waiting.clear();
  });
  child.unref();
  child.channel?.unref();
  return child;
}

function denoCheck(file: string): Promise<TypeProblem[]> {
  return new Promise((resolve) => {
    execFile(
      join(REPO, "node_modules/.bin/deno"),
      ["check", "--quiet", "--no-lock", file],
      { cwd: REPO, env: { ...process.env, NO_COLOR: "1" } },
      (_err, stdout, stderr) => {
        // TS2322 [ERROR]: Type 'string' is not assignable to type 'number'.
        //   …the source line and a caret…
        //     at file:///…/starter.ts:14:7
        const problems: TypeProblem[] = [];
        let message: string | undefined;
        for (const line of `${stdout}\n${stderr}`.split("\n")) {
          const head = /^TS\d+ \[ERROR\]: (.*)$/.exec(line);
          if (head) message = head[1];
          const at = /^\s+at file:\/\/(.+):(\d+):(\d+)$/.exec(line);
          if (at && message) {
            problems.push({ file: decodeURIComponent(at[1]!), line: Number(at[2]), column: Number(at[3]), message });
            message = undefined;
          }
        }
        resolve(problems);
      },
    );
  });
}
