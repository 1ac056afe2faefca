// The runtime track (node, deno, bun or all): asked once, remembered in progress.
import * as clack from "@clack/prompts";
import { STATE_DIR } from "../state/paths.ts";
import { readProgress, TRACKS, type Track, updateProgress } from "../state/progress.ts";
import { strings } from "../strings.ts";
import { UsageError } from "./resolve.ts";

/** Ask for the track (the saved one preselected); undefined if the learner cancelled. */
export async function askTrack(): Promise<Track | undefined> {
  const saved = readProgress(STATE_DIR).track;
  const track = await clack.select<Track>({
    message: strings.pickTrack,
    initialValue: saved ?? "node",
    options: TRACKS.map((t) => ({ value: t, label: t === "all" ? strings.trackAll : t, hint: strings.trackHint[t] })),
  });
  if (clack.isCancel(track)) return undefined;
  await saveTrack(track);
  return track;
}

export async function saveTrack(track: string): Promise<Track> {
  if (!(TRACKS as string[]).includes(track)) throw new UsageError(strings.unknownTrack(track));
  await updateProgress(STATE_DIR, (p) => {
    p.track = track as Track;
  });
  return track as Track;
}
