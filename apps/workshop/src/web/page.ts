// The page itself: a skeleton of landmarks that the script (client/main.ts) fills in. Everything it
// loads comes from this server; the token lets the script make changes (server.ts checks it). It is
// in the app's language, and carries the web view's catalogue for the script (client/i18n.ts).

import { getCatalogue, LANGUAGE_NAMES, LANGUAGES, language, SOURCE } from "@workshop/i18n";
import { web } from "./strings.ts";
import { esc } from "./timeline/svg.ts";

/** The web catalogue in the page's language and in English (its fallback), as JSON safe inside a <script>. */
function pageStrings(): string {
  const catalogues = Object.fromEntries([...new Set([SOURCE, language()])].map((lang) => [lang, { web: getCatalogue(lang, "web") ?? {} }]));
  return JSON.stringify({ lang: language(), catalogues }).replace(/</g, "\\u003c");
}

/** A switch between the languages: each is named in its own language; choosing one reloads the page. */
function languageSwitch(): string {
  const options = LANGUAGES.map((lang) => `<option value="${lang}"${lang === language() ? " selected" : ""}>${esc(LANGUAGE_NAMES[lang])}</option>`);
  return `<select id="language" class="language" aria-label="${esc(web.language)}">${options.join("")}</select>`;
}

export function page(token: string): string {
  return `<!doctype html>
<html lang="${language()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="workshop-token" content="${esc(token)}">
<title>${esc(web.title)}</title>
<script type="application/json" id="workshop-i18n">${pageStrings()}</script>
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<a class="skip" href="#cell">${esc(web.skip)}</a>
<header class="top">
  <span class="brand">${esc(web.title)}</span>
  <span id="where" class="where"></span>
  <span id="progress" class="progress" role="status"></span>
  <span id="connection" class="connection" role="status" aria-live="polite">${esc(web.connecting)}</span>
  ${languageSwitch()}
</header>
<div class="layout">
  <nav id="chapters" class="chapters" aria-label="${esc(web.chapters)}"></nav>
  <main id="cell" class="cell" tabindex="-1" aria-labelledby="cell-title"></main>
  <aside id="lesson" class="lesson" aria-label="${esc(web.lesson)}"></aside>
</div>
</body>
</html>
`;
}
