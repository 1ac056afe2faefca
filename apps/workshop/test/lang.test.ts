// The app in the learner's language (issue 12): `--lang` with any command, remembered in progress;
// `npm start -- lang` shows and changes it; the lesson and hints of that language, falling back to
// English (said once) where a chapter has no translation yet. In-process, on a copy of the repo.
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { useAppWithoutTerminal } from "./support/cli.ts";

const { app, root } = useAppWithoutTerminal();
const progress = () => JSON.parse(readFileSync(join(root(), ".workshop/progress.json"), "utf8")) as { lang?: string };

test("--lang zh-CN: the list in Chinese, and remembered for the next command; `lang en` goes back", async () => {
  const zh = await app("list", "--lang", "zh-CN");
  expect(zh.code).toBe(0);
  expect(zh.out).toMatch(/进度 .* 已完成 0\/\d+ 个单元/);
  expect(zh.out).toContain("✓ 已完成 · ~ 通过后又改动过 · · 待完成");
  expect(progress().lang).toBe("zh-CN");
  expect((await app("next")).out).toMatch(/^下一个：01-lock\/\w+——编辑 workshops\/01-lock\/\w+\/starter\.ts/);
  expect((await app("lang")).out).toContain("语言：简体中文（zh-CN），下次会记住");
  const en = await app("lang", "en");
  expect(en.out).toContain("Language: English (en), remembered for next time");
  expect(progress().lang).toBe("en");
  expect((await app("list")).out).toMatch(/Progress .* 0\/\d+ cells solved/);
});

test("a language the workshop does not speak is a usage error, said in the current language", async () => {
  const r = await app("list", "--lang", "fr");
  expect(r.code).toBe(2);
  expect(r.err).toContain('Unknown language "fr": use en or zh-CN.');
  expect((await app("lang", "klingon")).code).toBe(2);
});

test("hints in Chinese where the chapter has them; in English, said once, where it does not", async () => {
  const zh = await app("hint", "01-lock/node", "--lang=zh-CN");
  expect(zh.out).toContain("提示 1/");
  expect(zh.out).not.toContain("还没有中文版");
  rmSync(join(root(), "workshops/02-pipe/hints.zh-CN.md"), { force: true });
  const fallback = await app("hint", "02-pipe/node");
  expect(fallback.out).toContain("这一章的提示还没有中文版，先显示英文版。");
  expect(fallback.out).toContain("提示 1/");
  await app("lang", "en");
});
