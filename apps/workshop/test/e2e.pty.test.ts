// A first session, end to end, in a real pseudo-terminal on a copy of the repo: start, pick the
// Deno track, see the failing starter, ask for a hint, save a correct solution into the starter's
// place, see the cell turn green and the progress bar move, reset it (backed up), quit — and no
// process is left behind.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "@workshop/harness";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AppInPty, processesUnder, startApp } from "./support/app-in-pty.ts";
import { copyRepo } from "./support/repo-copy.ts";

const DOWN = "\x1b[B";
const LEFT = "\x1b[D";
const ENTER = "\r";
let copy: ReturnType<typeof copyRepo>;
let app: AppInPty | undefined;

beforeAll(() => {
  copy = copyRepo(REPO);
});
afterAll(async () => {
  await app?.kill();
  copy?.cleanup();
});

test("a first session: track, verdict, hint, save → green, reset, quit", { timeout: 90_000 }, async () => {
  const starter = join(copy.root, "workshops/01-lock/deno/starter.ts");
  const solution = readFileSync(join(copy.root, "workshops/01-lock/deno/solution.ts"), "utf8");
  app = startApp(copy.root, { env: { NO_COLOR: "1" } });

  await app.waitFor("Which runtime track?", 15_000);
  app.press(DOWN + ENTER); // node → deno
  await app.waitFor(/0\/\d+ scenarios pass/, 30_000);
  expect(app.transcript()).toContain("Edit workshops/01-lock/deno/starter.ts");
  expect(app.transcript()).toMatch(/0\/\d+ cells solved/);
  await app.waitFor("What went wrong"); // written just after the summary line

  app.press("h");
  await app.waitFor("Hint 1 of");
  app.press("H"); // every hint seen so far, and how many remain
  await app.waitFor(/1 of \d+ seen; \d+ more/);

  writeFileSync(starter, solution); // the learner saves a correct lock
  const saveToVerdict = await app.waitFor("01-lock/deno is solved", 30_000);
  await app.waitFor(/█+░* 1\/\d+ cells solved/); // the progress bar moved
  console.log(`save → verdict (01-lock/deno): ${Math.round(saveToVerdict)} ms`);

  app.press("r");
  await app.waitFor("Reset workshops/01-lock/deno/starter.ts");
  app.press(LEFT + ENTER); // "Yes"
  await app.waitFor(/Your previous file is saved at (\S+)/, 10_000, "transcript");
  const backup = app.transcript().match(/Your previous file is saved at (\S+)/)![1]!;
  expect(readFileSync(join(copy.root, backup), "utf8")).toBe(solution);
  expect(readFileSync(starter, "utf8")).toContain("TODO");
  await app.waitFor(/0\/\d+ scenarios pass/, 30_000); // the reset starter is graded again
  await app.waitFor(/0\/\d+ cells solved/);

  app.press("q");
  await app.waitFor("Bye");
  expect(await Promise.race([app.exited, new Promise((r) => setTimeout(() => r("still running"), 10_000))])).toBe(0);
  const progress = JSON.parse(readFileSync(join(copy.root, ".workshop/progress.json"), "utf8"));
  expect(progress).toMatchObject({ track: "deno", hintsSeen: { "01-lock/deno": 1 } });
  expect(progress.solved["01-lock/deno"]).toBeUndefined();
  expect(existsSync(join(REPO, ".workshop/progress.json")) && readFileSync(join(REPO, ".workshop/progress.json"), "utf8").includes(copy.root)).toBe(false);
  await expect.poll(() => processesUnder(copy.root), { timeout: 10_000 }).toEqual([]);
});

test("Ctrl-C during a grading in a 60-column terminal: the run is killed, the app exits, nothing is left", { timeout: 60_000 }, async () => {
  mkdirSync(join(copy.root, ".workshop"), { recursive: true });
  writeFileSync(join(copy.root, ".workshop/progress.json"), JSON.stringify({ version: 1, track: "node", solved: {}, hintsSeen: {} }));
  const narrow = startApp(copy.root, { cols: 60 });
  try {
    await narrow.waitFor(/[✗✓] /, 30_000); // a scenario finished: the others are running now
    expect(narrow.transcript()).toContain("01-lock/node · ");
    expect(narrow.transcript()).not.toContain("Which runtime track?"); // remembered: not asked again
    narrow.press("\x03");
    expect(await Promise.race([narrow.exited, new Promise((r) => setTimeout(() => r("still running"), 10_000))])).toBe(130);
    await expect.poll(() => processesUnder(copy.root), { timeout: 10_000 }).toEqual([]);
  } finally {
    await narrow.kill();
  }
});
