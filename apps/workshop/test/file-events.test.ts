// Watch mode's file events: chokidar where events arrive; polling with --poll; and, where saves
// reach the disk but no event does (WSL on a Windows drive, network drives, container mounts),
// a switch to polling that grades the missed save. Waits are for the condition, with a deadline.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, test } from "vitest";
import { type FileEvents, watchFile } from "../src/watch/file-events.ts";
import { patience } from "./support/patience.ts";

let dir: string;
let file: string;
let events: FileEvents | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "workshop-events-"));
  file = join(dir, "starter.ts");
  writeFileSync(file, "v1");
});
afterEach(async () => {
  await events?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + patience(10_000);
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("--poll: a save is seen by looking at the file", async () => {
  let changes = 0;
  events = watchFile(file, () => changes++, { poll: true, pollMs: 30 });
  expect(events.polling).toBe(true);
  writeFileSync(file, "v2, longer");
  await until(() => changes === 1, "the polled change");
});

test("no file events at all: the save is still graded, polling takes over, and it says so once", async () => {
  let changes = 0;
  let fallbacks = 0;
  const silent = () => ({ close() {} }); // a mount that never sends an event
  events = watchFile(file, () => changes++, { source: silent, onFallback: () => fallbacks++, checkMs: 30, graceMs: 100, pollMs: 30 });
  expect(events.polling).toBe(false);
  writeFileSync(file, "v2, longer");
  await until(() => changes === 1, "the missed save");
  expect(events.polling).toBe(true);
  writeFileSync(file, "v3, longer still");
  await until(() => changes === 2, "the next save, polled");
  expect(fallbacks).toBe(1);
});

test("a watcher error (no inotify watches left…) falls back to polling at once", async () => {
  let fallbacks = 0;
  let fail: (err: Error) => void = () => {};
  const broken = (_: string, __: () => void, onError: (err: Error) => void) => {
    fail = onError;
    return { close() {} };
  };
  events = watchFile(file, () => {}, { source: broken, onFallback: () => fallbacks++ });
  fail(new Error("ENOSPC: System limit for number of file watchers reached"));
  expect(events.polling).toBe(true);
  expect(fallbacks).toBe(1);
});

test("where events arrive: a save is reported by its event, and polling never starts", async () => {
  let changes = 0;
  events = watchFile(file, () => changes++, { checkMs: 30, graceMs: patience(5_000) });
  await events.ready;
  writeFileSync(file, "v2, longer");
  await until(() => changes >= 1, "the event");
  await new Promise((r) => setTimeout(r, 300));
  expect(events.polling).toBe(false);
});
