// The checks behind verify's `i18n` step (scripts/verify-step.ts): the same keys, params and plural
// forms in every language, no empty or untranslated Chinese, the same sections in a translated
// lesson and the same hints per runtime and TODO in translated hints. Pure functions over what is
// read from disk, so they are fast and tested on their own (packages/harness/test/i18n.test.ts).

/** A catalogue as loaded from JSON: nested objects, strings, arrays of strings. */
export type Catalogue = Record<string, unknown>;

export interface Report {
  /** One line per broken promise, saying where. */
  problems: string[];
  /** Figures to print: "harness: 82 keys in en, 80 in zh-CN". */
  figures: string[];
}

const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Every string of a catalogue by its dotted key (an array's items as key.0, key.1…). */
export function flatten(catalogue: unknown, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof catalogue === "string") out[prefix] = catalogue;
  else if (catalogue && typeof catalogue === "object")
    // An array's items are keyed by their index, as i18next keys them.
    for (const [k, v] of Object.entries(catalogue)) Object.assign(out, flatten(v, prefix ? `${prefix}.${k}` : k));
  else out[prefix] = String(catalogue);
  return out;
}

/** `{{name}}` and `{{count, number}}` → name, count. */
export function paramsOf(text: string): Set<string> {
  return new Set([...text.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1]!));
}

/** key → { form ("" or a plural category) → text }. */
function byBase(flat: Record<string, string>): Map<string, Map<string, string>> {
  const bases = new Map<string, Map<string, string>>();
  for (const [key, text] of Object.entries(flat)) {
    const m = key.match(PLURAL);
    const base = m ? key.slice(0, -m[0].length) : key;
    const forms = bases.get(base) ?? new Map<string, string>();
    forms.set(m ? m[1]! : "", text);
    bases.set(base, forms);
  }
  return bases;
}

/** The plural categories a language needs ("one", "other" in English; "other" in Chinese). */
const categories = (lang: string) => new Intl.PluralRules(lang).resolvedOptions().pluralCategories as string[];

/**
 * Words that stay English in Chinese text: the runtimes' own names and terms of art (docs/glossary.md
 * "保持英文的运行时名词"), and what a terminal or the web calls things. Matched whole, case-sensitive.
 */
export const TERMS_OF_ART = [
  "Web Workers",
  "Worker",
  "Workers",
  "SharedArrayBuffer",
  "Atomics",
  "MessageChannel",
  "MessagePort",
  "Int32Array",
  "Redis Streams",
  "Redis",
  "Promise",
  "Node",
  "Deno",
  "Bun",
  "Python",
  "TypeScript",
  "JavaScript",
  "CPU",
  "IPC",
  "JSON",
  "UTF-8",
  "MiB",
  "KiB",
  "TODO",
  "CI",
  "SVG",
  "WSL",
  "Windows",
  "Ctrl-C",
  "Ctrl",
  "Enter",
  "MDN",
  "Lua",
  "V8",
  "procsync",
  "stdin",
  "stdout",
  "stderr",
  "stdio",
];

/** A run of this many English words outside code is an untranslated sentence. */
export const ENGLISH_RUN = 4;

/**
 * The first run of ENGLISH_RUN or more English words in a Chinese text, outside code blocks, code
 * spans, `{{params}}`, URLs, paths and the terms of art; undefined when there is none.
 */
export function untranslatedRun(text: string, allow: readonly string[] = TERMS_OF_ART): string | undefined {
  let rest = text
    .replace(/^(```|~~~)[\s\S]*?^\1/gm, "\u0001")
    .replace(/(`+)[\s\S]*?\1/g, "\u0001")
    .replace(/\{\{[^}]*\}\}/g, "\u0001")
    .replace(/\]\([^)]*\)/g, "]\u0001")
    .replace(/<[^>\n]*>/g, "\u0001")
    .replace(/https?:\/\/\S+/g, "\u0001")
    .replace(/\S*[/\\]\S*/g, "\u0001")
    .replace(/--?[\w-]+/g, "\u0001");
  rest = rest.replace(termsPattern(allow), "\u0001");
  // Words (two letters or more: a lone letter is a key or a variable) joined by spaces and ASCII
  // punctuation only; anything else (Chinese, digits, symbols) ends a run.
  const word = "(?<![\\w'’-])[A-Za-z][\\w'’-]+";
  const run = rest.match(new RegExp(`${word}(?:[ \\t\\n,;:.!?"'()]+${word}){${ENGLISH_RUN - 1},}`));
  return run?.[0].trim();
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const patterns = new WeakMap<readonly string[], RegExp>();
/** The terms as one pattern, longest first ("Web Workers" before "Worker"), matched as whole words. */
function termsPattern(allow: readonly string[]): RegExp {
  let re = patterns.get(allow);
  if (!re) {
    re = new RegExp(
      `(?<![\\w.])(?:${[...allow]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join("|")})(?![\\w])`,
      "g",
    );
    patterns.set(allow, re);
  }
  return re;
}

/** JavaScript's own values: code, even without backticks ("resolved to undefined"). */
const LITERALS = /\b(undefined|null|true|false|NaN|Infinity)\b/g;

/** Only code, identifiers, params and punctuation: the same in every language. */
export function onlyCode(text: string): boolean {
  const words = text
    .replace(/`[^`]*`/g, "")
    .replace(LITERALS, "")
    .replace(/\{\{[^}]*\}\}/g, "")
    .replace(/\S*[/\\.:_()[\]<>]\S*/g, "")
    .replace(/--?[\w-]+/g, "");
  return !/[A-Za-z]{2,}/.test(words.replace(new RegExp(TERMS_OF_ART.map(escapeRegExp).join("|"), "g"), ""));
}

/**
 * Every namespace of every language against the source language: the same keys, the plural forms
 * each language needs, the same params; no empty value, none identical to English unless it is only
 * code, no untranslated English sentence.
 */
export function checkCatalogues(catalogues: Record<string, Record<string, Catalogue>>, source = "en"): Report {
  const problems: string[] = [];
  const figures: string[] = [];
  const langs = Object.keys(catalogues);
  const others = langs.filter((l) => l !== source);
  const namespaces = [...new Set(langs.flatMap((l) => Object.keys(catalogues[l] ?? {})))].sort();
  for (const ns of namespaces) {
    const flat = Object.fromEntries(langs.map((l) => [l, catalogues[l]?.[ns] ? flatten(catalogues[l][ns]) : undefined]));
    // Keys, and strings (a key with plural forms has one string per form: en 2, zh-CN 1).
    const count = (l: string) => (flat[l] ? `${l} ${byBase(flat[l]).size} keys / ${Object.keys(flat[l]).length} strings` : `${l} none`);
    figures.push(`${ns}: ${langs.map(count).join(" · ")}`);
    const en = flat[source];
    if (!en) {
      problems.push(`${ns}: no ${source}/${ns}.json, the source every language is checked against`);
      continue;
    }
    const enBases = byBase(en);
    for (const [base, forms] of enBases) {
      if (forms.has("") && forms.size > 1) problems.push(`${source} ${ns}:${base}: both a plain value and plural forms`);
      const plural = !forms.has("");
      if (plural)
        for (const c of categories(source))
          if (!forms.has(c)) problems.push(`${source} ${ns}:${base}: no "${base}_${c}" (${source} needs ${categories(source).join(", ")})`);
    }
    for (const lang of others) {
      const mine = flat[lang];
      if (!mine) {
        problems.push(`${ns}: no ${lang}/${ns}.json (${Object.keys(en).length} keys in ${source})`);
        continue;
      }
      const bases = byBase(mine);
      for (const [base, enForms] of enBases) {
        const key = `${lang} ${ns}:${base}`;
        const forms = bases.get(base);
        if (!forms) {
          problems.push(`${key}: missing (${source}: "${short([...enForms.values()][0]!)}")`);
          continue;
        }
        const enPlural = !enForms.has("");
        const plural = !forms.has("");
        if (enPlural !== plural) {
          problems.push(`${key}: ${enPlural ? "plural forms" : "a plain value"} in ${source}, ${plural ? "plural forms" : "a plain value"} here`);
          continue;
        }
        if (plural)
          for (const c of categories(lang)) if (!forms.has(c)) problems.push(`${key}: no "${base}_${c}" (${lang} needs ${categories(lang).join(", ")})`);
        const enParams = union(enForms);
        const params = union(forms);
        const missing = [...enParams].filter((p) => !params.has(p));
        const extra = [...params].filter((p) => !enParams.has(p));
        if (missing.length || extra.length)
          problems.push(
            `${key}: params differ from ${source}${missing.length ? ` — missing {{${missing.join("}}, {{")}}}` : ""}${extra.length ? ` — not in ${source}: {{${extra.join("}}, {{")}}}` : ""}`,
          );
        for (const [form, text] of forms) {
          const where = `${lang} ${ns}:${base}${form ? `_${form}` : ""}`;
          if (!text.trim()) problems.push(`${where}: empty`);
          else if (text === (enForms.get(form) ?? enForms.get("other")) && !onlyCode(text)) problems.push(`${where}: the same as ${source} ("${short(text)}")`);
          else {
            const run = untranslatedRun(text);
            if (run) problems.push(`${where}: untranslated English "${short(run)}"`);
          }
        }
      }
      for (const base of bases.keys()) if (!enBases.has(base)) problems.push(`${lang} ${ns}:${base}: not in ${source} (a key no code asks for)`);
    }
  }
  return { problems, figures };
}

const union = (forms: Map<string, string>) => new Set([...forms.values()].flatMap((t) => [...paramsOf(t)]));
const short = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text).replace(/\n/g, "⏎");

// ---- lessons and hints -------------------------------------------------------------------------

/** Outside fenced code blocks: a `## ` in a Python example is not a heading. */
function prose(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split("\n")) {
    const f = line.match(/^\s*(```|~~~)/)?.[1];
    if (f && (!fence || f === fence)) fence = fence ? undefined : f;
    else if (!fence) lines.push(line);
  }
  return lines;
}

/** A lesson's outline: its `##` sections, each with the `###` headings under it. */
export function outline(markdown: string): { title: string; subs: string[] }[] {
  const sections: { title: string; subs: string[] }[] = [];
  for (const line of prose(markdown)) {
    const h2 = line.match(/^##\s+(.*)$/);
    const h3 = line.match(/^###\s+(.*)$/);
    if (h2) sections.push({ title: h2[1]!.trim(), subs: [] });
    else if (h3) sections.at(-1)?.subs.push(h3[1]!.trim());
  }
  return sections;
}

const RUNTIME_HEADING = /^(Node|Deno|Bun)\b/i;

/**
 * A translated lesson against the English one: the same `##` sections in order, the same number of
 * `###` under each, and a runtime's `###` ("### Node: …") still starting with the runtime's name
 * (the app's lesson summary finds the runtime's part by it).
 */
export function checkLesson(name: string, english: string, translated: string): Report {
  const en = outline(english);
  const zh = outline(translated);
  const problems: string[] = [];
  if (en.length !== zh.length) problems.push(`${name}: ${zh.length} ## sections, the English has ${en.length} (${en.map((s) => s.title).join(" · ")})`);
  en.forEach((section, i) => {
    const mine = zh[i];
    if (!mine) return;
    if (mine.subs.length !== section.subs.length)
      problems.push(
        `${name}: section ${i + 1} ("${mine.title}") has ${mine.subs.length} ### headings, the English ("${section.title}") has ${section.subs.length}`,
      );
    section.subs.forEach((sub, j) => {
      const runtime = sub.match(RUNTIME_HEADING)?.[1];
      const other = mine.subs[j];
      if (runtime && other !== undefined && !other.toLowerCase().startsWith(runtime.toLowerCase()))
        problems.push(`${name}: "### ${other}" must start with "${runtime}" like the English "### ${sub}" (the app finds a runtime's part by it)`);
    });
  });
  problems.push(...untranslatedIn(name, translated));
  return {
    problems,
    figures: [
      `${name}: ${zh.length} ## / ${zh.reduce((n, s) => n + s.subs.length, 0)} ### (English: ${en.length} / ${en.reduce((n, s) => n + s.subs.length, 0)})`,
    ],
  };
}

/** hints.md as counts: runtime → TODO number ("" when an item names none) → hints. */
export function hintCounts(markdown: string): Map<string, Map<string, number>> {
  const book = new Map<string, Map<string, number>>();
  let section: Map<string, number> | undefined;
  for (const line of prose(markdown)) {
    const heading = line.match(/^##\s+(\S+)/);
    const item = line.match(/^\d+\.\s+(.*)$/);
    if (heading) book.set(heading[1]!.toLowerCase(), (section = new Map()));
    else if (item && section) {
      const todo = item[1]!.match(/TODO\((\d+)\)/)?.[1] ?? "";
      section.set(todo, (section.get(todo) ?? 0) + 1);
    }
  }
  return book;
}

/** Translated hints against the English: the same runtimes, and as many hints for each TODO. */
export function checkHints(name: string, english: string, translated: string): Report {
  const en = hintCounts(english);
  const zh = hintCounts(translated);
  const problems: string[] = [];
  const figures: string[] = [];
  for (const [runtime, todos] of en) {
    const mine = zh.get(runtime);
    const total = (m?: Map<string, number>) => [...(m?.values() ?? [])].reduce((a, b) => a + b, 0);
    figures.push(`${name} ${runtime}: ${total(mine)} hints (English: ${total(todos)})`);
    if (!mine) {
      problems.push(`${name}: no "## ${runtime}" section`);
      continue;
    }
    for (const todo of new Set([...todos.keys(), ...mine.keys()])) {
      const [a, b] = [todos.get(todo) ?? 0, mine.get(todo) ?? 0];
      if (a !== b) problems.push(`${name} ${runtime}: ${b} hints for ${todo ? `TODO(${todo})` : "no TODO"}, the English has ${a}`);
    }
  }
  for (const runtime of zh.keys()) if (!en.has(runtime)) problems.push(`${name}: "## ${runtime}" is not in the English`);
  problems.push(...untranslatedIn(name, translated));
  return { problems, figures };
}

/** Untranslated English sentences in a translated Markdown file, by paragraph (a code span may wrap). */
function untranslatedIn(name: string, markdown: string): string[] {
  const problems: string[] = [];
  let fence: string | undefined;
  let paragraph: { line: number; text: string[] } | undefined;
  const flush = () => {
    const run = paragraph && untranslatedRun(paragraph.text.join("\n"));
    if (run && paragraph) problems.push(`${name}:${paragraph.line}: untranslated English "${short(run)}"`);
    paragraph = undefined;
  };
  markdown.split("\n").forEach((line, i) => {
    const f = line.match(/^\s*(```|~~~)/)?.[1];
    if (f && (!fence || f === fence)) {
      flush();
      fence = fence ? undefined : f;
      return;
    }
    if (fence) return;
    // A blank line, a heading or a new list item begins a paragraph of its own.
    if (!line.trim() || /^(#|\s*(\d+\.|[-*])\s)/.test(line)) flush();
    if (!line.trim()) return;
    paragraph ??= { line: i + 1, text: [] };
    paragraph.text.push(line);
  });
  flush();
  return problems;
}

// ---- keys the code asks for --------------------------------------------------------------------

/** `"lock:counter.lostUpdates"` string literals in source text whose namespace is a catalogue's. */
export function keysUsed(source: string, namespaces: ReadonlySet<string>): string[] {
  const plain = [...source.matchAll(/["'`]([a-z][\w-]*):([\w-]+(?:\.[\w-]+)*)["'`]/g)].filter((m) => namespaces.has(m[1]!)).map((m) => `${m[1]}:${m[2]}`);
  // A key built at run time (`lock:notWoken.${rt}`): each key it can become, where the code says —
  // a runtime variable is node, deno and bun; the quoted results of its ?: are its candidates;
  // otherwise at least the group before it must exist.
  const built = [...source.matchAll(/`([a-z][\w-]*):([\w.-]*)\$\{([^}`]+)\}([\w.-]*)`/g)]
    .filter((m) => namespaces.has(m[1]!))
    .flatMap(([, ns, head = "", expr = "", tail = ""]) => {
      const choices = /^\s*(rt|runtime)\s*$/.test(expr) ? ["node", "deno", "bun"] : [...expr.matchAll(/[?:]\s*"([\w-]+)"/g)].map((q) => q[1]!);
      if (choices.length) return [...new Set(choices)].map((c) => `${ns}:${head}${c}${tail}`);
      const group = head.replace(/\.$/, "");
      return group ? [`${ns}:${group}`] : [];
    });
  return [...plain, ...built];
}

/** Whether a catalogue (flattened) has a key, plain or as plural forms. */
export function hasKeyIn(flat: Record<string, string>, path: string): boolean {
  return path in flat || Object.keys(flat).some((k) => k.startsWith(`${path}_`) && PLURAL.test(k)) || Object.keys(flat).some((k) => k.startsWith(`${path}.`));
}
