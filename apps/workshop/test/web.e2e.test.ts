// The web view end to end, in a real browser (Debian's Chromium through playwright-core), on a copy
// of the repo: `npm start -- web 01-lock/deno` serves the page; the learner saves the failing
// starter and sees its verdicts and the picture of two processes holding the lock at once; reads
// the picture with the keyboard, as a table and as a saved SVG; takes a hint; saves the solution
// and sees the cell turn solved; opens the pipe chapter and sees its messages as arrows. Every
// wait is for something on the page, with deadlines that grow with the machine's load; nothing is
// fetched from anywhere but the workshop's own server. Screenshots are kept in .cache/web-e2e/.
// Last, without a browser: `w` in watch mode serves the same session's cell and follows it.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "@workshop/harness";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { processesUnder, startApp } from "./support/app-in-pty.ts";
import { ARTIFACTS, artifact, type Browser, CHROMIUM, launchBrowser, NO_CHROMIUM, startWebApp, type WebApp } from "./support/browser.ts";
import { patience } from "./support/patience.ts";
import { copyRepo } from "./support/repo-copy.ts";

if (!CHROMIUM) console.warn(`\n${NO_CHROMIUM}\n`);
// CI installs Chromium (.ci/run): there, its absence is a failure, never a quiet skip.
if (!CHROMIUM && process.env.CI)
  test("Chromium is installed (CI installs Debian's package in .ci/run)", () => {
    expect.fail(NO_CHROMIUM);
  });

describe.skipIf(!CHROMIUM)(`the web view in Chromium${CHROMIUM ? "" : ` — skipped: ${NO_CHROMIUM}`}`, () => {
  let copy: ReturnType<typeof copyRepo>;
  let app: WebApp;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const elsewhere: string[] = [];

  beforeAll(async () => {
    copy = copyRepo(REPO);
    app = startWebApp(copy.root, ["01-lock/deno"]);
    origin = (await app.url).replace(/\/$/, "");
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.setDefaultTimeout(patience(60_000));
    // Entirely offline: every request goes to the workshop's own server.
    page.on("request", (r) => {
      const url = r.url();
      if (!url.startsWith(origin) && !url.startsWith("data:") && !url.startsWith("blob:")) elsewhere.push(url);
    });
    console.log(`web view screenshots: ${ARTIFACTS}`);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    copy?.cleanup();
  });

  test("the lock: a saved failing starter's verdicts and the picture of two holders at once; a hint; the solution turns the cell solved", async () => {
    // Load time and size, printed for the record (never asserted: the machine may be busy).
    for (const visit of ["first load", "reload"]) {
      const loaded = performance.now();
      await (visit === "reload" ? page.reload() : page.goto(`${origin}/`));
      await page.waitForSelector("#cell-title");
      const timing = await page.evaluate(() => {
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
        const assets = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
        return { load: nav.loadEventEnd, dom: nav.domContentLoadedEventEnd, bytes: assets.reduce((n, a) => n + a.encodedBodySize, nav.encodedBodySize) };
      });
      console.log(
        `web view ${visit}: DOMContentLoaded ${Math.round(timing.dom)} ms, load ${Math.round(timing.load)} ms, the cell on screen after ${Math.round(performance.now() - loaded)} ms; page + script + stylesheet ${timing.bytes} bytes as sent (gzip)`,
      );
    }
    expect(await page.textContent("#cell-title")).toContain("01-lock/deno");
    // The lesson, with the Python beside the TypeScript, highlighted.
    await page.waitForSelector("#lesson pre code.language-python .hljs-keyword");
    expect(await page.locator("#lesson pre code.language-ts, #lesson pre code.language-typescript").count()).toBeGreaterThan(0);
    // The chapter list with progress.
    expect(await page.locator('nav .cell-link[aria-current="true"]').textContent()).toContain("deno");

    // The learner saves the starter (unchanged: still failing). A new grading starts for the save.
    await waitForGrading(page, "done", patience(120_000)); // the first grading, when the cell opened
    const firstGen = await page.evaluate(() => Number(document.querySelector<HTMLElement>("#status")?.dataset.gen ?? 0));
    const starter = join(copy.root, "workshops/01-lock/deno/starter.ts");
    writeFileSync(starter, `${readFileSync(starter, "utf8")}\n// saved\n`);
    await page.waitForFunction((g) => Number(document.querySelector<HTMLElement>("#status")?.dataset.gen ?? 0) > g, firstGen, { timeout: patience(30_000) });
    await waitForGrading(page, "done", patience(120_000));
    expect(await page.locator("#rows .row.status-fail").count()).toBeGreaterThan(0);
    expect(await page.textContent("#report")).toContain("What went wrong");

    // Its picture: one lane per process, holding drawn red where two held the lock at once.
    await page.waitForFunction((g) => Number(document.querySelector<HTMLElement>("#timeline")?.dataset.gen ?? -1) > g, firstGen, { timeout: patience(30_000) });
    const timeline = page.locator("#timeline");
    await timeline.locator("svg .hold.overlap").first().waitFor();
    expect(await timeline.locator(".tl-broke").textContent()).toContain("two holders at once");
    expect(await timeline.locator("svg .wait").count()).toBeGreaterThan(0);
    expect(await timeline.locator("svg .broke line").count()).toBeGreaterThan(0);
    await timeline.scrollIntoViewIfNeeded();
    await timeline.screenshot({ path: artifact("01-lock-deno-timeline.png") });

    // The keyboard reads it, event by event; the table says the same in words.
    await timeline.locator(".tl-figure").focus();
    await page.keyboard.press("ArrowRight");
    await page.waitForFunction(() => /^Selected: \+/.test(document.querySelector(".tl-details")?.textContent ?? ""));
    await page.keyboard.press("0"); // the whole run
    await timeline.locator(".tl-table summary").click();
    expect(await timeline.locator(".tl-table tbody tr").count()).toBeGreaterThan(0);
    expect(await timeline.locator(".tl-table tbody").textContent()).toContain("holding");

    // Saved as an SVG that stands on its own.
    const [download] = await Promise.all([page.waitForEvent("download"), timeline.locator("a[download]").click()]);
    const saved = readFileSync((await download.path())!, "utf8");
    expect(saved).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<style>[\s\S]*prefers-color-scheme:dark[\s\S]*<\/svg>$/);
    expect(download.suggestedFilename()).toMatch(/^01-lock-deno-.+\.svg$/);

    // A hint, one at a time, counted in the same progress as the terminal app's.
    await page.click("#next-hint");
    await page.waitForSelector("#hint-list .hint h3");
    expect(await page.textContent("#hint-list")).toMatch(/Hint 1 of \d+/);
    const progress = JSON.parse(readFileSync(join(copy.root, ".workshop/progress.json"), "utf8"));
    expect(progress.hintsSeen["01-lock/deno"]).toBe(1);

    // The solution diff waits for a yes.
    await page.click("#show-solution");
    await page.waitForSelector("dialog#spoiler[open]");
    await page.click("dialog#spoiler button[value=yes]");
    await page.waitForSelector("#solution-diff pre.diff .d-add");

    // The learner saves a correct lock: the cell turns solved, and the list says so.
    writeFileSync(starter, readFileSync(join(copy.root, "workshops/01-lock/deno/solution.ts"), "utf8"));
    await page.waitForFunction(() => document.querySelector("#status")?.classList.contains("solved"), undefined, { timeout: patience(180_000) });
    expect(await page.textContent("#status")).toContain("01-lock/deno is solved");
    await page.waitForSelector('nav .cell-link.status-solved[aria-current="true"]', { timeout: patience(30_000) });
    expect(await page.textContent("#progress")).toMatch(/1\/\d+ cells solved/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: artifact("01-lock-deno-solved.png") });
  });

  test("the pipe: messages drawn as arrows from lane to lane, the one that came where another was due marked", async () => {
    await page.click('nav .cell-link[aria-label^="02-pipe/deno"]');
    await page.waitForFunction(() => document.querySelector("#cell-title")?.textContent?.includes("02-pipe/deno"));
    const timeline = page.locator("#timeline");
    await timeline
      .locator("svg path.msg")
      .first()
      .waitFor({ timeout: patience(120_000) });
    expect(await timeline.locator("svg path.msg").count()).toBeGreaterThan(1);
    await timeline.scrollIntoViewIfNeeded();
    await timeline.screenshot({ path: artifact("02-pipe-deno-timeline.png") });
    await page.emulateMedia({ colorScheme: "dark" });
    await timeline.screenshot({ path: artifact("02-pipe-deno-timeline-dark.png") });
    await page.emulateMedia({ colorScheme: "light" });
    // The seed's example, picked by hand: one message, from the sender's lane to the receiver's.
    await page.locator("#rows .row", { hasText: "the seed's example" }).locator("button.show-timeline").click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>("#timeline")?.dataset.scenario === "hello");
    await timeline.locator("svg path.msg").first().waitFor();
    await timeline.screenshot({ path: artifact("02-pipe-deno-hello-timeline.png") });
    expect(elsewhere).toEqual([]);
  });

  test("stopped (as Ctrl-C or a closed terminal stops it), it leaves no process behind", async () => {
    const code = await app.stop();
    expect([0, 128, 128 + 2, 128 + 15]).toContain(code);
    await expect.poll(() => processesUnder(copy.root), { timeout: patience(20_000) }).toEqual([]);
  });
});

/** Until the status says the grading reached `phase` ("done": every verdict and the type check). */
async function waitForGrading(page: Page, phase: string, timeout: number): Promise<void> {
  await page.waitForFunction((p) => document.querySelector<HTMLElement>("#status")?.dataset.phase === p, phase, { timeout });
}

test("`w` in watch mode: the web view on the terminal's session — the same cell, and it follows when the terminal moves on", async () => {
  const copy = copyRepo(REPO);
  mkdirSync(join(copy.root, ".workshop"), { recursive: true });
  writeFileSync(join(copy.root, ".workshop/progress.json"), JSON.stringify({ version: 1, track: "deno", solved: {}, hintsSeen: {} }));
  const app = startApp(copy.root, { args: ["01-lock/deno"], env: { NO_COLOR: "1", BROWSER: "none" }, rows: 60 });
  try {
    await app.waitFor(/\d+\/\d+ scenarios pass/, patience(60_000));
    app.press("w");
    await app.waitFor(/The web view is at http:\/\/127\.0\.0\.1:\d+\//, patience(30_000), "transcript");
    const url = app.transcript().match(/The web view is at (http:\/\/127\.0\.0\.1:\d+\/)/)![1]!;
    const state = async () => ((await (await fetch(new URL("/api/state", url))).json()) as { current: string }).current;
    expect(await state()).toBe("01-lock/deno");
    app.press("n"); // the terminal moves on: the page's cell follows
    await expect.poll(state, { timeout: patience(30_000) }).toBe("02-pipe/deno");
    app.press("q");
    expect(await Promise.race([app.exited, new Promise((r) => setTimeout(() => r("still running"), patience(20_000)))])).toBe(0);
    await expect.poll(() => processesUnder(copy.root), { timeout: patience(20_000) }).toEqual([]);
  } finally {
    await app.kill();
    copy.cleanup();
  }
});
