// The harness's report (what npm test, verify and the app print) keeps its promises whatever a cell
// does: a cell's report stays within 200 lines / 32 KB with 516,000-character payloads and a MiB of
// output; the Next: pointer is whole; skipped counts as passing; the summary says where to go next;
// the JSON and JUnit records are one per scenario.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters as plain } from "node:util";
import {
  BUDGET,
  CellReport,
  cellsSummary,
  completeNext,
  everyScenarioPasses,
  failureDetails,
  jsonReport,
  junitReport,
  STATUS,
  type Status,
  scenarioLine,
  summarisePayloads,
  type Verdict,
} from "@workshop/harness";
import { afterAll, expect, test } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "workshop-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const starter = join(dir, "starter.ts");
writeFileSync(
  starter,
  [
    "export async function get() {",
    "  // TODO(4): wait for an item. If the queue is closed and nothing is left, no item will",
    "  //          ever come: reject with the contract's EOFError.",
    "  return 1;",
    "}",
  ].join("\n"),
);

const PAYLOAD = "x".repeat(516_000);

const verdict = (v: Partial<Verdict>): Verdict => ({
  cell: "02-pipe/deno",
  file: starter,
  scenario: "s",
  title: "10 000 messages arrive complete and in order",
  status: "pass",
  durationMs: 812,
  workers: [],
  output: [],
  runtimeOutput: "",
  events: [],
  ...v,
});

const monster = verdict({
  scenario: "ordered",
  status: "fail",
  message: `message #1 should have been "${PAYLOAD}", but was "${PAYLOAD}${PAYLOAD}" — messages merged: frame boundaries?\n\nNext: ${starter}:2: // TODO(4): wait for an item. If the queue is closed and nothing is left, no item will (6 numbered TODOs are still in this file — delete each comment once it is done)`,
  workers: Array.from({ length: 40 }, (_, i) => ({
    id: `w${i + 1}`,
    name: i === 0 ? "sender" : "receiver",
    exitCode: i === 1 ? null : 0,
    waiting: i === 1 ? "recv #3 (for 2.0 s)" : undefined,
    last: [`send ${JSON.stringify(PAYLOAD)} → ok`, `recv → "${PAYLOAD.slice(0, 2000)}"`],
  })),
  output: [
    ...Array.from({ length: 3 }, () => ({ worker: "w2", stream: "stdout" as const, text: `got ${JSON.stringify(PAYLOAD)}\n` })),
    { worker: "w1", stream: "stderr", text: `${"a short line\n".repeat(5000)}` },
    { worker: "w1", stream: "stdout", text: `中文${"字".repeat(300_000)}\n` },
  ],
  runtimeOutput: `${"runtime noise ".repeat(80_000)}\n`.repeat(3),
});

test("one cell's report stays within 200 lines and 32 KB, payloads summarised, with the Next: pointer whole and the process table", () => {
  const rep = new CellReport({ width: 100 });
  const printed: string[] = [rep.text("02-pipe/deno (starter)")];
  const verdicts = [monster, ...Array.from({ length: 7 }, (_, i) => verdict({ scenario: `p${i}`, title: `passing scenario ${i} ${PAYLOAD.slice(0, 300)}` }))];
  for (const v of verdicts) {
    const line = rep.scenario(v);
    if (line) printed.push(line);
  }
  printed.push(rep.end(verdicts, 8, 9000));
  const text = printed.join("\n");
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(BUDGET.bytes);
  expect(text.split("\n").length).toBeLessThanOrEqual(BUDGET.lines);
  const flat = plain(text).replace(/\s+/g, " ");
  expect(flat).toContain("a 516,000-character string");
  expect(flat).toContain(
    `Next: ${starter}:2: // TODO(4): wait for an item. If the queue is closed and nothing is left, no item will ever come: reject with the contract's EOFError. (6 numbered TODOs`,
  );
  expect(flat).toContain("what each process was doing:");
  expect(flat).toContain("w2 receiver · waiting in recv #3 for 2.0 s");
  expect(flat).toContain("more processes");
  expect(flat).toContain("your code printed (not the grader)");
  expect(flat).toMatch(/… [\d,]+ more lines/);
});

test("payloads are summarised, words are not", () => {
  expect(summarisePayloads(`got "${"ab".repeat(300)}" then`)).toBe(`got "${"ab".repeat(12)}…" (a 600-character string) then`);
  expect(summarisePayloads(`bytes ${"f".repeat(4000)} end`)).toMatch(/^bytes f{24}… \(4,000 characters in all\) end$/);
  const sentence = "it's the lock's holder that didn't release it, so the others can't go on — and that's a long sentence of words";
  expect(summarisePayloads(sentence)).toBe(sentence);
});

test("the Next: pointer is completed to the end of its sentence from the file", () => {
  expect(completeNext(`Next: ${starter}:2: // TODO(4): wait for an item. If the queue is closed and nothing is left, no item will`)).toBe(
    `Next: ${starter}:2: // TODO(4): wait for an item. If the queue is closed and nothing is left, no item will ever come: reject with the contract's EOFError.`,
  );
  expect(completeNext("Next: workshops/none.ts:1: a whole sentence.")).toBe("Next: workshops/none.ts:1: a whole sentence.");
});

test("every status reads as what it is, in the line and in the details; skipped is dim, with its reason, and counts as passing", () => {
  for (const status of Object.keys(STATUS) as Status[]) {
    const v = verdict({ status, message: status === "skipped" ? "not graded on deno: the lesson says why" : `the ${status} message` });
    const line = plain(scenarioLine(v, { width: 100 }));
    expect(line).toContain(STATUS[status].mark);
    if (status !== "pass" && status !== "fail") expect(line, status).toContain(STATUS[status].words);
    if (status === "skipped") expect(line).toContain("not graded on deno");
    if (status !== "pass" && status !== "skipped") {
      const details = plain(failureDetails(v, { width: 100 }).join("\n"));
      expect(details).toContain(`the ${status} message`);
      if (status !== "fail") expect(details).toContain(STATUS[status].words);
    }
  }
  const skipped = verdict({ status: "skipped" });
  expect(everyScenarioPasses([verdict({}), skipped], 2)).toBe(true);
  expect(everyScenarioPasses([verdict({}), verdict({ status: "busy" })], 2)).toBe(false);
  expect(plain(scenarioLine(verdict({ accidental: true }), { width: 120 }))).toContain("the untouched starter passes this too");
});

test("the seed, when a verdict has one, says how to replay it", () => {
  const v = verdict({ status: "deadlock", message: "deadlock suspected: …", seed: 4242 });
  const details = plain(failureDetails(v, { width: 100, replay: (seed, cell) => `\`npm test -- ${cell} --seed ${seed}\`` }).join("\n"));
  expect(details).toContain("perturbation seed 4242: replay with `npm test -- 02-pipe/deno --seed 4242`");
});

test("the summary begins at 0 solved, continues when partly solved, and a type error keeps a cell unsolved", () => {
  const row = (id: string, passed: number, extra = {}) => ({ id, chapter: id.split("/")[0]!, passed, total: 5, file: `workshops/${id}/starter.ts`, ...extra });
  const begin = plain(cellsSummary([row("01-lock/node", 1), row("01-lock/deno", 0)], { solution: false }).join("\n"));
  expect(begin).toContain("Begin with 01-lock/node");
  const more = plain(cellsSummary([row("01-lock/node", 5), row("01-lock/deno", 5, { typeErrors: 2 }), row("01-lock/bun", 3)], { solution: false }).join("\n"));
  expect(more).toContain("1 of 3 cells solved. Continue with 01-lock/deno");
  expect(more).toMatch(/✗ 01-lock\/deno +all scenarios pass, but 2 type errors/);
  expect(plain(cellsSummary([row("01-lock/node", 5)], { solution: true }).join("\n"))).toContain("Every solution passes");
});

test("JSON and JUnit: one record per scenario (cell, scenario, status, message, ms, seed)", () => {
  const cells = [
    {
      id: "02-pipe/deno",
      file: "workshops/02-pipe/deno/starter.ts",
      runs: [[monster, verdict({ scenario: "p", seed: 7 }), verdict({ scenario: "k", status: "skipped", message: "why" })]],
    },
  ];
  const json = JSON.parse(jsonReport(cells, { target: "starter" }));
  expect(json.records).toHaveLength(3);
  expect(json.records[0]).toMatchObject({ cell: "02-pipe/deno", scenario: "ordered", status: "fail", passed: false, ms: 812 });
  expect(json.records[0].message.length).toBeLessThan(5_000);
  expect(json.records[1]).toMatchObject({ scenario: "p", status: "pass", seed: 7 });
  expect(json.records[2]).toMatchObject({ status: "skipped", passed: true });
  expect([json.passed, json.failed]).toEqual([2, 1]);
  const xml = junitReport(cells, { target: "starter" });
  expect(xml).toContain('<testsuite name="02-pipe/deno" tests="3" failures="1" errors="0" skipped="1"');
  expect(xml).toContain('type="fail"');
  expect(xml.length).toBeLessThan(20_000);
});
