// The page speaks the app's language: the server hands it the web view's catalogue (in the page,
// as JSON) and this module loads it before any other part of the script says a word — so it is
// the first import of main.ts.
import { addCatalogue, type Lang, normaliseLang, setLanguage } from "@workshop/i18n";

interface PageStrings {
  lang: string;
  catalogues: Record<string, Record<string, Record<string, unknown>>>;
}

const element = document.getElementById("workshop-i18n");
const given = JSON.parse(element?.textContent || "{}") as Partial<PageStrings>;
for (const [lang, namespaces] of Object.entries(given.catalogues ?? {})) {
  const known = normaliseLang(lang);
  if (known) for (const [ns, catalogue] of Object.entries(namespaces)) addCatalogue(known, ns, catalogue);
}
setLanguage(normaliseLang(given.lang) ?? ("en" as Lang));
