// Node cells run as esbuild bundles. Letting Node map every stack itself (--enable-source-maps)
// costs each process 40–100 ms of loading, in every child of every run; a stack matters only when
// something went wrong. So the bundles carry their maps beside them (.js.map), and the harness
// maps the positions in a verdict's text back to the .ts sources, only when it has one to show.
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const maps = new Map<string, SourceMap | null>();

/** A position in a built file: file:///tmp/workshop-build/123/0/cell.js:41:7 (or a plain path). */
const BUILT = /(?:file:\/\/)?(\/[^\s():'"]*workshop-build\/[^\s():'"]+\.js):(\d+):(\d+)/g;

/** Replace every built-file position in `text` with its place in the TypeScript source. */
export function mapBuiltPositions(text: string): string;
export function mapBuiltPositions(text: string | undefined): string | undefined;
export function mapBuiltPositions(text: string | undefined): string | undefined {
  if (!text?.includes("workshop-build")) return text;
  return text.replace(BUILT, (whole, file: string, line: string, column: string) => {
    const map = mapOf(file);
    const entry = map?.findEntry(Number(line) - 1, Number(column) - 1) as
      | { originalSource?: string; originalLine?: number; originalColumn?: number }
      | undefined;
    if (!entry?.originalSource || entry.originalLine === undefined) return whole;
    const source = entry.originalSource.startsWith("file:") ? fileURLToPath(entry.originalSource) : resolve(dirname(file), entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
  });
}

function mapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    try {
      map = existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8"))) : null;
    } catch {
      map = null;
    }
    maps.set(file, map);
  }
  return map;
}

/** Forget the maps of a build that is being replaced. */
export function forgetMaps(dir: string): void {
  for (const file of maps.keys()) if (file.startsWith(dir)) maps.delete(file);
}
