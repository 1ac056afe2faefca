// @workshop/i18n in Node: the translator (core.ts) with every catalogue of locales/<lang>/<namespace>.json
// loaded synchronously at import, and the language detected from the environment (entry points
// that take `--lang` call setLanguage(detectLanguage({ argv, env })) themselves).
// A namespace is a file: a chapter's scenario messages arrive as locales/<lang>/<topic>.json with no
// code change here.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { addCatalogue, detectLanguage, LANGUAGES, type Lang, setLanguage } from "./core.ts";

export * from "./core.ts";

/** packages/i18n/locales: one folder per language, one JSON file per namespace. */
export const LOCALES = fileURLToPath(new URL("../locales", import.meta.url));

/** Every catalogue on disk: language → namespace → its (nested) object. */
export function readCatalogues(dir = LOCALES): Record<Lang, Record<string, Record<string, unknown>>> {
  const all = {} as Record<Lang, Record<string, Record<string, unknown>>>;
  for (const lang of LANGUAGES) {
    all[lang] = {};
    const folder = join(dir, lang);
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder)
      .filter((f) => f.endsWith(".json"))
      .sort()) {
      all[lang][file.slice(0, -".json".length)] = JSON.parse(readFileSync(join(folder, file), "utf8")) as Record<string, unknown>;
    }
  }
  return all;
}

for (const [lang, namespaces] of Object.entries(readCatalogues()) as [Lang, Record<string, Record<string, unknown>>][]) {
  for (const [ns, catalogue] of Object.entries(namespaces)) addCatalogue(lang, ns, catalogue);
}
setLanguage(detectLanguage({ env: process.env }));
