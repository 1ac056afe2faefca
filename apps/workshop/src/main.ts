// `npm start [-- command]`: the step-through app. With no command it is interactive in a terminal
// (watch mode) and prints the list elsewhere; the commands do one thing each, for scripts and editors.
import { cac } from "cac";
import { demoCommand } from "./commands/demo.ts";
import { gradeCommand } from "./commands/grade.ts";
import { hintCommand } from "./commands/hint.ts";
import { listCommand } from "./commands/list.ts";
import { nextCommand } from "./commands/next.ts";
import { resetCommand } from "./commands/reset.ts";
import { resolveCell, UsageError } from "./commands/resolve.ts";
import { solutionCommand } from "./commands/solution.ts";
import { startCommand } from "./commands/start.ts";
import { askTrack, saveTrack } from "./commands/track.ts";
import { STATE_DIR } from "./state/paths.ts";
import { readProgress } from "./state/progress.ts";
import { strings } from "./strings.ts";
import { confirm } from "./ui/confirm.ts";
import { interactive, paint } from "./ui/terminal.ts";
import { unknownCommand, usage } from "./ui/usage.ts";

const out = (s: string) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
const cli = cac("npm start --");

cli.command("", "Step through the workshop: watch mode in a terminal, the list elsewhere").action(() => startCommand());
cli
  .command("list", "Every cell with its status")
  .option("--grade", "Re-grade every cell first (progress is a cache; grading is the truth)")
  .action(async (o: { grade?: boolean }) => out(await listCommand({ grade: o.grade })));
cli.command("next", "The first unsolved cell of your track").action(() => out(nextCommand()));
cli
  .command("hint <cell>", "The next hint for a cell, e.g. 01-lock/deno")
  .option("--all", "Every hint seen so far, again")
  .action(async (id: string, o: { all?: boolean }) => out(await hintCommand(resolveCell(id), { all: o.all })));
cli
  .command("reset <cell>", "Put back the pristine starter (your file is backed up first)")
  .option("--yes", "Do not ask (needed without a terminal)")
  .action(async (id: string, o: { yes?: boolean }) => {
    const c = resolveCell(id);
    // Not done is a failure (exit 1): a script must not carry on as if the starter were reset.
    if (!o.yes && !interactive()) {
      process.stderr.write(`${paint.red(strings.resetNeedsYes)}\n`);
      return 1;
    }
    if (!o.yes && !(await confirm(strings.confirmReset(id)))) return 1;
    out(await resetCommand(c));
    return 0;
  });
cli
  .command("solution <cell>", "Diff from your file to the solution (spoilers)")
  .option("--yes", "Do not ask")
  .action(async (id: string, o: { yes?: boolean }) => {
    const c = resolveCell(id);
    // Asked by name on the command line (or from an editor) counts as consent without a terminal.
    if (!o.yes && interactive() && !(await confirm(strings.confirmSpoiler))) return 1; // declined: not shown
    out(solutionCommand(c));
    return 0;
  });
cli.command("grade <cell>", "Grade a cell once; exit code 0 when it passes").action(async (id: string) => {
  process.exitCode = (await gradeCommand(resolveCell(id), (s) => process.stdout.write(s))) ? 0 : 1;
});
cli
  .command("demo <cell>", "Run the cell's demo on your starter")
  .option("--solution", "Run it on the solution instead")
  .action(async (id: string, o: { solution?: boolean }) => {
    const code = await demoCommand(resolveCell(id), o.solution ? "solution" : "starter", (s) => process.stdout.write(s));
    process.exitCode = code ?? 1;
  });
cli.command("track [name]", "Show or change your track: node, deno, bun or all").action(async (name?: string) => {
  if (name) out(strings.trackSaved(await saveTrack(name)));
  else if (interactive()) await askTrack();
  else out(strings.trackSaved(readProgress(STATE_DIR).track ?? "—"));
});

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // `help`, `--help`, `-h`, also after a command (`hint --help`): the one list says everything.
  if (args[0] === "help" || args.includes("--help") || args.includes("-h")) {
    out(usage());
    process.exit(0);
  }
  const known = new Set(cli.commands.map((c) => c.name).filter(Boolean));
  const name = args[0];
  if (name !== undefined && !name.startsWith("-") && !known.has(name)) {
    process.stderr.write(`${unknownCommand(name)}\n`);
    process.exit(2);
  }
  try {
    cli.parse(process.argv, { run: false });
    const result = await cli.runMatchedCommand();
    if (typeof result === "number") process.exitCode = result;
  } catch (err) {
    if (err instanceof UsageError || (err as Error).name === "CACError") {
      process.stderr.write(`${paint.red((err as Error).message)}\n`);
      process.exitCode = 2;
    } else throw err;
  }
  // Watch mode and demos leave handles (watchers, stdin) behind on purpose until now.
  process.exit(process.exitCode ?? 0);
}

await main();
