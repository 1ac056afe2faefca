// The page itself: a skeleton of landmarks that the script (client/main.ts) fills in. Everything it
// loads comes from this server; the token lets the script make changes (server.ts checks it).

import { web } from "./strings.ts";
import { esc } from "./timeline/svg.ts";

export function page(token: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="workshop-token" content="${esc(token)}">
<title>${esc(web.title)}</title>
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
