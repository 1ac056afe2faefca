// Watch mode's file events: "the starter was saved". chokidar's events where the file system sends
// them; where it does not — WSL on a Windows drive, network drives, container mounts — we poll.
// `--poll` polls from the start. Otherwise a slow check runs beside the events: a save that reached
// the disk with no event after a grace period means events do not arrive here, so we switch to
// polling for good, say so once, and grade the save that was missed. (rustlings asks for
// `--manual-run` when its watcher fails; we notice and fall back by ourselves.)
import { type Stats, statSync } from "node:fs";
import chokidar from "chokidar";

/** How often polling looks at the file. stat() is cheap: a few µs. */
export const POLL_MS = 300;
/** How often the slow check looks, while events are trusted. */
const CHECK_MS = 1_000;
/** A change on disk with no event for this long: events do not arrive here. */
const GRACE_MS = 1_500;

/** Something that reports changes to one file (chokidar by default; tests bring a silent one). */
export type EventSource = (file: string, onEvent: () => void, onError: (err: Error) => void) => { close(): Promise<void> | void; ready?: Promise<void> };

export const chokidarSource: EventSource = (file, onEvent, onError) => {
  const watcher = chokidar.watch(file, { ignoreInitial: true });
  watcher.on("all", (event) => (event === "change" || event === "add") && onEvent());
  watcher.on("error", (err) => onError(err instanceof Error ? err : new Error(String(err))));
  const ready = new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return { close: () => watcher.close(), ready };
};

export interface FileEvents {
  readonly polling: boolean;
  /** Resolves once saves from now on will be seen. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

export interface WatchFileOptions {
  /** Poll from the start (`--poll`). */
  poll?: boolean;
  /** Told once when events turned out not to arrive and polling took over. */
  onFallback?: () => void;
  source?: EventSource;
  pollMs?: number;
  checkMs?: number;
  graceMs?: number;
}

/** What identifies a version of the file on disk (a missing file is a version too). */
function signature(file: string): string {
  let s: Stats;
  try {
    s = statSync(file);
  } catch {
    return "missing";
  }
  return `${s.ino}:${s.size}:${s.mtimeMs}`;
}

export function watchFile(file: string, onChange: () => void, opts: WatchFileOptions = {}): FileEvents {
  let known = signature(file);
  let polling = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let events: ReturnType<EventSource> | undefined;
  /** When the slow check first saw a change that no event reported. */
  let unreported: number | undefined;
  /** The last event: an editor's last write may come just after it, in the same save. */
  let lastEvent = Number.NEGATIVE_INFINITY;

  const changed = () => {
    const now = signature(file);
    if (now === known) return false;
    known = now;
    return true;
  };

  const poll = () => {
    if (changed()) onChange();
  };

  const startPolling = () => {
    polling = true;
    clearInterval(timer);
    void events?.close();
    events = undefined;
    timer = setInterval(poll, opts.pollMs ?? POLL_MS);
  };

  const fallBack = () => {
    if (closed || polling) return;
    startPolling();
    opts.onFallback?.();
    known = signature(file);
    onChange(); // the save that no event reported
  };

  if (opts.poll) startPolling();
  else {
    events = (opts.source ?? chokidarSource)(
      file,
      () => {
        if (closed || polling) return;
        unreported = undefined;
        lastEvent = Date.now();
        known = signature(file);
        onChange();
      },
      () => fallBack(),
    );
    timer = setInterval(() => {
      const now = signature(file);
      if (now === known || Date.now() - lastEvent < (opts.graceMs ?? GRACE_MS)) {
        known = now;
        unreported = undefined;
        return;
      }
      unreported ??= Date.now();
      if (Date.now() - unreported >= (opts.graceMs ?? GRACE_MS)) fallBack();
    }, opts.checkMs ?? CHECK_MS);
  }

  return {
    get polling() {
      return polling;
    },
    ready: events?.ready ?? Promise.resolve(),
    async close() {
      closed = true;
      clearInterval(timer);
      await events?.close();
    },
  };
}
