// A first session, end to end, in a real pseudo-terminal on a copy of the repo: start, pick the
// Deno track, see the failing starter, ask for a hint, save a correct solution into the starter's
// place, see the cell turn green and the progress bar move, reset it (backed up), quit — and no
// process is left behind. The one real-terminal proof: every wait is for something on the screen,
// with a deadline that grows with how busy the machine is (support/patience.ts) — never a timing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, STATUS } from "@workshop/harness";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type AppInPty, processesUnder, startApp } from "./support/app-in-pty.ts";
import { patience } from "./support/patience.ts";
import { copyRepo } from "./support/repo-copy.ts";

/** A scenario's line, whatever its status: "  ✓ ", "  ⧗ "… */
const ANY_MARK = new RegExp(
  `^ {2}[${Object.values(STATUS)
    .map((s) => s.mark)
    .join("")}] `,
  "m",
);
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

test("a first session: track, verdict, hint, save → green, reset, quit", async () => {
  const starter = join(copy.root, "workshops/01-lock/deno/starter.ts");
  const solution = readFileSync(join(copy.root, "workshops/01-lock/deno/solution.ts"), "utf8");
  app = startApp(copy.root, { env: { NO_COLOR: "1" } });

  await app.waitFor("Which runtime track?", patience(15_000));
  app.press(DOWN + ENTER); // node → deno
  await app.waitFor(/\d+\/\d+ scenarios pass/, patience(30_000)); // the untouched starter, graded (it may pass one by accident)
  expect(app.transcript()).toContain("Edit workshops/01-lock/deno/starter.ts");
  expect(app.transcript()).toMatch(/0\/\d+ cells solved/);
  await app.waitFor("What went wrong"); // written just after the summary line

  app.press("h");
  await app.waitFor("Hint 1 of");
  app.press("H"); // every hint seen so far, and how many remain
  await app.waitFor(/1 of \d+ seen; \d+ more/);

  writeFileSync(starter, solution); // the learner saves a correct lock
  const saveToVerdict = await app.waitFor("01-lock/deno is solved", patience(30_000));
  await app.waitFor(/█+░* 1\/\d+ cells solved/); // the progress bar moved
  console.log(`save → verdict (01-lock/deno): ${Math.round(saveToVerdict)} ms`);

  app.press("r");
  await app.waitFor("Reset workshops/01-lock/deno/starter.ts");
  app.press(LEFT + ENTER); // "Yes"
  await app.waitFor(/Your previous file is saved at (\S+)/, patience(10_000), "transcript");
  const backup = app.transcript().match(/Your previous file is saved at (\S+)/)![1]!;
  expect(readFileSync(join(copy.root, backup), "utf8")).toBe(solution);
  expect(readFileSync(starter, "utf8")).toContain("TODO");
  // The reset starter is graded again (quitting mid-grade is fine: it is killed): the new screen's
  // header already shows the cell unsolved.
  await app.waitFor((screen) => /0\/\d+ cells solved/.test(screen) && screen.includes("grading…") && !screen.includes("is solved"), patience(30_000));

  app.press("q");
  await app.waitFor("Bye");
  expect(await Promise.race([app.exited, new Promise((r) => setTimeout(() => r("still running"), patience(20_000)))])).toBe(0);
  const progress = JSON.parse(readFileSync(join(copy.root, ".workshop/progress.json"), "utf8"));
  expect(progress).toMatchObject({ track: "deno", hintsSeen: { "01-lock/deno": 1 } });
  expect(progress.solved["01-lock/deno"]).toBeUndefined();
  expect(existsSync(join(REPO, ".workshop/progress.json")) && readFileSync(join(REPO, ".workshop/progress.json"), "utf8").includes(copy.root)).toBe(false);
  await expect.poll(() => processesUnder(copy.root), { timeout: patience(20_000) }).toEqual([]);
});

test("Ctrl-C during a grading in a 60-column terminal: the run is killed, the app exits, nothing is left", async () => {
  mkdirSync(join(copy.root, ".workshop"), { recursive: true });
  writeFileSync(join(copy.root, ".workshop/progress.json"), JSON.stringify({ version: 1, track: "node", solved: {}, hintsSeen: {} }));
  const narrow = startApp(copy.root, { cols: 60 });
  try {
    await narrow.waitFor(ANY_MARK, patience(30_000)); // a scenario finished: the others are running now
    expect(narrow.transcript()).toContain("01-lock/node · ");
    expect(narrow.transcript()).not.toContain("Which runtime track?"); // remembered: not asked again
    narrow.press("\x03");
    expect(await Promise.race([narrow.exited, new Promise((r) => setTimeout(() => r("still running"), patience(20_000)))])).toBe(130);
    await expect.poll(() => processesUnder(copy.root), { timeout: patience(20_000) }).toEqual([]);
  } finally {
    await narrow.kill();
  }
});

test("`npm start -- <cell> --poll`: opens that cell; leaving it mid-grade says the grade was cancelled; a save is seen by polling", async () => {
  mkdirSync(join(copy.root, ".workshop"), { recursive: true });
  writeFileSync(join(copy.root, ".workshop/progress.json"), JSON.stringify({ version: 1, track: "node", solved: {}, hintsSeen: {} }));
  // A starter that never finishes loading: its grading takes seconds, so `n` surely comes mid-grade.
  writeFileSync(join(copy.root, "workshops/01-lock/bun/starter.ts"), "await new Promise(() => {});\nexport {};\n");
  const chosen = startApp(copy.root, { args: ["01-lock/bun", "--poll"], env: { NO_COLOR: "1" } });
  try {
    await chosen.waitFor(/^01-lock\/bun · [\s\S]*grading…/m, patience(30_000));
    expect(chosen.screen()).toContain("Checking the file for changes every 0.3 s (--poll).");
    chosen.press("n");
    await chosen.waitFor("The grading of 01-lock/bun was cancelled", patience(30_000));
    expect(chosen.screen()).toMatch(/^02-pipe\/node · /m);
    // The keys' help goes on the screen; a save seen by polling re-grades, which clears the screen.
    chosen.press("?");
    await chosen.waitFor("q  quit (Ctrl-C works too)");
    const starter = join(copy.root, "workshops/02-pipe/node/starter.ts");
    writeFileSync(starter, `${readFileSync(starter, "utf8")}\n// a save\n`);
    await chosen.waitFor((screen) => !screen.includes("q  quit (Ctrl-C works too)") && /^02-pipe\/node · /m.test(screen), patience(20_000));
    chosen.press("q");
    expect(await Promise.race([chosen.exited, new Promise((r) => setTimeout(() => r("still running"), patience(20_000)))])).toBe(0);
    await expect.poll(() => processesUnder(copy.root), { timeout: patience(20_000) }).toEqual([]);
  } finally {
    await chosen.kill();
  }
});
