// Numbers for the report, opt-in (WORKSHOP_MEASURE=1 npm test -w apps/workshop):
// save → verdict per lock cell in watch mode, and how long `npm start` takes to show something.
// Asserts nothing tight — timing on a shared 2-core box is not a test — it prints the figures.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "@workshop/harness";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AppInPty, startApp } from "./support/app-in-pty.ts";
import { copyRepo } from "./support/repo-copy.ts";

const on = Boolean(process.env.WORKSHOP_MEASURE);
let copy: ReturnType<typeof copyRepo>;
let app: AppInPty | undefined;
beforeAll(() => {
  if (on) copy = copyRepo(REPO);
});
afterAll(async () => {
  await app?.kill();
  copy?.cleanup();
});

test.runIf(on)("save → verdict for each lock cell, and startup", { timeout: 180_000 }, async () => {
  const figures: string[] = [];
  const started = performance.now();
  const npm = spawnSync("npm", ["start", "-s"], { cwd: copy.root, env: { ...process.env, CI: "true" }, encoding: "utf8" });
  expect(npm.status).toBe(0);
  figures.push(`npm start without a terminal (list, exit): ${Math.round(performance.now() - started)} ms`);

  app = startApp(copy.root, { env: { NO_COLOR: "1" } });
  figures.push(`tsx main.ts in a pty → track question on screen: ${Math.round(await app.waitFor("Which runtime track?", 20_000))} ms`);
  await app.kill();

  mkdirSync(join(copy.root, ".workshop"), { recursive: true });
  writeFileSync(join(copy.root, ".workshop/progress.json"), JSON.stringify({ version: 1, track: "all", solved: {}, hintsSeen: {} }));
  app = startApp(copy.root, { env: { NO_COLOR: "1" } });
  figures.push(`… with a saved track → first verdict complete: ${Math.round(await app.waitFor(/\d+\/\d+ scenarios pass/, 30_000))} ms`);
  for (const rt of ["node", "deno", "bun"]) {
    const id = `01-lock/${rt}`;
    await app.waitFor(new RegExp(`${id} · [^]*\\d+/\\d+ scenarios pass`), 30_000, "transcript");
    await app.waitFor(/\d+\/\d+ scenarios pass/, 30_000);
    const dir = join(copy.root, "workshops/01-lock", rt);
    const savedAt = performance.now();
    writeFileSync(join(dir, "starter.ts"), readFileSync(join(dir, "solution.ts")));
    await app.waitFor((screen) => !screen.includes("scenarios pass"), 5_000); // the save cleared the screen
    await app.waitFor(/^ {2}[✓✗⧗↻⋯↯⇥▲!–] /m, 30_000); // the first scenario's verdict
    const first = performance.now() - savedAt;
    await app.waitFor(`${id} is solved`, 30_000);
    figures.push(`save → verdict ${id}: first scenario ${Math.round(first)} ms, every scenario ${Math.round(performance.now() - savedAt)} ms`);
    app.press("n");
  }
  console.log(figures.join("\n"));
});
