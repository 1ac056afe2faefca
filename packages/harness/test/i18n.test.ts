// The Chinese edition's core (issue 12): which language is spoken, a verdict composed in zh-CN with
// its numbers in place, plural forms, messages as data (nested, encoded across a process), and the
// parity checks of verify's i18n step catching what they are for. No process is started.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeMessage, detectLanguage, encodeMessage, language, msg, render, setLanguage, t } from "@workshop/i18n";
import { checkCatalogues, checkHints, checkLesson, keysUsed, untranslatedRun } from "@workshop/i18n/parity";
import { afterEach, describe, expect, test } from "vitest";
import { composeVerdict, type RunFacts } from "../src/compose.ts";
import { clipped, report } from "../src/report/strings.ts";
import { failureDetails, plain } from "../src/report.ts";
import { Failure, fail } from "../src/scenario.ts";

const before = language();
afterEach(() => setLanguage(before));

describe("the language", () => {
  test("--lang, else WORKSHOP_LANG, else LC_ALL, LC_MESSAGES, LANG (the first set decides), else English", () => {
    const env = { WORKSHOP_LANG: "en", LC_ALL: "zh_CN.UTF-8", LANG: "en_US.UTF-8" };
    expect(detectLanguage({ argv: ["list", "--lang", "zh-CN"], env })).toBe("zh-CN");
    expect(detectLanguage({ argv: ["--lang=zh"], env: {} })).toBe("zh-CN");
    expect(detectLanguage({ argv: [], env: { ...env, WORKSHOP_LANG: "zh-CN" } })).toBe("zh-CN");
    expect(detectLanguage({ argv: [], env })).toBe("en"); // WORKSHOP_LANG before the locale
    expect(detectLanguage({ argv: [], env: { LC_ALL: "zh_CN.UTF-8", LANG: "en_US.UTF-8" } })).toBe("zh-CN");
    expect(detectLanguage({ argv: [], env: { LC_ALL: "en_GB.UTF-8", LC_MESSAGES: "zh_CN.UTF-8", LANG: "zh_CN.UTF-8" } })).toBe("en");
    expect(detectLanguage({ argv: [], env: { LC_MESSAGES: "zh_TW.UTF-8", LANG: "en_US.UTF-8" } })).toBe("zh-CN");
    expect(detectLanguage({ argv: [], env: { LANG: "zh_CN.GB18030" } })).toBe("zh-CN");
    expect(detectLanguage({ argv: [], env: { LC_ALL: "", LANG: "zh_CN.UTF-8" } })).toBe("zh-CN"); // set but empty: passed over
    expect(detectLanguage({ argv: [], env: { LANG: "C.UTF-8" } })).toBe("en");
    expect(detectLanguage({ argv: [], env: {} })).toBe("en");
    // A language we do not have is passed over, not guessed at.
    expect(detectLanguage({ argv: ["--lang", "fr"], env: { WORKSHOP_LANG: "zh-CN" } })).toBe("zh-CN");
    expect(detectLanguage({ argv: [], env: { WORKSHOP_LANG: "fr", LANG: "zh_CN.UTF-8" } })).toBe("zh-CN");
  });
});

describe("a verdict in zh-CN", () => {
  const dir = mkdtempSync(join(tmpdir(), "workshop-i18n-"));
  const starter = join(dir, "starter.ts");
  writeFileSync(starter, "export const x = 1;\n// TODO(2): release the lock\n// TODO(1): take the lock, atomically.\n");
  const facts = (over: Partial<RunFacts>): RunFacts => ({
    cell: "01-lock/node",
    file: starter,
    scenario: "counter",
    title: "4 processes × 250 increments",
    runDir: dir,
    result: undefined,
    durationMs: 6123,
    runtimeOutput: "",
    journal: [
      { k: "proc", t: Date.now() - 6500, w: "main", child: "w1", name: "incrementer", what: "start" },
      { k: "ev", t: Date.now() - 6400, w: "w1", op: "acquire", ph: "begin" },
    ] as RunFacts["journal"],
    ...over,
  });

  test("a deadlock: the harness's cause in Chinese, the seconds and the process in place; English for the same run", () => {
    const zh = composeVerdict(facts({ stop: { why: "stalled", quietMs: 6000 }, lang: "zh-CN" }));
    expect(zh.status).toBe("deadlock");
    expect(zh.message).toContain("疑似死锁：6.0 秒内什么都没有发生");
    expect(zh.message).toMatch(/w1 \(incrementer\) — 在 acquire 中等待（已等了 [\d.]+ 秒）/);
    expect(zh.text).toMatchObject({ key: "harness:deadlock.suspected" });
    const en = composeVerdict(facts({ stop: { why: "stalled", quietMs: 6000 }, lang: "en" }));
    expect(en.message).toContain("deadlock suspected: nothing happened for 6.0 s: every process was stuck");
    // The same data renders either way: a view may show it again in another language.
    expect(render(zh.text!, "en")).toContain("deadlock suspected: nothing happened for 6.0 s: every process was stuck");
  });

  test("a scenario's keyed message: rendered in the grading's language, numbers in place, the Next: pointer in it too", () => {
    const result = { status: "fail" as const, text: msg("harness:join.late", { who: "incrementer-3", doing: msg("harness:join.finish"), ms: 2000 }) };
    const v = composeVerdict(facts({ result, lang: "zh-CN" }));
    expect(v.message).toContain("incrementer-3 没有在 2000 毫秒内结束");
    expect(v.message).toContain(`下一步：${starter}:3：TODO(1): take the lock, atomically.`);
    expect(v.message).toContain("还有 2 个带编号的 TODO");
    // The report, in Chinese too, keeps the pointer whole and apart from the message.
    setLanguage("zh-CN");
    const details = failureDetails(v, { paint: plain, width: 100 }).join("\n");
    expect(details).toContain("哪里出了问题：4 processes × 250 increments");
    expect(details).toMatch(/\n\n {2}下一步：/);
    // A verdict graded in Chinese reads the same in an English report: its pointer is found all the same.
    setLanguage("en");
    expect(failureDetails(v, { paint: plain, width: 100 }).join("\n")).toMatch(/What went wrong: .*\n(.|\n)*\n\n {2}下一步：/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("plural forms and numbers", () => {
  test("English needs one and other; Chinese has one form; numbers are formatted by the catalogue", () => {
    setLanguage("en");
    expect(report.typeErrorsTitle("starter.ts", 1)).toBe("starter.ts has 1 type error");
    expect(report.typeErrorsTitle("starter.ts", 3)).toBe("starter.ts has 3 type errors");
    expect(clipped.lines(1)).toBe("… 1 more line");
    expect(clipped.lines(4990)).toBe("… 4,990 more lines");
    expect(clipped.string(516_000)).toBe("a 516,000-character string");
    setLanguage("zh-CN");
    expect(report.typeErrorsTitle("starter.ts", 1)).toBe("starter.ts 有 1 个类型错误");
    expect(report.typeErrorsTitle("starter.ts", 3)).toBe("starter.ts 有 3 个类型错误");
    expect(clipped.lines(4990)).toBe("…… 还有 4,990 行");
    expect(t("report:scenarioCount", { passed: 0, total: 5, skipped: "" })).toBe("0/5 个场景通过");
  });
});

describe("messages are data", () => {
  test("a param that is a message is rendered first, in the same language; an array of messages becomes lines", () => {
    const who = msg("harness:who.shared", { names: ["w1 (incrementer)", "w2"] });
    expect(render(msg("harness:busy.starved", { seconds: "10.0", who }), "en")).toContain(
      "while the process of w1 (incrementer) and w2 (workers share one process) kept wanting",
    );
    expect(render(msg("harness:busy.starved", { seconds: "10.0", who }), "zh-CN")).toContain(
      "而 w1 (incrementer) 和 w2 所在的进程（这些 Worker 共用同一个进程）一直想要一个核",
    );
    const lines = [
      msg("harness:process.line", { who: "w1", state: msg("harness:process.exited", { code: 0 }) }),
      msg("harness:process.line", { who: "w2", state: "" }),
    ];
    expect(render(msg("harness:deadlock.suspected", { why: "x", processes: lines }), "en")).toBe(
      "deadlock suspected: x. What each process was doing:\n  w1 — had exited (0)\n  w2 — ",
    );
  });

  test("a key no catalogue has comes back as itself, params and all: nothing a scenario said is lost", () => {
    expect(render(msg("lock:nothing.here", { got: 3 }), "zh-CN")).toBe('lock:nothing.here {"got":3}');
  });

  test("fail(key, params) carries the message across a process as text, and back", () => {
    let thrown: unknown;
    try {
      fail("lock:counter.lostUpdates", { expected: 1000, got: 731, lost: msg("lock:counter.lost", { count: 269 }) });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Failure);
    const failure = thrown as Failure;
    expect(failure.text).toEqual({
      key: "lock:counter.lostUpdates",
      params: { expected: 1000, got: 731, lost: { key: "lock:counter.lost", params: { count: 269 } } },
    });
    expect(decodeMessage(failure.message)).toEqual(failure.text);
    expect(decodeMessage(encodeMessage(msg("harness:failed")))).toEqual({ key: "harness:failed" });
    // A plain sentence stays a plain sentence (while the chapters are converted).
    expect(() => fail("expected 1000, got 731")).toThrow("expected 1000, got 731");
    expect(decodeMessage("expected 1000, got 731")).toBeUndefined();
  });
});

describe("the parity check (verify's i18n step)", () => {
  const en = { a: { hello: "Hello, {{name}}!", items_one: "{{count}} item", items_other: "{{count}} items" }, plain: "a `code` span" };
  const zh = { a: { hello: "你好，{{name}}！", items_other: "{{count}} 项" }, plain: "一个 `code` 片段" };

  test("catalogues that agree pass, and are counted", () => {
    const r = checkCatalogues({ en: { ns: en }, "zh-CN": { ns: zh } });
    expect(r.problems).toEqual([]);
    expect(r.figures).toEqual(["ns: en 3 keys / 4 strings · zh-CN 3 keys / 3 strings"]);
  });

  test("a missing key, a key English does not have, a mismatched param, a missing plural form", () => {
    const r = checkCatalogues({
      en: { ns: { ...en, b: "Bye" } },
      "zh-CN": { ns: { a: { hello: "你好，{{who}}！", items_one: "{{count}} 项" }, plain: "一个 `code` 片段", extra: "多余" } },
    });
    expect(r.problems).toEqual(
      expect.arrayContaining([
        'zh-CN ns:b: missing (en: "Bye")',
        "zh-CN ns:a.hello: params differ from en — missing {{name}} — not in en: {{who}}",
        'zh-CN ns:a.items: no "a.items_other" (zh-CN needs other)',
        "zh-CN ns:extra: not in en (a key no code asks for)",
      ]),
    );
  });

  test("an untranslated English sentence, an empty value, a value left as the English", () => {
    const r = checkCatalogues({
      en: { ns: { ...en, c: "the read and the write are not atomic", d: "Done", e: "`acquire()`" } },
      "zh-CN": { ns: { ...zh, c: "读和写 are not one atomic step", d: "", e: "`acquire()`" } },
    });
    expect(r.problems).toEqual(['zh-CN ns:c: untranslated English "are not one atomic step"', "zh-CN ns:d: empty"]);
    const same = checkCatalogues({ en: { ns: { ...en, d: "Done and dusted" } }, "zh-CN": { ns: { ...zh, d: "Done and dusted" } } });
    expect(same.problems).toEqual(['zh-CN ns:d: the same as en ("Done and dusted")']);
  });

  test("the heuristic spares code, params, paths, URLs and terms of art", () => {
    expect(untranslatedRun("用 `Atomics.compareExchange(this.word, 0, 1)` 加锁")).toBeUndefined();
    expect(untranslatedRun("{{who}} {{how}} {{inCall}} 之后退出")).toBeUndefined();
    expect(untranslatedRun("见 https://nodejs.org/api/fs.html#file-system-flags 和 workshops/01-lock/node/starter.ts")).toBeUndefined();
    expect(untranslatedRun("Deno 的 Web Workers 共用 SharedArrayBuffer")).toBeUndefined();
    expect(untranslatedRun("按键：h H g G l n p r s d t w q")).toBeUndefined();
    expect(untranslatedRun("锁：Does acquire() return true only after")).toBe("Does acquire() return true only after");
  });

  test("a translated lesson with a section missing, or a runtime's heading renamed; hints too few for a TODO", () => {
    const english = "# Lock\n## From Python\n```py\n## not a heading\n```\n## The task\n### Node: a lock file\n### Deno: a mutex\n";
    expect(checkLesson("l", english, "# 锁\n## 从 Python 说起\n## 任务\n### Node：文件锁\n### Deno：互斥锁\n").problems).toEqual([]);
    expect(checkLesson("l", english, "# 锁\n## 任务\n### Node：文件锁\n### 互斥锁\n").problems).toEqual([
      "l: 1 ## sections, the English has 2 (From Python · The task)",
      'l: section 1 ("任务") has 2 ### headings, the English ("From Python") has 0',
    ]);
    expect(checkLesson("l", english, "## 从 Python 说起\n## 任务\n### Node：文件锁\n### 互斥锁\n").problems).toEqual([
      'l: "### 互斥锁" must start with "Deno" like the English "### Deno: a mutex" (the app finds a runtime\'s part by it)',
    ]);
    const hints = "## node\n\n1. **TODO(1)** a\n2. **TODO(1)** b\n3. **TODO(2)** c\n\n## deno\n\n1. **TODO(1)** d\n";
    expect(checkHints("h", hints, "## node\n\n1. **TODO(1)** 甲\n2. **TODO(1)** 乙\n3. **TODO(2)** 丙\n\n## deno\n\n1. **TODO(1)** 丁\n").problems).toEqual([]);
    expect(checkHints("h", hints, "## node\n\n1. **TODO(1)** 甲\n2. **TODO(2)** 丙\n   The rest is still in English here\n").problems).toEqual([
      "h node: 1 hints for TODO(1), the English has 2",
      'h: no "## deno" section',
      'h:4: untranslated English "The rest is still in English here"',
    ]);
  });
});

describe("keys the code names", () => {
  test("a key built at run time is checked as each key it can become", () => {
    const ns = new Set(["lock", "app"]);
    // Source code as text: %{…} stands for a template placeholder.
    const code = [
      'fail("lock:counter.lost", {})',
      "msg(`lock:notWoken.%{rt}`)",
      'msg(`app:hints.%{inWatch ? "watch" : "command"}`)',
      'msg(`app:cannotWrite.%{code === "EACCES" ? "readOnly" : "other"}`)',
      "msg(`lock:twoHolders.%{rounds}`)",
      "`localhost:%{port}`",
    ]
      .join("\n")
      .replaceAll("%{", "${");
    expect(keysUsed(code, ns).sort()).toEqual(
      [
        "lock:counter.lost",
        "lock:notWoken.node",
        "lock:notWoken.deno",
        "lock:notWoken.bun",
        "app:hints.watch",
        "app:hints.command",
        "app:cannotWrite.readOnly",
        "app:cannotWrite.other",
        "lock:twoHolders",
      ].sort(),
    );
  });
});
