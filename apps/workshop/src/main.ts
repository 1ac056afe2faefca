// `npm start [-- command]`: the step-through app (the commands are in cli.ts).
import { runCli } from "./cli.ts";
import { interactive } from "./ui/terminal.ts";

const code = await runCli(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  interactive: interactive(),
});
// Watch mode and demos leave handles (watchers, stdin) behind on purpose until now.
process.exit(code);
