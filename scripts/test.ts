// `npm test [-- filters…] [--solution] [--repeat N] [--seed S] [--reporter json|junit] [--output-file F] [--lang en|zh-CN]`
// Grades the learner's starters (or the solutions) through the same gradeCell and the same report
// as the app: a line per scenario as it finishes, the first failure of each cell in full, then
// every cell in workshop order and where to go next. Exit code 0 only if every graded scenario
// passes. A filter names a chapter (01-lock), a topic (lock), a runtime (deno) or a cell
// (01-lock/deno); the cells are the workshops/ folders, so a new chapter needs no registration.
// Its words are in the language `--lang` names, else WORKSHOP_LANG, else the locale (@workshop/i18n).
import { writeFileSync } from "node:fs";
import {
  type Cell,
  cells,
  cellsSummary,
  gradeMany,
  jsonReport,
  junitReport,
  type Paint,
  passes,
  RUNTIMES,
  reportStrings,
  solved,
  summaryStrings,
  topicOf,
  wrap,
} from "@workshop/harness";
import { detectLanguage, normaliseLang, setLanguage, t } from "@workshop/i18n";

/** The usage: each example and option with its description, wrapped under itself. */
function usage(): string {
  const rows = (pairs: [string, string][]) =>
    pairs.flatMap(([left, text]) => {
      const [first = "", ...rest] = wrap(text, 100, " ".repeat(34));
      return [`  ${left.padEnd(30)}  ${first.trimStart()}`, ...rest];
    });
  return [
    t("test:usage.title"),
    ...rows([
      ["npm test", t("test:usage.all")],
      ["npm test -- 01-lock", t("test:usage.chapter")],
      ["npm test -- 01-lock/deno", t("test:usage.cell")],
      ["npm test -- deno", t("test:usage.runtime")],
    ]),
    t("test:usage.options"),
    ...rows([
      ["--solution", t("test:usage.solution")],
      ["--repeat N", t("test:usage.repeat")],
      ["--seed S", t("test:usage.seed")],
      ["--reporter json|junit", t("test:usage.reporter")],
      ["--output-file F", t("test:usage.outputFile")],
      ["--lang en|zh-CN", t("test:usage.lang")],
    ]),
  ].join("\n");
}

interface Args {
  filters: string[];
  solution: boolean;
  repeat: number;
  seed?: number;
  reporter?: "json" | "junit";
  outputFile?: string;
}

// The language first: every word below (usage errors included) is in it.
setLanguage(detectLanguage({ argv: process.argv.slice(2), env: process.env }));

function parse(argv: string[]): Args {
  const args: Args = { filters: [], solution: false, repeat: 1 };
  const value = (i: number, flag: string) => {
    const inline = argv[i]!.includes("=") ? argv[i]!.slice(argv[i]!.indexOf("=") + 1) : undefined;
    const v = inline ?? argv[i + 1];
    if (v === undefined || v.startsWith("--")) usageError(t("test:error.needsValue", { flag }));
    return { v: v as string, skip: inline === undefined ? 1 : 0 };
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const flag = a.split("=")[0]!;
    if (flag === "--help" || flag === "-h") {
      console.log(usage());
      process.exit(0);
    } else if (flag === "--solution") args.solution = true;
    else if (flag === "--repeat" || flag === "--seed" || flag === "--reporter" || flag === "--output-file" || flag === "--lang") {
      const { v, skip } = value(i, flag);
      i += skip;
      if (flag === "--repeat") args.repeat = positive(v, flag);
      else if (flag === "--seed") args.seed = Number.isInteger(Number(v)) ? Number(v) : usageError(t("test:error.seed", { value: v }));
      else if (flag === "--output-file") args.outputFile = v;
      else if (flag === "--lang") normaliseLang(v) ?? usageError(t("test:error.lang", { value: v }));
      else if (v === "json" || v === "junit") args.reporter = v;
      else usageError(t("test:error.reporter", { value: v }));
    } else if (a.startsWith("-")) usageError(t("test:error.unknownOption", { option: a }));
    else args.filters.push(a);
  }
  if (args.outputFile && !args.reporter) usageError(t("test:error.outputFile"));
  return args;
}

function positive(v: string, flag: string): number {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : usageError(t("test:error.positive", { flag, value: v }));
}

function usageError(message: string): never {
  console.error(`${t("test:error.prefix", { message })}\n\n${usage()}`);
  process.exit(2);
}

/** The cells the filters name, in workshop order; a filter that names nothing is an error that lists what exists. */
function choose(all: Cell[], filters: string[]): Cell[] {
  if (filters.length === 0) return all;
  const chosen = new Set<string>();
  for (const filter of filters) {
    // Also a path: workshops/01-lock/deno/starter.ts, workshops/01-lock/
    const f = filter
      .replace(/^(\.\/)?workshops\//, "")
      .replace(/\/(starter|solution)\.ts$/, "")
      .replace(/\/$/, "");
    const matching = all.filter(
      (c) => c.id === f || c.chapter === f || c.runtime === f || topicOf(c.chapter) === f || `${topicOf(c.chapter)}/${c.runtime}` === f,
    );
    if (matching.length === 0) {
      console.error(t("test:error.notAFilter", { filter }));
      console.error(t("test:error.chapters", { list: [...new Set(all.map((c) => c.chapter))].join(", ") }));
      console.error(t("test:error.topics", { list: [...new Set(all.map((c) => topicOf(c.chapter)))].join(", ") }));
      console.error(t("test:error.runtimes", { list: RUNTIMES.join(", ") }));
      console.error(t("test:error.cells", { example: all[0]?.id ?? "01-lock/node" }));
      process.exit(2);
    }
    for (const c of matching) chosen.add(c.id);
  }
  return all.filter((c) => chosen.has(c.id));
}

/** ANSI colours when the stream is a terminal (NO_COLOR off, FORCE_COLOR on). */
function paintFor(stream: NodeJS.WriteStream): Paint {
  const on = process.env.FORCE_COLOR ? process.env.FORCE_COLOR !== "0" : Boolean(stream.isTTY) && !process.env.NO_COLOR;
  const sgr = (open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), magenta: sgr(35, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}

const args = parse(process.argv.slice(2));
const chosen = choose(cells(), args.filters);
const target = args.solution ? "solution" : "starter";
// With a reporter on stdout, stdout carries only the report: the human one goes to stderr.
const human = args.reporter && !args.outputFile ? process.stderr : process.stdout;
const paint = paintFor(human);
const style = {
  paint,
  width: Math.max(40, Math.min(human.columns || 100, 120)),
  replay: (seed: number, cell: string) => `\`npm test -- ${cell}${args.solution ? " --solution" : ""} --seed ${seed}\``,
};
const write = (text: string) => human.write(text);

const more = {
  repeat: args.repeat > 1 ? t("test:grading.repeat", { count: args.repeat }) : "",
  seed: args.seed !== undefined ? t("test:grading.seed", { seed: args.seed }) : "",
};
write(
  paint.dim(
    `${
      chosen.length === 1
        ? t("test:grading.one", { cell: chosen[0]!.id, target: reportStrings.target(target), ...more })
        : t("test:grading.many", { count: chosen.length, targets: t(`test:grading.${target}s`), ...more })
    }\n\n`,
  ),
);
const results = await gradeMany({
  cells: chosen,
  target,
  repeat: args.repeat,
  seed: args.seed,
  style,
  header: (c) => reportStrings.cellHeader(paint.bold(c.id), target),
  write,
});

const outcomes = results.map((r) => r.outcome);
for (const line of cellsSummary(outcomes, { solution: args.solution }, style)) write(`${line}\n`);
const all = results.flatMap((r) => r.runs.flat());
const passed = all.filter((v) => v.status === "pass").length;
write(`${paint.bold(summaryStrings.closing(passed, all.filter((v) => !passes(v)).length))}\n`);

if (args.reporter) {
  const meta = { target, ...(args.seed !== undefined ? { seed: args.seed } : {}), ...(args.repeat > 1 ? { repeat: args.repeat } : {}) };
  const text = args.reporter === "json" ? jsonReport(results, meta) : junitReport(results, meta);
  if (args.outputFile) {
    writeFileSync(args.outputFile, text);
    write(paint.dim(`${t("test:written", { reporter: args.reporter, file: args.outputFile })}\n`));
  } else process.stdout.write(text);
}

// Everything is written (stdout and stderr are synchronous on Linux for files and pipes).
process.exit(outcomes.every(solved) ? 0 : 1);
