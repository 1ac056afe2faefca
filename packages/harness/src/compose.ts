// Turn what a run left behind (the runner's result, the journal, how the harness stopped it, the
// runtime's output) into a verdict a learner can act on, naming what really happened: a property
// that did not hold, a deadlock, a busy loop, a file that never loaded, a crash, an early exit, an
// allocation that never stopped. A killed run has no result: its journal still tells the story.
import { readFileSync } from "node:fs";
import { decodeMessage, isKey, type Lang, language, type Message, msg, render, t } from "@workshop/i18n";
import type { JournalLine } from "@workshop/process/journal";
import { repoPath } from "./cells.ts";
import { whereInWorkshop } from "./scenario.ts";
import { mapBuiltPositions } from "./source-maps.ts";
import { LOADING_OP, type RunnerResult, type Status, type Timing, type Verdict, type WorkerReport } from "./verdict.ts";

const EVENTS_CAP = 5000;
const LAST_PER_WORKER = 5;

/** Why the harness stopped a run before it ended by itself. */
export type Stop =
  | { why: "deadline" }
  /** `because`: the scenario expected progress (expectProgress) and said what its absence means (an encoded message). */
  | { why: "stalled"; quietMs: number; because?: string }
  | { why: "busy"; pid: number; share: number; workers: string[]; quietMs: number }
  /** The deadline came while a thread wanted a core but hardly got one: a machine too busy to tell. */
  | { why: "starved"; pid: number; share: number; workers: string[] }
  | { why: "loading"; busy: boolean; ms: number }
  | { why: "oom"; pid: number; rss: number; workers: string[]; cap: number };

export interface RunFacts {
  cell: string;
  file: string;
  scenario: string;
  title: string;
  seed?: number;
  runDir: string;
  result: RunnerResult | undefined;
  stop?: Stop;
  aborted?: boolean;
  deadlineMs?: number;
  quietMs?: number;
  durationMs: number;
  runtimeOutput: string;
  journal: JournalLine[];
  /** Peak resident memory per worker id, as the watchdog saw it. */
  peakRss?: Map<string, number>;
  /** Epoch ms: when the runtime was spawned and when its group was gone; how long bundling took. */
  clock?: { buildMs: number; spawnedAt: number; closedAt: number };
  /** The language the verdict's message is written in (default: the current language). */
  lang?: Lang;
}

type Fault = Extract<JournalLine, { k: "fault" }>;

export function composeVerdict(facts: RunFacts): Verdict {
  const f = mapPositions(facts);
  const endedAt = Date.now(); // composed right after the run ended (journal times are epoch ms too)
  const workers = workerReports(f.journal, endedAt, f.peakRss);
  const output = f.journal.flatMap((l) => (l.k === "log" ? [{ worker: l.w, stream: l.stream, text: l.text }] : []));
  const events = f.journal.filter((l) => l.k !== "log").slice(-EVENTS_CAP);
  const base = {
    cell: f.cell,
    file: f.file,
    scenario: f.scenario,
    title: f.title,
    seed: f.seed,
    durationMs: Math.round(f.durationMs),
    workers,
    output,
    events,
    runtimeOutput: f.runtimeOutput,
    timing: f.clock && timing(f.journal, f.clock),
  };
  const faults = f.journal.filter((l): l is Fault => l.k === "fault");
  const lang = f.lang ?? language();
  const words = (m: Message) => render(m, lang);
  // The message in words, and as data (`text`) for a view that renders it again.
  const verdict = (status: Status, text: Message, stack?: string): Verdict => {
    const message = words(text);
    return {
      ...base,
      status,
      message: status === "error" ? message : withTodo(message, f.file, lang),
      text,
      where: whereIn(stack, f.file) ?? whereIn(message, f.file) ?? whereInWorkshop(stack),
    };
  };
  const plainly = (status: Status, text: Message): Verdict => ({ ...base, status, message: words(text), text });

  if (f.aborted) return plainly("error", msg("harness:cancelled"));
  const stop = f.stop;
  if (stop?.why === "oom") {
    return verdict("oom", msg("harness:oom.stopped", { who: who(stop.workers, workers), cap: mib(stop.cap), rss: mib(stop.rss) }));
  }
  if (stop?.why === "loading") {
    return verdict("loading", msg(stop.busy ? "harness:loading.busy" : "harness:loading.waiting", { file: repoPath(f.file), seconds: seconds(stop.ms) }));
  }
  if (stop?.why === "busy") {
    const inside = stop.workers.map((id) => workers.find((w) => w.id === id)?.waiting).find(Boolean);
    return verdict(
      "busy",
      msg("harness:busy.spinning", {
        seconds: seconds(stop.quietMs),
        who: who(stop.workers, workers),
        inside: inside ? msg("harness:busy.inside", { call: callOf(inside) }) : "",
        percent: Math.min(100, Math.round(stop.share * 100)),
      }),
    );
  }
  if (stop?.why === "starved") {
    return verdict("busy", msg("harness:busy.starved", { seconds: seconds(f.deadlineMs), who: who(stop.workers, workers) }));
  }
  if (stop?.why === "deadline" || stop?.why === "stalled") {
    const why =
      stop.why === "deadline"
        ? msg("harness:stop.deadline", { seconds: seconds(f.deadlineMs) })
        : msg("harness:stop.stalled", { seconds: seconds(stop.quietMs) });
    // Waiting forever for a process that crashed or exited: that is the bug, not the wait.
    const ended = firstFault(faults);
    if (ended) return faultVerdict(ended, workers, verdict, f.file, msg("harness:fault.othersWaited", { why, processes: processLines(workers) }));
    // The scenario said what a run gone idle here means: its words, then who was doing what.
    const because = stop.why === "stalled" ? decodeMessage(stop.because) : undefined;
    if (because) return verdict("fail", msg("harness:stop.expected", { because, processes: processLines(workers) }));
    return verdict("deadlock", msg("harness:deadlock.suspected", { why, processes: processLines(workers) }));
  }
  if (!f.result) {
    const ended = firstFault(faults);
    if (ended) return faultVerdict(ended, workers, verdict, f.file, "");
    if (OUT_OF_MEMORY.test(f.runtimeOutput)) return verdict("oom", msg("harness:oom.runtime", { output: firstLines(f.runtimeOutput) }));
    if (workers.some((w) => w.waiting)) {
      // Deno and Bun end a program whose every promise is pending with nothing left to wake it.
      return verdict("deadlock", msg("harness:deadlock.suspected", { why: msg("harness:stop.nothingToWake"), processes: processLines(workers) }));
    }
    return plainly("error", msg("harness:runtimeExited", { output: firstLines(f.runtimeOutput) }));
  }
  if (f.result.status === "pass") return { ...base, status: "pass", data: f.result.data };
  const text = f.result.text ?? msg("harness:plain", { text: f.result.message ?? words(msg("harness:failed")) });
  return { ...verdict(f.result.status, text, f.result.stack), data: f.result.data };
}

/** Node cells ran as bundles: every position a learner may read points at the .ts source instead. */
function mapPositions(f: RunFacts): RunFacts {
  if (!f.runtimeOutput.includes("workshop-build") && !f.result?.stack?.includes("workshop-build") && !f.journal.some((l) => l.k === "fault" || l.k === "log")) {
    return f;
  }
  const result = f.result && {
    ...f.result,
    message: mapBuiltPositions(f.result.message),
    text: f.result.text && mapText(f.result.text),
    stack: mapBuiltPositions(f.result.stack),
  };
  const journal = f.journal.map((l) =>
    l.k === "fault"
      ? { ...l, message: mapBuiltPositions(l.message), stack: mapBuiltPositions(l.stack) }
      : l.k === "log"
        ? { ...l, text: mapBuiltPositions(l.text) }
        : l,
  );
  return { ...f, result, journal, runtimeOutput: mapBuiltPositions(f.runtimeOutput) };
}

/** A message's string params, with built positions mapped (a crash's "at workshop-build/…"). */
function mapText(m: Message): Message {
  if (!m.params) return m;
  const params = Object.fromEntries(
    Object.entries(m.params).map(([k, v]) => [
      k,
      typeof v === "string" ? mapBuiltPositions(v) : v && typeof v === "object" && "key" in v ? mapText(v as Message) : v,
    ]),
  );
  return { ...m, params };
}

/** Where the time of a run went, from the journal's timestamps (epoch ms, like the clock). */
function timing(journal: JournalLine[], clock: { buildMs: number; spawnedAt: number; closedAt: number }): Timing {
  const first = journal[0]?.t ?? clock.closedAt;
  const last = journal.at(-1)?.t ?? clock.closedAt;
  const loadBegin = journal.find((l) => l.k === "ev" && l.op === LOADING_OP && l.ph === "begin")?.t ?? first;
  const loadEnd = journal.find((l) => l.k === "ev" && l.op === LOADING_OP && l.ph === "end")?.t ?? loadBegin;
  const started = new Map<string, number>();
  const boots: number[] = [];
  for (const l of journal) {
    if (l.k === "proc" && l.what === "start") started.set(l.child, l.t);
    if (l.k === "pid" && started.has(l.w)) boots.push(l.t - started.get(l.w)!);
  }
  boots.sort((a, b) => a - b);
  const ms = (x: number) => Math.max(0, Math.round(x));
  return {
    build: ms(clock.buildMs),
    boot: ms(first - clock.spawnedAt),
    load: ms(loadEnd - loadBegin),
    children: started.size,
    childBoot: ms(boots[Math.floor((boots.length - 1) / 2)] ?? 0),
    work: ms(last - loadEnd),
    teardown: ms(clock.closedAt - last),
  };
}

/** The fault that explains the run: the first crash (or throw), else the first early exit. */
function firstFault(faults: Fault[]): Fault | undefined {
  return faults.find((x) => x.what !== "exit") ?? faults.find((x) => x.what === "exit");
}

function faultVerdict(
  fault: Fault,
  workers: WorkerReport[],
  verdict: (s: Status, m: Message, stack?: string) => Verdict,
  file: string,
  then: Message | "",
): Verdict {
  const at = whereIn(fault.stack, file) ?? whereInWorkshop(fault.stack);
  const inCall = workers.find((w) => w.id === fault.w)?.waiting;
  const params = {
    who: who([fault.w], workers),
    what: fault.message,
    at: at ? msg(fault.what === "exit" ? "harness:fault.at" : "harness:fault.atParen", { where: at }) : "",
    inCall: inCall ? msg("harness:fault.whileIn", { call: callOf(inCall) }) : "",
    then,
  };
  return verdict(
    fault.what === "exit" ? "exited" : "crash",
    msg(fault.what === "exit" ? "harness:fault.exited" : "harness:fault.crashed", params),
    fault.stack,
  );
}

const OUT_OF_MEMORY = /heap out of memory|out of memory|Allocation failed/i;

/** "starter.ts:14:11" as it appears in a stack, for the graded file itself (path or file URL). */
function whereIn(text: string | undefined, file: string): string | undefined {
  if (!text) return undefined;
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = text.match(new RegExp(`${escaped}:(\\d+)(?::(\\d+))?`));
  if (!match) return undefined;
  const rel = file.replace(/^.*?\/(workshops|packages)\//, "$1/");
  return `${rel}:${match[1]}${match[2] ? `:${match[2]}` : ""}`;
}

/** "w2 (incrementer)", or "the main process", or several of them. */
function who(ids: string[], workers: WorkerReport[]): Message {
  const names = ids.map((id) => {
    if (id === "main") return msg("harness:who.main");
    const w = workers.find((x) => x.id === id);
    return w && w.name !== w.id ? msg("harness:who.named", { id: w.id, name: w.name }) : msg("harness:who.id", { id });
  });
  if (names.length === 0) return msg("harness:who.someone");
  // Deno's workers are threads of one process: name them all, the busy or hungry one among them.
  return names.length === 1 ? names[0]! : msg("harness:who.shared", { names: ids.map((id) => nameOf(id, workers)) });
}

const nameOf = (id: string, workers: WorkerReport[]) => {
  const w = workers.find((x) => x.id === id);
  return w && w.name !== w.id ? `${w.id} (${w.name})` : id;
};

/** "acquire (for 1.2 s)" → "acquire": the call a process was waiting in, without how long. */
const callOf = (waiting: string) => waiting.replace(/ \(for .*\)$/, "");

function workerReports(journal: JournalLine[], endedAt: number, peakRss?: Map<string, number>): WorkerReport[] {
  const byId = new Map<string, WorkerReport & { open: Map<string, number> }>();
  const get = (id: string, name = id) => {
    let w = byId.get(id);
    if (!w) byId.set(id, (w = { id, name, exitCode: null, last: [], open: new Map() }));
    return w;
  };
  get("main");
  for (const line of journal) {
    if (line.k === "proc") {
      const w = get(line.child, line.name);
      w.name = line.name;
      if (line.what === "exit") w.exitCode = line.code ?? null;
    } else if (line.k === "ev") {
      const w = get(line.w);
      if (line.ph === "begin") w.open.set(line.op, line.t);
      else {
        if (line.ph === "end") w.open.delete(line.op);
        w.last = [...w.last, line.out ? `${line.op} → ${line.out}` : line.op].slice(-LAST_PER_WORKER);
      }
    }
  }
  return [...byId.values()].map(({ open, ...w }) => {
    const [op, since] = [...open.entries()].at(-1) ?? [];
    const peak = peakRss?.get(w.id);
    const report: WorkerReport = peak ? { ...w, peakRss: peak } : w;
    // Still inside a call when the run ended (or when it was killed, exit < 0): it was waiting.
    const stuck = op !== undefined && (w.exitCode === null || w.exitCode < 0);
    return stuck ? { ...report, waiting: `${op} (for ${((endedAt - (since ?? endedAt)) / 1000).toFixed(1)} s)` } : report;
  });
}

/** One message per process: "  w2 (incrementer) — waiting in acquire for 9.8 s". */
function processLines(workers: WorkerReport[]): Message[] {
  return workers.map((w) => {
    const waiting = w.waiting?.match(/^(.*) \(for ([\d.]+) s\)$/);
    const state = w.waiting
      ? waiting
        ? msg("harness:process.waitingFor", { call: waiting[1], seconds: waiting[2] })
        : msg("harness:process.waiting", { call: w.waiting })
      : w.exitCode !== null && w.exitCode >= 0
        ? msg("harness:process.exited", { code: w.exitCode })
        : w.last.length
          ? msg("harness:process.running", { last: w.last.at(-1) })
          : msg("harness:process.nothingRecorded");
    return msg("harness:process.line", { who: w.name === w.id ? w.id : `${w.id} (${w.name})`, state });
  });
}

/** Seconds with one decimal, as the catalogues print them ("6.0"). */
function seconds(ms = 0): string {
  return (ms / 1000).toFixed(1);
}

/** Whole MiB. */
function mib(bytes: number): number {
  return Math.round(bytes / (1 << 20));
}

/**
 * While a starter still has TODO comments, point at the lowest-numbered one: TODO(1) before
 * TODO(4), wherever they sit in the file, quoting its whole comment (a TODO may span lines).
 * (We cannot tell a done TODO from an open one, so the message asks the learner to delete each
 * comment when it is done.)
 */
function withTodo(message: string, file: string, lang: Lang): string {
  let lines: string[];
  try {
    lines = readFileSync(file, "utf8").split("\n");
  } catch {
    return message;
  }
  const todos = lines
    .map((line, index) => ({
      index,
      n: Number(/\bTODO\((\d+)\)/.exec(line)?.[1] ?? (/\bTODO\b/.test(line) ? Number.POSITIVE_INFINITY : Number.NaN)),
    }))
    .filter((t) => !Number.isNaN(t.n));
  if (todos.length === 0) return message;
  const next = todos.reduce((a, b) => (b.n < a.n ? b : a));
  const numbered = new Set(todos.filter((t) => Number.isFinite(t.n)).map((t) => t.n)).size;
  const left = numbered > 1 ? `\n${t("harness:next.left", { count: numbered }, lang)}` : "";
  return `${message}\n\n${nextPointer(repoPath(file), next.index + 1, todoText(lines, next.index), lang)}${left}`;
}

/** The TODO's comment, joined across the comment lines that continue it (up to the next TODO). */
function todoText(lines: string[], index: number): string {
  const first = lines[index]!.trim().replace(/^\/\/\s?/, "");
  const parts = [first.slice(Math.max(0, first.search(/\bTODO\b/)))];
  for (let i = index + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line.startsWith("//") || /\bTODO\b/.test(line)) break;
    const text = line.replace(/^\/\/\s?/, "").trim();
    if (!text) break;
    parts.push(text);
  }
  return parts.join(" ");
}

/** A scenario's title in words: a catalogue key or message ("lock:counter.title"), or (until its chapter is converted) plain English. */
export function scenarioTitle(title: string | Message, lang?: Lang): string {
  return typeof title !== "string" ? render(title, lang) : isKey(title) ? t(title, {}, lang) : title;
}

/** The runtime's first lines, or that it printed nothing. */
function firstLines(output: string): Message {
  const text = output.trim().split("\n").slice(0, 12).join("\n");
  return text ? msg("harness:output.lines", { text }) : msg("harness:output.nothing");
}

/**
 * "Next: workshops/01-lock/node/starter.ts:14: TODO(1) …" — the label in the verdict's language,
 * then the place and the TODO's own words. The report finds it by the label, in any language.
 */
export function nextPointer(file: string, line: number, todo: string, lang?: Lang): string {
  return t("harness:next.pointer", { file, line, todo }, lang);
}
