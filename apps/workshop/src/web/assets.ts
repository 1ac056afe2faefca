// The page's script and stylesheet, from this folder: client/main.ts and what it imports, bundled
// and minified by esbuild (already the harness's compiler) in memory the first time they are asked
// for; client/style.css as it is. No build step, no files written: a fresh clone serves them as is.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const HERE = dirname(fileURLToPath(import.meta.url));

let script: Promise<string> | undefined;

export function clientScript(): Promise<string> {
  script ??= build({
    entryPoints: [join(HERE, "client/main.ts")],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  }).then((r) => r.outputFiles[0]!.text);
  script.catch(() => (script = undefined)); // a failed build is tried again next time
  return script;
}

let css: string | undefined;

export function clientCss(): string {
  css ??= readFileSync(join(HERE, "client/style.css"), "utf8");
  return css;
}
