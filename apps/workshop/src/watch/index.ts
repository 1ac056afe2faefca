// Watch mode (`npm start`, `npm start -- <cell>`): one cell at a time, re-graded on every save.
// Split by concern, as rustlings splits its own: file-events.ts (a save happened: chokidar, or
// polling where events do not arrive), terminal-events.ts (keys → actions, the terminal restored),
// state.ts (the session: the open cell, its grading, what each action does).
import type { Track } from "../state/progress.ts";
import { Session } from "./state.ts";

export function watch(track: Track, startId: string, opts: { poll?: boolean } = {}): Promise<number> {
  return new Session(track, opts).run(startId);
}
