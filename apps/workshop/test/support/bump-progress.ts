// A second "instance" for the progress test: n read-modify-writes of its own keys, as fast as it can.
import { updateProgress } from "../../src/state/progress.ts";

const [dir, prefix, n] = process.argv.slice(2) as [string, string, string];
for (let i = 0; i < Number(n); i++) await updateProgress(dir, (p) => void (p.hintsSeen[`${prefix}${i}`] = 1));
