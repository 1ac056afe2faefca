// The small print of the report (the harness's, as the app shows it), the wrap and the diff. The
// checks strip escapes, so they hold with colour on or off.
import { stripVTControlCharacters as plain } from "node:util";
import { STATUS, scenarioLine, type Verdict, type WorkerReport, waitingText, workerLine, wrap } from "@workshop/harness";
import { expect, test } from "vitest";
import { renderDiff } from "../src/ui/diff.ts";

const worker = (w: Partial<WorkerReport>): WorkerReport => ({ id: "w1", name: "w1", exitCode: 0, last: [], ...w });

test("a cut tail of calls starts with an ellipsis; a whole one does not", () => {
  const cut = plain(workerLine(worker({ last: ["acquire → ok", "release → ok", "acquire → ok", "release → ok"] })));
  expect(cut).toContain("… release → ok, acquire → ok, release → ok");
  const whole = plain(workerLine(worker({ last: ["acquire → ok", "release → ok"] })));
  expect(whole).toContain("exit 0 · acquire → ok, release → ok");
  expect(whole).not.toContain("…");
});

test("a worker killed while waiting says what it was waiting in, first (both harness formats)", () => {
  expect(waitingText("acquire, waiting since 9.8 s")).toBe("waiting in acquire for 9.8 s");
  expect(waitingText("acquire (for 1.2 s)")).toBe("waiting in acquire for 1.2 s");
  expect(waitingText("something else")).toBe("waiting in something else");
  const killed = plain(workerLine(worker({ exitCode: -9, waiting: "acquire, waiting since 9.8 s", last: ["acquire"] })));
  expect(killed).toBe("    w1 · waiting in acquire for 9.8 s · exit -9 · acquire");
  const running = plain(workerLine(worker({ exitCode: null, waiting: "acquire (for 1.2 s)" })));
  expect(running).toBe("    w1 · waiting in acquire for 1.2 s · —");
});

test("wrap never breaks inside a duration", () => {
  const text = "the second process got the lock only after its holder exited (2 249 ms) and then waited 2000 ms more";
  for (let columns = 20; columns <= 60; columns++) {
    const lines = wrap(text, columns);
    expect(lines.join(" "), String(columns)).toBe(text);
    expect(
      lines.some((l) => l.includes("(2 249 ms)")),
      String(columns),
    ).toBe(true);
    expect(
      lines.some((l) => l.includes("2000 ms")),
      String(columns),
    ).toBe(true);
  }
});

test("wrap ends, and keeps to the width, when a line's own indent is as wide as the terminal (a caret under a long source line)", () => {
  expect(wrap(`${" ".repeat(100)}^`, 80, "  ")).toHaveLength(1);
  const caret = `${" ".repeat(130)}^^^^`;
  const source = `    at ${"x".repeat(150)} (file.ts:12:3)`;
  for (let columns = 20; columns <= 130; columns++) {
    for (const indent of ["", "  ", "    "]) {
      for (const text of [caret, source, `${caret}\n${source}`, " ".repeat(columns), `${"\t".repeat(40)}x`]) {
        const lines = wrap(text, columns, indent);
        for (const l of lines) expect(l.length, `${columns} ${JSON.stringify(l)}`).toBeLessThanOrEqual(Math.max(columns, indent.length + 10));
        expect(lines.join("").replace(/\s/g, ""), String(columns)).toBe(text.replace(/\s/g, ""));
      }
    }
  }
});

test("a scenario's duration is never split from its line end", () => {
  const v = { title: "x".repeat(73), status: "fail", durationMs: 2249 } as Verdict;
  const lines = plain(scenarioLine(v, { width: 80 })).split("\n");
  expect(lines.some((l) => l.includes("(2249 ms)"))).toBe(true);
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
});

test("the solution diff has both headers: yours, then the solution", () => {
  const lines = plain(renderDiff("a/starter.ts", "one\ntwo\n", "a/solution.ts", "one\n2\n")!).split("\n");
  expect(lines.slice(0, 3)).toEqual(["--- a/starter.ts (yours)", "+++ a/solution.ts (solution)", "@@ -1,2 +1,2 @@"]);
});

test("every status has its own mark and its own words", () => {
  const marks = Object.values(STATUS).map((s) => s.mark);
  const words = Object.values(STATUS).map((s) => s.words);
  expect(new Set(marks).size).toBe(marks.length);
  expect(new Set(words).size).toBe(words.length);
  expect(STATUS.busy.words).toBe("busy, not waiting: a loop that never yields");
  expect(STATUS.loading.words).toBe("never finished loading");
  expect(STATUS.exited.words).toBe("exited early");
  expect(STATUS.oom.words).toBe("out of memory");
});
