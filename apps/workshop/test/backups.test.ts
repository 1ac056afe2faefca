import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { backup, backupsOf, replaceStarter } from "../src/state/backups.ts";

let dir: string;
let starter: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "workshop-backups-"));
  starter = join(dir, "starter.ts");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("a backup is a timestamped copy under backups/<chapter>/<runtime>/", () => {
  writeFileSync(starter, "my work");
  const saved = backup(join(dir, "state"), "01-lock/deno", starter, new Date("2025-01-02T03:04:05.678Z"));
  expect(saved).toBe(join(dir, "state", "backups", "01-lock", "deno", "2025-01-02T03-04-05-678Z-starter.ts"));
  expect(readFileSync(saved!, "utf8")).toBe("my work");
});

test("two backups in the same millisecond both survive", () => {
  const at = new Date("2025-01-02T03:04:05.678Z");
  writeFileSync(starter, "one");
  const first = backup(dir, "01-lock/deno", starter, at);
  writeFileSync(starter, "two");
  const second = backup(dir, "01-lock/deno", starter, at);
  expect(first).not.toBe(second);
  expect([readFileSync(first!, "utf8"), readFileSync(second!, "utf8")]).toEqual(["one", "two"]);
});

test("replacing a starter backs up the learner's file first", () => {
  writeFileSync(starter, "my work");
  const saved = replaceStarter(dir, "01-lock/node", starter, "pristine");
  expect(readFileSync(starter, "utf8")).toBe("pristine");
  expect(readFileSync(saved!, "utf8")).toBe("my work");
  expect(backupsOf(dir, "01-lock/node")).toEqual([saved]);
});

test("no file, no backup (and no error)", () => {
  expect(backup(dir, "01-lock/bun", join(dir, "missing.ts"))).toBeUndefined();
  expect(existsSync(join(dir, "backups"))).toBe(false);
});
