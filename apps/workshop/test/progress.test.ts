import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { markSolved, markUnsolved, progressFile, readProgress, statusOf, updateProgress } from "../src/state/progress.ts";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "workshop-progress-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("progress", () => {
  test("a missing file is an empty progress, not an error", () => {
    expect(readProgress(dir)).toEqual({ version: 1, solved: {}, hintsSeen: {} });
  });

  test("a broken file is set aside and rebuilt", async () => {
    writeFileSync(progressFile(dir), "{ not json");
    let setAside = "";
    const p = await updateProgress(
      dir,
      (p) => void (p.track = "deno"),
      (path) => (setAside = path),
    );
    expect(p.track).toBe("deno");
    expect(existsSync(setAside)).toBe(true);
    expect(readFileSync(setAside, "utf8")).toBe("{ not json");
    expect(JSON.parse(readFileSync(progressFile(dir), "utf8")).track).toBe("deno");
  });

  test("ill-formed entries are dropped, the rest kept", () => {
    writeFileSync(progressFile(dir), JSON.stringify({ track: "cobol", solved: { a: { at: "t", sha1: "x" }, b: 3 }, hintsSeen: { a: 2, b: "many" } }));
    expect(readProgress(dir)).toEqual({ version: 1, solved: { a: { at: "t", sha1: "x" } }, hintsSeen: { a: 2 } });
  });

  test("solved is tied to the file that passed: a changed file is 'changed', not 'solved'", async () => {
    await updateProgress(dir, (p) => markSolved(p, "01-lock/deno", "good code"));
    const p = readProgress(dir);
    expect(statusOf(p, "01-lock/deno", "good code")).toBe("solved");
    expect(statusOf(p, "01-lock/deno", "good code, edited")).toBe("changed");
    expect(statusOf(p, "01-lock/bun", "anything")).toBe("todo");
    await updateProgress(dir, (p) => markUnsolved(p, "01-lock/deno"));
    expect(statusOf(readProgress(dir), "01-lock/deno", "good code")).toBe("todo");
  });

  test("writes are atomic: no temp or lock file is left behind", async () => {
    await updateProgress(dir, (p) => void (p.hintsSeen.x = 1));
    expect(readdirSync(dir)).toEqual(["progress.json"]);
  });

  test("concurrent writers in one process merge", async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => updateProgress(dir, (p) => void (p.hintsSeen[`c${i}`] = i + 1))));
    expect(Object.keys(readProgress(dir).hintsSeen)).toHaveLength(20);
  });

  test("two app instances (real processes) writing at once lose nothing", async () => {
    const bump = join(import.meta.dirname, "support", "bump-progress.ts");
    const tsx = join(import.meta.dirname, "..", "..", "..", "node_modules", ".bin", "tsx");
    const run = (prefix: string) => new Promise<number | null>((resolve) => spawn(tsx, [bump, dir, prefix, "25"], { stdio: "inherit" }).on("close", resolve));
    expect(await Promise.all([run("a"), run("b")])).toEqual([0, 0]);
    const seen = readProgress(dir).hintsSeen;
    expect(Object.keys(seen).filter((k) => k.startsWith("a"))).toHaveLength(25);
    expect(Object.keys(seen).filter((k) => k.startsWith("b"))).toHaveLength(25);
  });
});
