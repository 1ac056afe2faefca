// The translator: one i18next instance, initialised synchronously, with the catalogues someone adds
// (index.ts reads every one from locales/ in Node; the web page gets its own from the server).
// Nothing here touches Node: the web page's script bundles this file as it is.
import i18next, { type i18n } from "i18next";
import { isMessage, type Message } from "./message.ts";

export { decodeMessage, encodeMessage, isKey, isMessage, type Message, msg } from "./message.ts";

export const LANGUAGES = ["en", "zh-CN"] as const;
export type Lang = (typeof LANGUAGES)[number];
/** The source language: every key exists in it first, and any other falls back to it. */
export const SOURCE: Lang = "en";
/** Each language by its own name, the same in every language (for a switch between them). */
export const LANGUAGE_NAMES: Record<Lang, string> = { en: "English", "zh-CN": "简体中文" };

const instance: i18n = i18next.createInstance();
void instance.init({
  lng: SOURCE,
  fallbackLng: SOURCE,
  supportedLngs: [...LANGUAGES],
  resources: {},
  ns: [],
  defaultNS: false,
  nsSeparator: ":",
  keySeparator: ".",
  initAsync: false,
  returnEmptyString: false,
  returnNull: false,
  interpolation: { escapeValue: false },
});

/** Add (or replace) one namespace's catalogue for one language. */
export function addCatalogue(lang: Lang, namespace: string, catalogue: Record<string, unknown>): void {
  instance.addResourceBundle(lang, namespace, catalogue, true, true);
}

/** One namespace's catalogue in one language, as loaded (for a page that translates in the browser). */
export function getCatalogue(lang: Lang, namespace: string): Record<string, unknown> | undefined {
  return instance.getResourceBundle(lang, namespace) as Record<string, unknown> | undefined;
}

/** "zh", "zh-CN", "zh_CN.UTF-8", "ZH-hans" → zh-CN; "en", "en_GB.UTF-8" → en; anything else: undefined. */
export function normaliseLang(value: string | undefined): Lang | undefined {
  const v = value?.trim().toLowerCase();
  if (!v) return undefined;
  if (v === "zh" || /^zh[-_.@]/.test(v)) return "zh-CN";
  if (v === "en" || /^en[-_.@]/.test(v)) return "en";
  return undefined;
}

/** `--lang X` or `--lang=X` in argv: its value (as written), and argv without it. */
export function langArg(argv: readonly string[]): { value?: string; rest: string[] } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--lang") {
      value = argv[i + 1] ?? "";
      i++;
    } else if (a.startsWith("--lang=")) value = a.slice("--lang=".length);
    else rest.push(a);
  }
  return value === undefined ? { rest } : { value, rest };
}

/**
 * The language to speak: `--lang zh-CN|en`, else WORKSHOP_LANG, else the locale — the first of
 * LC_ALL, LC_MESSAGES, LANG that is set decides, as POSIX says (a value starting with "zh" means
 * zh-CN) — else English. A `--lang` or WORKSHOP_LANG naming no language we have is passed over.
 */
export function detectLanguage({ argv = [], env = {} }: { argv?: readonly string[]; env?: Record<string, string | undefined> } = {}): Lang {
  const flag = normaliseLang(langArg(argv).value);
  if (flag) return flag;
  const chosen = normaliseLang(env.WORKSHOP_LANG);
  if (chosen) return chosen;
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v?.trim());
  return locale?.trim().toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

export function setLanguage(lang: Lang): void {
  void instance.changeLanguage(lang);
}

export function language(): Lang {
  return normaliseLang(instance.language) ?? SOURCE;
}

/** A catalogue sentence with its named params (`count` chooses the plural form), in `lang` or the current language. */
export function t(key: string, params?: Record<string, unknown>, lang?: Lang): string {
  const lng = lang ?? language();
  const text = instance.t(key, { ...params, lng }) as string;
  return lng === "zh-CN" ? spaced(text) : text;
}

const HAN = "\\u3400-\\u4DBF\\u4E00-\\u9FFF\\uF900-\\uFAFF";
const AROUND_LATIN = [new RegExp(`([${HAN}])([A-Za-z0-9(\\[])`, "g"), new RegExp(`([A-Za-z0-9)\\]])([${HAN}])`, "g")];
const FULLWIDTH = "，。、：；！？（）「」『』“”【】《》";
const BESIDE_PUNCTUATION = [new RegExp(`([${FULLWIDTH}]) +(?=\\S)`, "g"), new RegExp(`(?<=\\S) +([${FULLWIDTH}])`, "g")];

/**
 * Chinese as it is typeset (docs/glossary.md): a space between Chinese and Latin letters or digits
 * ("4 个进程", "w1 和 w2" — a param may bring either), none beside full-width punctuation
 * ("（位于 …）", not "（ 位于"). Only sentences from the catalogues: code a param carries keeps its own.
 */
function spaced(text: string): string {
  let out = text;
  for (const re of AROUND_LATIN) out = out.replace(re, "$1 $2");
  out = out.replace(BESIDE_PUNCTUATION[0]!, "$1").replace(BESIDE_PUNCTUATION[1]!, "$1");
  return out;
}

/** Whether `key` exists in `lang` (fallback to English not counted). */
export function hasKey(key: string, lang: Lang = SOURCE): boolean {
  return [key, `${key}_other`].some((k) => instance.exists(k, { lng: lang, fallbackLng: false }));
}

/** A list of sentences, as the catalogue has it (an array of strings). */
export function tList(key: string, lang?: Lang): string[] {
  const value = instance.t(key, { lng: lang ?? language(), returnObjects: true }) as unknown;
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

/**
 * A message in words: its params first — a param that is a message is rendered (recursively, in the
 * same language); an array of messages becomes their lines — then the sentence. A key no catalogue
 * has comes back as the message's text (key and params), so nothing a scenario said is lost.
 */
export function render(message: Message | string, lang?: Lang): string {
  if (typeof message === "string") return message;
  const lng = lang ?? language();
  if (![message.key, `${message.key}_other`].some((k) => instance.exists(k, { lng })))
    return message.params ? `${message.key} ${JSON.stringify(message.params)}` : message.key;
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(message.params ?? {})) params[name] = renderParam(value, lng);
  return t(message.key, params, lng);
}

function renderParam(value: unknown, lang: Lang): unknown {
  if (isMessage(value)) return render(value, lang);
  if (Array.isArray(value) && value.length > 0 && value.every(isMessage)) return value.map((m) => render(m, lang)).join("\n");
  return value;
}
