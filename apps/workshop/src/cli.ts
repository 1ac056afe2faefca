// The commands, as a function of argv and where output goes: main.ts runs it for `npm start`, the
// tests call it in-process (no process per command). With no command it is interactive in a
// terminal (watch mode) and prints the list elsewhere; `npm start -- <cell>` opens watch mode on
// that cell; the other commands do one thing each, for scripts and editors. cac parses; the help
// text is our own (ui/usage.ts), because cac's cannot name the default command. `--lang en|zh-CN`
// goes with any command: it is taken out before cac sees the rest, and remembered (state/language.ts).
import { LANGUAGE_NAMES, langArg, language, normaliseLang } from "@workshop/i18n";
import { cac } from "cac";
import { demoCommand } from "./commands/demo.ts";
import { gradeCommand } from "./commands/grade.ts";
import { hintCommand } from "./commands/hint.ts";
import { listCommand } from "./commands/list.ts";
import { nextCommand } from "./commands/next.ts";
import { resetCommand } from "./commands/reset.ts";
import { isCellLike, resolveCell, UsageError } from "./commands/resolve.ts";
import { solutionCommand } from "./commands/solution.ts";
import { startCommand } from "./commands/start.ts";
import { askTrack, saveTrack } from "./commands/track.ts";
import { relative } from "./state/cells.ts";
import { chooseLanguage, rememberLanguage } from "./state/language.ts";
import { STATE_DIR } from "./state/paths.ts";
import { onProgressRebuilt, readProgress } from "./state/progress.ts";
import { strings } from "./strings.ts";
import { confirm } from "./ui/confirm.ts";
import { paint } from "./ui/terminal.ts";
import { unknownCommand, usage } from "./ui/usage.ts";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** A terminal on both ends and not CI: prompts and watch mode are possible. */
  interactive: boolean;
}

const COMMANDS = ["list", "next", "hint", "reset", "solution", "grade", "demo", "track", "lang", "web", "help"];

/** Run one command line; resolves with the exit code (0 done, 1 not done, 2 a usage error). */
export async function runCli(commandLine: string[], io: Io): Promise<number> {
  const line = (s: string) => io.out(s.endsWith("\n") ? s : `${s}\n`);
  // Every command that finds the progress file unreadable says so, and where the old one went.
  onProgressRebuilt((aside) => io.err(`${paint.yellow(strings.progressRebuilt(relative(aside)))}\n`));
  // The language first: every word below is in it.
  const { value: asked, rest: argv } = langArg(commandLine);
  const explicit = normaliseLang(asked);
  await chooseLanguage(STATE_DIR, explicit);
  if (asked !== undefined && !explicit) {
    io.err(`${paint.red(strings.unknownLang(asked))}\n`);
    onProgressRebuilt(undefined);
    return 2;
  }
  // `help`, `--help`, `-h`, also after a command (`hint --help`): the one list says everything.
  if (argv[0] === "help" || argv.includes("--help") || argv.includes("-h")) {
    line(usage());
    return 0;
  }
  const name = argv[0];
  if (name !== undefined && !name.startsWith("-") && !COMMANDS.includes(name) && !isCellLike(name)) {
    io.err(`${unknownCommand(name)}\n`);
    return 2;
  }
  let code = 0;
  /** Not done is a failure (exit 1): a script must not carry on as if it had been. */
  const refuse = (message?: string) => {
    if (message) io.err(`${paint.red(message)}\n`);
    code = 1;
  };
  const cli = cac("npm start --");
  cli
    .command("[cell]", "Step through the workshop: watch mode in a terminal, the list elsewhere")
    .option("--poll", "Check the starter for changes instead of waiting for file events")
    .action(async (id: string | undefined, o: { poll?: boolean }) => {
      code = await startCommand({ cell: id === undefined ? undefined : resolveCell(id), poll: o.poll, io });
    });
  cli
    .command("list", "Every cell with its status")
    .option("--grade", "Re-grade every cell first (progress is a cache; grading is the truth)")
    .action(async (o: { grade?: boolean }) => line(await listCommand({ grade: o.grade, write: io.out })));
  cli.command("next", "The first unsolved cell of your track").action(() => line(nextCommand()));
  cli
    .command("hint <cell>", "The next hint for a cell, e.g. 01-lock/deno")
    .option("--all", "Every hint seen so far, again")
    .action(async (id: string, o: { all?: boolean }) => line(await hintCommand(resolveCell(id), { all: o.all })));
  cli
    .command("reset <cell>", "Put back the pristine starter (your file is backed up first)")
    .option("--yes", "Do not ask (needed without a terminal)")
    .action(async (id: string, o: { yes?: boolean }) => {
      const c = resolveCell(id);
      if (!o.yes && !io.interactive) return refuse(strings.resetNeedsYes);
      if (!o.yes && !(await confirm(strings.confirmReset(id)))) return refuse();
      const r = await resetCommand(c);
      if (r.ok) line(r.text);
      else refuse(r.text);
    });
  cli
    .command("solution <cell>", "Diff from your file to the solution (spoilers)")
    .option("--yes", "Do not ask (needed without a terminal)")
    .action(async (id: string, o: { yes?: boolean }) => {
      const c = resolveCell(id);
      // Spoilers need consent, as reset does: a terminal's yes, or --yes.
      if (!o.yes && !io.interactive) return refuse(strings.solutionNeedsYes);
      if (!o.yes && !(await confirm(strings.confirmSpoiler))) return refuse();
      line(solutionCommand(c));
    });
  cli
    .command("grade <cell>", "Grade a cell once; exit code 0 when it passes")
    .option("--repeat <n>", "Grade n times: each scenario says how often it passed")
    .option("--seed <s>", "Replay a perturbation seed")
    .action(async (id: string, o: { repeat?: string; seed?: string }) => {
      const repeat = o.repeat === undefined ? 1 : Number(o.repeat);
      if (!Number.isInteger(repeat) || repeat < 1) throw new UsageError(strings.badRepeat(String(o.repeat)));
      const seed = o.seed === undefined ? undefined : Number(o.seed);
      if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(strings.badSeed(String(o.seed)));
      code = (await gradeCommand(resolveCell(id), io.out, { repeat, seed })) ? 0 : 1;
    });
  cli
    .command("demo <cell>", "Run the cell's demo on your starter")
    .option("--solution", "Run it on the solution instead")
    .action(async (id: string, o: { solution?: boolean }) => {
      code = (await demoCommand(resolveCell(id), o.solution ? "solution" : "starter", io.out)) ?? 1;
    });
  cli
    .command("web [cell]", "The web view: lesson, verdicts and a picture of what the processes did")
    .option("--port <n>", "Serve on this port (default: a free one)")
    .option("--no-open", "Do not open a browser")
    .option("--poll", "Check the starter for changes instead of waiting for file events")
    .action(async (id: string | undefined, o: { port?: string | number; open?: boolean; poll?: boolean }) => {
      const { webCommand, checkPort } = await import("./commands/web.ts"); // the server's libraries load only here
      code = await webCommand({ cell: id === undefined ? undefined : resolveCell(id), port: checkPort(o.port), open: o.open !== false, poll: o.poll, io });
    });
  cli.command("track [name]", "Show or change your track: node, deno, bun or all").action(async (name?: string) => {
    if (name) line(strings.trackSaved(await saveTrack(name)));
    else if (io.interactive) await askTrack();
    else line(strings.trackSaved(readProgress(STATE_DIR).track ?? "—"));
  });
  cli.command("lang [name]", "Show or change the language: en or zh-CN").action(async (name?: string) => {
    if (name !== undefined) {
      const lang = normaliseLang(name);
      if (!lang) throw new UsageError(strings.unknownLang(name));
      await rememberLanguage(STATE_DIR, lang);
    }
    line(strings.langSaved(language(), LANGUAGE_NAMES[language()]));
  });

  try {
    cli.parse(["node", "main.ts", ...argv], { run: false });
    await cli.runMatchedCommand();
  } catch (err) {
    if (err instanceof UsageError || (err as Error).name === "CACError") {
      io.err(`${paint.red((err as Error).message)}\n`);
      return 2;
    }
    throw err;
  } finally {
    onProgressRebuilt(undefined);
  }
  return code;
}
