// The terminal we draw on: colours (off with NO_COLOR or when not a terminal), width (learners use
// narrow split panes: everything wraps to it) and whether anyone is there to press keys. These are
// the only things the app adds to the harness's report (report.ts renders the verdicts).
import { stripVTControlCharacters } from "node:util";
import { type Paint, rule as reportRule, type Style } from "@workshop/harness";
import pc from "picocolors";

const colours = pc.createColors(pc.isColorSupported && !process.env.NO_COLOR);

export const paint: Paint & { inverse(s: string): string } = {
  red: colours.red,
  green: colours.green,
  yellow: colours.yellow,
  dim: colours.dim,
  bold: colours.bold,
  cyan: colours.cyan,
  magenta: colours.magenta,
  inverse: colours.inverse,
};

export const colourOn = () => colours.isColorSupported;

/** Text as the terminal should get it: without escapes when colour is off. */
export const plainIfNoColour = (text: string) => (colourOn() ? text : stripVTControlCharacters(text));

export const width = () => Math.max(40, Math.min(process.stdout.columns || 80, 120));

/** How the harness's report should look here: our colours, our width, our replay command. */
export const reportStyle = (): Style => ({
  paint,
  width: width(),
  replay: (seed, cell) => `\`npm start -- grade ${cell} --seed ${seed}\``,
});

/** Interactive only with a terminal on both ends and not in CI: otherwise never wait on input. */
export const interactive = () => Boolean(process.stdin.isTTY && process.stdout.isTTY) && !isCI();
const isCI = () => Boolean(process.env.CI && process.env.CI !== "false" && process.env.CI !== "0");

// Clears the screen but not the scrollback: the learner can scroll up to earlier verdicts.
export const clearScreen = () => process.stdout.write("\x1b[2J\x1b[H");

export const rule = (title = "") => reportRule(title, reportStyle());
