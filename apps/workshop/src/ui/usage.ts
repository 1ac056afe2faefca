// `npm start -- help` and what follows an unknown command: every command with its arguments and
// one line of what it does (cac's own help cannot name the default command, so it is not used).

import { wrap } from "@workshop/harness";
import { strings } from "../strings.ts";
import { paint, width } from "./terminal.ts";

/** One row per command; a description too long for the terminal wraps under itself. */
export function commandList(): string[] {
  const column = Math.max(...strings.commands.map(([usage]) => usage.length)) + 4;
  return strings.commands.flatMap(([usage, does]) => {
    const [first = "", ...rest] = wrap(does, width(), " ".repeat(column));
    return [`  ${paint.cyan(usage)}${" ".repeat(column - 2 - usage.length)}${first.trimStart()}`, ...rest];
  });
}

export const usage = () => [strings.usage, "", strings.commandsTitle, ...commandList()].join("\n");

export const unknownCommand = (name: string) => [paint.red(strings.unknownCommand(name)), "", strings.commandsTitle, ...commandList()].join("\n");
