// The small print of the verdict, the wrap and the diff (NO_COLOR-free: the checks strip escapes).
import { stripVTControlCharacters as plain } from "node:util";
import type { Verdict, WorkerReport } from "@workshop/harness";
import { expect, test } from "vitest";
import { renderDiff } from "../src/ui/diff.ts";
import { scenarioLine, waitingText, workerLine } from "../src/ui/verdict.ts";
import { wrap } from "../src/ui/wrap.ts";

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

test("a scenario's duration is never split from its line end", () => {
  const v = { title: "x".repeat(73), status: "fail", durationMs: 2249 } as Verdict; // 80 columns outside a terminal
  const lines = plain(scenarioLine(v)).split("\n");
  expect(lines.some((l) => l.includes("(2249 ms)"))).toBe(true);
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
});

test("the solution diff has both headers: yours, then the solution", () => {
  const lines = plain(renderDiff("a/starter.ts", "one\ntwo\n", "a/solution.ts", "one\n2\n")!).split("\n");
  expect(lines.slice(0, 3)).toEqual(["--- a/starter.ts (yours)", "+++ a/solution.ts (solution)", "@@ -1,2 +1,2 @@"]);
});
