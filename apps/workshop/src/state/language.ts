// The app's language: `--lang` (remembered in progress, as `npm start -- lang` and the web view's
// switch remember it), else the remembered choice, else WORKSHOP_LANG, else the locale, else
// English. A choice made in the app outlasts the environment's default; `--lang` outranks both.
import { detectLanguage, type Lang, language, setLanguage } from "@workshop/i18n";
import { readProgress, updateProgress } from "./progress.ts";

/** Speak the learner's language from now on; an explicit choice is remembered. */
export async function chooseLanguage(stateDir: string, explicit: Lang | undefined, env: Record<string, string | undefined> = process.env): Promise<Lang> {
  if (explicit) {
    await rememberLanguage(stateDir, explicit);
    return explicit;
  }
  setLanguage(readProgress(stateDir).lang ?? detectLanguage({ env }));
  return language();
}

/** Change the language and remember it (what `npm start -- lang zh-CN` and the web view's switch do). */
export async function rememberLanguage(stateDir: string, lang: Lang): Promise<void> {
  setLanguage(lang);
  await updateProgress(stateDir, (p) => {
    p.lang = lang;
  });
}
