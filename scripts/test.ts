// `npm test [-- filters…] [--solution] [--repeat N] [--seed S] [--reporter json|junit] [--output-file F]`
// Grades the learner's starters (or the solutions) through the same gradeCell and the same report
// as the app: a line per scenario as it finishes, the first failure of each cell in full, then
// every cell in workshop order and where to go next. Exit code 0 only if every graded scenario
// passes. A filter names a chapter (01-lock), a topic (lock), a runtime (deno) or a cell
// (01-lock/deno); the cells are the workshops/ folders, so a new chapter needs no registration.
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
  solved,
  summaryStrings,
  topicOf,
} from "@workshop/harness";

const USAGE = `Usage: npm test -- [chapter|topic|runtime|cell …] [options]
  npm test                        every starter (red until you solve them — that is the point)
  npm test -- 01-lock             one chapter, every runtime   (or: lock)
  npm test -- 01-lock/deno        one cell
  npm test -- deno                one runtime, every chapter
Options:
  --solution                      grade the reference solutions instead of the starters
  --repeat N                      grade N times; each scenario says "passed 19/20"
  --seed S                        replay a perturbation (a verdict's "replay with --seed S")
  --reporter json|junit           one record per scenario, for CI and classrooms (to stdout, the
                                  human report then goes to stderr; or to --output-file F)
  --output-file F                 where --reporter writes`;

interface Args {
  filters: string[];
  solution: boolean;
  repeat: number;
  seed?: number;
  reporter?: "json" | "junit";
  outputFile?: string;
}

function parse(argv: string[]): Args {
  const args: Args = { filters: [], solution: false, repeat: 1 };
  const value = (i: number, flag: string) => {
    const inline = argv[i]!.includes("=") ? argv[i]!.slice(argv[i]!.indexOf("=") + 1) : undefined;
    const v = inline ?? argv[i + 1];
    if (v === undefined || v.startsWith("--")) usageError(`${flag} needs a value`);
    return { v: v as string, skip: inline === undefined ? 1 : 0 };
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const flag = a.split("=")[0]!;
    if (flag === "--help" || flag === "-h") {
      console.log(USAGE);
      process.exit(0);
    } else if (flag === "--solution") args.solution = true;
    else if (flag === "--repeat" || flag === "--seed" || flag === "--reporter" || flag === "--output-file") {
      const { v, skip } = value(i, flag);
      i += skip;
      if (flag === "--repeat") args.repeat = positive(v, flag);
      else if (flag === "--seed") args.seed = Number.isInteger(Number(v)) ? Number(v) : usageError(`--seed takes a whole number, not "${v}"`);
      else if (flag === "--output-file") args.outputFile = v;
      else if (v === "json" || v === "junit") args.reporter = v;
      else usageError(`--reporter is json or junit, not "${v}"`);
    } else if (a.startsWith("-")) usageError(`unknown option ${a}`);
    else args.filters.push(a);
  }
  if (args.outputFile && !args.reporter) usageError("--output-file goes with --reporter json or --reporter junit");
  return args;
}

function positive(v: string, flag: string): number {
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : usageError(`${flag} takes a whole number above 0, not "${v}"`);
}

function usageError(message: string): never {
  console.error(`npm test: ${message}\n\n${USAGE}`);
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
      console.error(`npm test: "${filter}" is not a chapter, topic, runtime or cell.`);
      console.error(`  chapters: ${[...new Set(all.map((c) => c.chapter))].join(", ")}`);
      console.error(`  topics:   ${[...new Set(all.map((c) => topicOf(c.chapter)))].join(", ")}`);
      console.error(`  runtimes: ${RUNTIMES.join(", ")}`);
      console.error(`  cells:    e.g. ${all[0]?.id ?? "01-lock/node"}`);
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

write(
  paint.dim(
    `Grading ${chosen.length === 1 ? chosen[0]!.id : `${chosen.length} cells`} (${target}${chosen.length === 1 ? "" : "s, two at a time"})` +
      `${args.repeat > 1 ? `, ${args.repeat} times` : ""}${args.seed !== undefined ? `, seed ${args.seed}` : ""}…\n\n`,
  ),
);
const results = await gradeMany({
  cells: chosen,
  target,
  repeat: args.repeat,
  seed: args.seed,
  style,
  header: (c) => `${paint.bold(c.id)} ${paint.dim(`(${target})`)}`,
  write,
});

const outcomes = results.map((r) => r.outcome);
for (const line of cellsSummary(outcomes, { solution: args.solution }, style)) write(`${line}\n`);
const all = results.flatMap((r) => r.runs.flat());
const passed = all.filter(passes).length;
write(`${paint.bold(summaryStrings.closing(passed, all.length - passed))}\n`);

if (args.reporter) {
  const meta = { target, ...(args.seed !== undefined ? { seed: args.seed } : {}), ...(args.repeat > 1 ? { repeat: args.repeat } : {}) };
  const text = args.reporter === "json" ? jsonReport(results, meta) : junitReport(results, meta);
  if (args.outputFile) {
    writeFileSync(args.outputFile, text);
    write(paint.dim(`${args.reporter} report written to ${args.outputFile}\n`));
  } else process.stdout.write(text);
}

// Everything is written (stdout and stderr are synchronous on Linux for files and pipes).
process.exit(outcomes.every(solved) ? 0 : 1);
