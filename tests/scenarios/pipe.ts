// 02-pipe: the properties every duplex Pipe must have, on every runtime. Written once, against the
// contract. The two ends always live on two sides of a real boundary: two child processes (Node,
// Bun) or workers (Deno), or the top process and one child.
//
// Each verdict names what the receiver saw — a message lost, out of order, glued to another or
// cut in two (framing), recv() resolving undefined, EOF too early or never — in the words of the
// runtime's mechanism: Node and Bun carry a byte stream that arrives in chunks, Deno's ports carry
// whole messages. Payloads are summarised, never printed whole.

import { readFileSync } from "node:fs";
import { type Connection, hasCode, type PipeCell } from "@workshop/contracts";
import { cpuMs, expectFinished, expectShape, fail, type Scenario, type ScenarioContext, slack, sleep, whereInWorkshop } from "@workshop/harness/scenario";
import { mark, type ProcessLike, type Runtime, signalParent, traced, waitForParent } from "@workshop/process";
import { journalPath, now } from "@workshop/process/journal";
import { brief, describeError, fmt } from "./support.ts";

type Conn = Connection<unknown>;
type Ctx = ScenarioContext<PipeCell>;

export const HELLO = "Hello from sender";
const ORDERED = 10_000;
const BIG = 10 * 1024 * 1024;
const ROUND_TRIPS = 1_000;
const STREAMED = 2_000;
/** The seed's receiver waits this long for its one message. */
const RECV_WAIT_MS = 5_000;
/** In a stream of messages the next one is overdue after this: it was lost (or EOF never came). */
const GAP_MS = 2_000;
/** Once the peer is closed or dead, EOF takes milliseconds; waiting longer only slows a red grade. */
const EOF_EXPECTED_MS = 2_000;
/** The poller's two long waits on an idle pipe — poll(ms), then recv({ timeoutMs }) — each measured for CPU. */
const IDLE_MS = 500;
/** How long the poller sits in recv() with no timeout, and in poll(5000), before the other end sends. */
const FIRST_AFTER_MS = 50;
const POLL_WAKE_MS = 50;
/** The big-message reader pauses this long after the 10 MiB message. */
const PAUSE_MS = 50;
/** "Answer at once": poll(0), recv({ timeoutMs: 0 }). */
const AT_ONCE_MS = 150;
/**
 * A process waiting in recv() or poll() should sleep until data comes. Measured (2 cores, busy with
 * other work): the solutions use 0–5 ms of CPU in a 500 ms wait, under 1 % of a core — Deno counts
 * the whole process. A loop that checks again and again: setImmediate 60–85 % (Node, Deno); a zero
 * or 1 ms timer, setTimeout(…, Infinity) (which fires after 1 ms) or a 10 ms nap, 4–15 % on every
 * runtime. So: above 25 % in any wait is busy-waiting, above 2 % in a long wait is polling.
 */
const BUSY_SHARE = 0.25;
const POLLING_SHARE = 0.02;
/** Waits at least this long are judged for polling (shorter ones are too short to tell a few ms apart). */
const LONG_WAIT_MS = IDLE_MS - 50; // with room for a timer that fires a little early

// ---- what travels (generated the same way on both sides, so nothing big crosses twice) --------

/** Bytes that are not periodic at any power of two, so a lost or repeated chunk shows up. */
export function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** FNV-1a over the bytes: cheap, and any changed, lost or reordered byte changes it. */
export function checksum(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** After the 10 MiB message: tiny and large messages mixed, of every kind the contract allows. */
function mixed(): unknown[] {
  return [
    "",
    pattern(1, 2),
    { tiny: true, n: 1 },
    pattern(3 * 1024 * 1024 + 7, 3),
    "x",
    0,
    pattern(65_536, 4),
    [1, "two", { three: [3] }],
    pattern(1024 * 1024, 5),
    "last",
  ];
}

/** A short, comparable description of a message: what the receiver got, in one line. */
export function summary(msg: unknown): string {
  if (msg instanceof Uint8Array) return `bytes(${msg.length}, #${checksum(msg).toString(16)})`;
  if (typeof msg === "string") return msg.length > 40 ? `string(${msg.length} chars)` : JSON.stringify(msg);
  if (msg === undefined) return "undefined";
  if (typeof msg !== "object" || msg === null) return brief(msg);
  try {
    // Long strings inside are named, not copied: a summary never holds a payload.
    const text = JSON.stringify(msg, (_key, v: unknown) =>
      v instanceof Uint8Array ? `bytes(${v.length})` : typeof v === "string" && v.length > 40 ? `string(${v.length} chars)` : v,
    );
    return text === undefined ? brief(msg) : text.length > 60 ? `${text.slice(0, 57)}…` : text;
  } catch {
    return brief(msg);
  }
}

/** Chinese, emoji (4-byte UTF-8 and surrogate pairs), combining marks: every width of character. */
const TEXT = "管道的两端：你好，世界！🌏🚀 naïve café 𝄞 👩‍👩‍👧‍👦 ";

export function unicodeMessages(): string[] {
  const out: string[] = [TEXT.repeat(12_000)]; // ~700 KB: crosses many chunk boundaries
  // Then many shorter ones whose lengths shift by one each time, so boundaries land mid-character.
  for (let i = 0; i < 300; i++) out.push(`${"·".repeat(i % 7)}${TEXT.repeat(1 + (i % 40))}${i}`);
  return out;
}

// ---- one recv(), as the grader sees it ----------------------------------------------------------

/** How a recv() ended when it did not give a message. */
interface Stop {
  stop: "timeout" | "eof" | "undefined" | "error";
  /** The timeout recv() was given, if any. */
  timeoutMs?: number;
  /** CPU this process used meanwhile (on Deno: the whole process). */
  cpuMs?: number;
  /** The error in one line (with where, in the learner's file). */
  text: string;
  ms: number;
}
type Outcome = { msg: unknown } | Stop;

/** recv() journaled and timed; whatever it does becomes an Outcome (the verdict words it). */
async function tryRecv(conn: Conn, label: string, timeoutMs?: number, measureCpu = false): Promise<Outcome> {
  let t0 = 0;
  let c0 = 0;
  try {
    const msg = await traced(
      label,
      () => {
        t0 = performance.now();
        if (measureCpu) c0 = cpuMs(); // (not on every call: 10 000 system calls show in the time)
        return timeoutMs === undefined ? conn.recv() : conn.recv({ timeoutMs });
      },
      summary,
    );
    return msg === undefined
      ? { stop: "undefined", text: "undefined", ms: elapsed(t0), cpuMs: measureCpu ? Math.round(cpuMs() - c0) : undefined, timeoutMs }
      : { msg };
  } catch (err) {
    const where = whereInWorkshop((err as { stack?: string } | null)?.stack);
    const stop = hasCode(err, "EOF") ? "eof" : hasCode(err, "TIMEOUT") ? "timeout" : "error";
    const text = describeError(err);
    const short = text.length > 160 ? `${text.slice(0, 157)}…` : text; // a decoder's message may quote the payload
    return {
      stop,
      text: `${short}${stop === "error" && where ? ` (at ${where})` : ""}`,
      ms: elapsed(t0),
      cpuMs: measureCpu ? Math.round(cpuMs() - c0) : undefined,
      timeoutMs,
    };
  }
}

/** poll() journaled and timed; a non-boolean answer fails the worker (the learner's claim, checked). */
async function timedPoll(conn: Conn, ms: number): Promise<{ ready: boolean; ms: number }> {
  let t0 = 0;
  const ready: unknown = await traced(
    `poll(${ms})`,
    () => {
      t0 = performance.now();
      return conn.poll(ms);
    },
    String,
  );
  if (typeof ready !== "boolean") fail(`poll(${ms}) resolved ${brief(ready)}: it must resolve true (a message or EOF is ready) or false`);
  return { ready, ms: elapsed(t0) };
}

function elapsed(t0: number): number {
  return Math.round(performance.now() - t0);
}

const STREAMS: Record<Runtime, boolean> = { node: true, bun: true, deno: false };

/** Did this error come from decoding bytes that are not one whole message? */
function looksLikeFraming(text: string): boolean {
  return /SyntaxError|JSON|deserializ|Unexpected|out of range|offset|buffer|invalid|Unterminated|Read\w*\(\) failed/i.test(text);
}

/** What a recv() that did not give a message did, for a verdict. */
function stopWords(s: Stop, rt: Runtime): string {
  switch (s.stop) {
    case "undefined":
      return (
        "recv() resolved undefined. The sender never sends undefined: recv() returned without a message. It must wait until one is " +
        'there; with nothing left it rejects — TimeoutError past its timeout, EOFError once the peer has closed and everything was read (Python raises EOFError; it never returns None for "no more")'
      );
    case "eof":
      return `recv() rejected with ${s.text}`;
    case "timeout":
      if (spun(s))
        return (
          `recv() kept a core busy for ${fmt(s.ms)} ms (${fmt(s.cpuMs ?? 0)} ms of CPU) and got nothing (${s.text}): busy-waiting, and the data never came in. ` +
          "A loop around an await that resolves at once (await Promise.resolve(), a zero timeout) lets no I/O happen between its turns: wait for the data itself"
        );
      if (gaveUpEarly(s))
        return (
          `recv() gave up with ${s.text} after ${fmt(s.ms)} ms, though its timeout was ${fmt(s.timeoutMs ?? 0)} ms: it must keep waiting until the time is up — ` +
          "bytes that do not complete a message yet are no reason to stop"
        );
      return `recv() waited ${fmt(s.ms)} ms and got nothing (${s.text})`;
    case "error":
      return `recv() rejected with ${s.text.replace(/\.+$/, "")}${
        STREAMS[rt] && looksLikeFraming(s.text)
          ? ". It tried to decode bytes that are not one whole message: a chunk is not a message — collect bytes until a whole frame is there (framing)"
          : ""
      }`;
  }
}

/** A recv() that kept a core busy while it got nothing. */
function spun(s: Stop): boolean {
  return s.ms >= 200 && (s.cpuMs ?? 0) > BUSY_SHARE * s.ms;
}

/** A TimeoutError well before the timeout was up. */
function gaveUpEarly(s: Stop): boolean {
  return s.stop === "timeout" && s.timeoutMs !== undefined && s.ms < 0.8 * s.timeoutMs - 50;
}

/** Why messages go missing, by mechanism. */
function lostWhy(rt: Runtime): string {
  return STREAMS[rt]
    ? "On a byte stream that is framing: one chunk can hold several messages (take every complete frame out of it, keep the rest for the next chunk) — a chunk is not a message."
    : "A message that arrives while nobody is in recv() must be kept: every one, in order, in an inbox.";
}

// ---- the learner's claims, checked before the grader relies on them ---------------------------

/** Pipe() resolves two ends, each with send, recv, poll and close. */
async function makePipe(cell: PipeCell): Promise<[Conn, Conn]> {
  expectShape(cell, "the module", ["Pipe"]);
  const pair: unknown = await cell.Pipe<unknown>();
  if (!Array.isArray(pair) || pair.length !== 2) fail(`Pipe() resolved to ${brief(pair)}: it must resolve to two connected ends, [a, b]`);
  for (const [i, end] of pair.entries()) expectShape(end, `Pipe()[${i}]`, ["send", "recv", "poll", "close"]);
  return pair as [Conn, Conn];
}

/**
 * Wait for a child's signal. If it ended first, say why (its fail(), a crash, an early exit); if
 * it is still running without having signalled, it is stuck doing `doing`.
 */
async function signalFrom(proc: ProcessLike, what: string, timeoutMs: number, doing: string): Promise<void> {
  try {
    await proc.waitFor(what, { timeoutMs });
  } catch {
    if (proc.exitCode === null) await proc.join({ timeoutMs: 200 });
    if (proc.exitCode !== null) {
      expectFinished([proc]);
      fail(`${proc.name} returned before it could ${doing}`);
    }
    fail(lateWords(proc, timeoutMs, doing));
  }
}

/** When each process ended (performance.now() in the top process): who went first tells cause from effect. */
const endedAt = new WeakMap<ProcessLike, number>();

/** ctx.start, and note when the process ends. */
async function launch(ctx: Ctx, target: string, args: unknown[], name: string): Promise<ProcessLike> {
  const p = await ctx.start(target, args, name);
  void p.join().then(() => endedAt.set(p, performance.now()));
  return p;
}

const ended = (p: ProcessLike) => p.exitCode !== null;
/** Ended before its function returned: a fail() inside it, a crash, an early exit. */
const faulted = (p: ProcessLike) => p.exitCode !== null && !p.finished;
const endOf = (p: ProcessLike) => endedAt.get(p) ?? (ended(p) ? performance.now() : Number.POSITIVE_INFINITY);

/** Wait until `done()` holds, or one process ends without finishing — checked as each one ends — or the time is up. */
async function waitUntil(procs: ProcessLike[], done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const alive = procs.filter((p) => !ended(p));
    const left = deadline - performance.now();
    if (done() || procs.some(faulted) || !alive.length || left <= 0) return;
    await Promise.race(alive.map((p) => p.join({ timeoutMs: left })));
  }
}

/** The process that went wrong first (a fail(), a crash, an early exit): its own words, at once. */
function blameFirst(procs: ProcessLike[], before = Number.POSITIVE_INFINITY): void {
  const first = procs.filter(faulted).sort((x, y) => endOf(x) - endOf(y))[0];
  if (first && endOf(first) <= before) expectFinished([first]);
}

/** Like joinAll, but a process that goes wrong is reported as soon as it does, not after the others time out. */
async function awaitAll(procs: ProcessLike[], timeoutMs: number, doing: string): Promise<void> {
  await waitUntil(procs, () => procs.every(ended), timeoutMs);
  blameFirst(procs);
  const late = procs.find((p) => !ended(p));
  if (late) fail(lateWords(late, timeoutMs, doing));
  expectFinished(procs);
}

/**
 * Wait for the receivers (they decide: each recv() has its own timeout), then briefly for the
 * senders. Whatever went wrong first before the receivers were done — a sender that crashed, a
 * receiver that crashed — is the cause, before anything they saw. (A sender that died after its
 * receiver was done only lost its reader.) Then the receivers' reports can be judged.
 */
async function settleAll(senders: ProcessLike[], receivers: ProcessLike[], timeoutMs: number, doing: string): Promise<void> {
  const all = [...receivers, ...senders];
  await waitUntil(all, () => receivers.every(ended), timeoutMs);
  if (!all.some(faulted)) await waitUntil(senders, () => senders.every(ended), 2_000);
  blameFirst(all, Math.max(...receivers.map(endOf)));
  const late = receivers.find((p) => !ended(p));
  if (late) fail(lateWords(late, timeoutMs, doing));
}

/** A process that is late: stuck (waiting for what never comes), or only slow (still at work)? */
function lateWords(p: ProcessLike, timeoutMs: number, doing: string): string {
  const file = journalPath();
  const mine = file
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.includes(`"w":"${p.id}"`) && line.includes('"k":"ev"'))
    : [];
  const last = mine.at(-1);
  const ago = last ? now() - (JSON.parse(last) as { t: number }).t : Number.POSITIVE_INFINITY;
  if (ago < 1_000) {
    const done = mine.filter((line) => line.includes('"ph":"end"')).length;
    return (
      `${p.name} did not ${doing} within ${fmt(timeoutMs)} ms, though it was still at work (${fmt(done)} calls done, the last one ${fmt(Math.round(ago))} ms ago): ` +
      "too slow rather than stuck. Does recv() nap between checks? A pause in a loop is added to every message — wait for the data itself."
    );
  }
  return `${p.name} did not ${doing} within ${fmt(timeoutMs)} ms — is it waiting for something that never comes?`;
}

/** A time budget scaled for slow machines. (slack() reads the environment, which Deno may not.) */
function scaled(ms: number): number {
  try {
    return slack(ms);
  } catch {
    return ms;
  }
}

// ---- workers (each runs in its own process or worker) -----------------------------------------

/** The seed's sender: `conn.send("Hello from sender")`. */
export async function helloSender(conn: Conn): Promise<void> {
  await traced("send", () => conn.send(HELLO));
  await traced("close", () => conn.close());
}

/** The seed's receiver: `print(conn.recv())`. */
export async function helloReceiver(conn: Conn): Promise<Outcome> {
  const got = await tryRecv(conn, "recv", RECV_WAIT_MS, true);
  if ("msg" in got) {
    console.log(typeof got.msg === "string" && got.msg.length <= 200 ? got.msg : summary(got.msg)); // never a payload whole
    return { msg: summary(got.msg) };
  }
  return got;
}

/** Larger than any pipe or socket buffer (Linux pipes grow to 1 MiB): such a message always arrives in several chunks. */
const PAD = "x".repeat(1_100_000);

/** One message in the middle carries PAD, so a chunk boundary surely falls inside a message. */
function seqMessage(i: number): { seq: number; pad?: string } {
  return i === 4_999 ? { seq: i, pad: PAD } : { seq: i };
}

export async function sendSequence(conn: Conn, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await traced(`send #${i}`, () => conn.send(seqMessage(i)));
  await traced("close", () => conn.close());
}

export interface SeqReport {
  /** The seq of each message received, in order; -1 for one the sender never sent. */
  seqs: number[];
  foreign?: { index: number; what: string };
  stop?: Stop & { index: number };
}

export async function recvSequence(conn: Conn, n: number, gapMs: number): Promise<SeqReport> {
  const seqs: number[] = [];
  let foreign: SeqReport["foreign"];
  for (let i = 0; i < n; i++) {
    const got = await tryRecv(conn, `recv #${i}`, gapMs);
    if (!("msg" in got)) return { seqs, foreign, stop: { ...got, index: i } };
    const msg = got.msg as { seq?: unknown; pad?: unknown } | null;
    const seq = msg?.seq;
    if (typeof seq === "number" && msg?.pad === seqMessage(seq).pad) seqs.push(seq);
    else {
      foreign ??= { index: i, what: summary(got.msg) };
      seqs.push(-1);
    }
  }
  return { seqs, foreign };
}

export interface ListReport {
  got: string[];
  stop?: Stop;
}

export interface UnicodeReport extends ListReport {
  /** A text that arrived changed: how long it was, and the first character that differs. */
  bad?: { index: number; got: string; at: number };
  /** Text #index never came: #came arrived in its place. */
  lost?: { index: number; came: number };
}

export async function sendList(conn: Conn, which: "big" | "unicode"): Promise<void> {
  const list = which === "big" ? [pattern(BIG, 1), ...mixed()] : unicodeMessages();
  for (const [i, msg] of list.entries()) await traced(`send #${i}`, () => conn.send(msg));
  await traced("close", () => conn.close());
}

/** Receive the whole list; report each message's summary (texts: whole, compared here). */
export async function recvList(conn: Conn, which: "big" | "unicode", gapMs: number): Promise<UnicodeReport> {
  const want = which === "big" ? Array.from({ length: 1 + mixed().length }, () => "") : unicodeMessages();
  const got: string[] = [];
  for (const [i, w] of want.entries()) {
    const r = await tryRecv(conn, `recv #${i}`, gapMs);
    if (!("msg" in r)) return { got, stop: r };
    if (which === "big") {
      got.push(summary(r.msg));
      if (i === 0) {
        // A slow reader: the next messages pile up meanwhile — and a sender that respects
        // backpressure cannot be done with the 3 MiB one (more than any pipe holds) before we read on.
        mark("paused");
        await sleep(PAUSE_MS);
        mark("resumed");
      }
    } else if (r.msg !== w) {
      const j = want.indexOf(r.msg as string, i + 1);
      if (j > i) return { got, lost: { index: i, came: j } };
      const text = typeof r.msg === "string" ? r.msg : summary(r.msg);
      let at = 0;
      while (at < text.length && text[at] === w[at]) at++;
      return { got, bad: { index: i, got: typeof r.msg === "string" ? `${fmt(r.msg.length)} characters` : text, at } };
    } else got.push("ok");
  }
  return { got };
}

/** Ping-pong: send n, wait for n back. Then stream with the peer, both directions at once. */
export async function pinger(conn: Conn, rounds: number, streamed: number, gapMs: number): Promise<number> {
  for (let i = 0; i < rounds; i++) {
    await traced(`send ping ${i}`, () => conn.send({ ping: i }));
    const back = await tryRecv(conn, `recv pong ${i}`, gapMs);
    if (!("msg" in back)) fail(`round trip ${i}: sent { ping: ${i} }, then ${stopWords(back, runtimeHere())}`);
    const pong = (back.msg as { pong?: unknown } | null)?.pong;
    if (pong !== i) fail(`round trip ${i}: sent { ping: ${i} } — ${wrongNumber(i, pong, back.msg, runtimeHere())}`);
  }
  return both(conn, streamed, "pinger", gapMs);
}

export async function ponger(conn: Conn, rounds: number, streamed: number, gapMs: number): Promise<number> {
  for (let i = 0; i < rounds; i++) {
    const got = await tryRecv(conn, `recv ping ${i}`, gapMs);
    if (!("msg" in got)) fail(`ping ${i} never came: ${stopWords(got, runtimeHere())}`);
    await traced(`send pong ${i}`, () => conn.send({ pong: (got.msg as { ping?: unknown } | null)?.ping }));
  }
  return both(conn, streamed, "ponger", gapMs);
}

/** Send `n` 1 KiB messages while receiving the peer's `n`: neither side waits for the other first. */
async function both(conn: Conn, n: number, who: string, gapMs: number): Promise<number> {
  const payload = "x".repeat(1024);
  mark("both directions");
  const sending = (async () => {
    for (let i = 0; i < n; i++) await traced(`send ${i}`, () => conn.send({ from: who, i, payload }));
  })().then(
    () => undefined,
    (err: unknown) => describeError(err),
  );
  for (let i = 0; i < n; i++) {
    const got = await tryRecv(conn, `recv ${i}`, gapMs);
    if (!("msg" in got)) fail(`while both ends were sending, message ${i} from the peer never came: ${stopWords(got, runtimeHere())}`);
    const msg = got.msg as { i?: unknown } | null;
    if (msg?.i !== i) fail(`while both ends were sending, ${wrongNumber(i, msg?.i, got.msg, runtimeHere())}`);
  }
  const failed = await sending;
  if (failed) fail(`while both ends were sending, send() rejected with ${failed}`);
  return n;
}

/** Message number `want` was expected, `got` came (its number, if it has one): lost, again, or foreign. */
function wrongNumber(want: number, got: unknown, msg: unknown, rt: Runtime): string {
  if (typeof got !== "number")
    return `message ${want} from the peer was ${summary(msg)}, which it never sent${STREAMS[rt] ? ": pieces of messages glued or cut (framing)" : ""}`;
  if (got > want) return `message ${want} from the peer was lost${got > want + 1 ? ` (and ${got - want - 1} after it)` : ""}: ${got} came next. ${lostWhy(rt)}`;
  return `message ${got} from the peer came again (or out of order) where ${want} was due: take each message out of the inbox once, oldest first`;
}

/** The runtime this worker runs on (for wording inside a worker). */
function runtimeHere(): Runtime {
  return "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
}

export interface PollReport {
  waits: { what: string; wallMs: number; cpuMs: number }[];
}

/**
 * poll and recv timeouts, on an idle pipe and then once data is there; how much CPU waiting takes;
 * and EOF once the top process closes its end. Every property is checked here, in order, and the
 * first one that does not hold fails this worker with its own message.
 */
export async function pollProbe(conn: Conn): Promise<PollReport> {
  const waits: PollReport["waits"] = [];
  const measured = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    const [c0, t0] = [cpuMs(), performance.now()];
    const value = await f();
    waits.push({ what, wallMs: elapsed(t0), cpuMs: Math.round(cpuMs() - c0) });
    return value;
  };
  const rt = runtimeHere();

  const p0 = await timedPoll(conn, 0);
  if (p0.ready) {
    const then = await guarded(tryRecv(conn, "recv({ timeoutMs: 0 }) after poll(0) said true", 0));
    if (then !== "still waiting" && !("msg" in then) && then.stop === "eof")
      fail(
        "poll(0) on a pipe nobody has written to returned true, and recv() then rejected with EOFError — but the other end is open; it has sent nothing yet. " +
          '"Nothing arrived in time" is not the end of the stream: EOF is only when the peer has closed (or died).',
      );
    fail("poll(0) on a pipe nobody has written to returned true: it must say whether a message (or EOF) is ready now — nothing is");
  }
  if (p0.ms > AT_ONCE_MS) fail(`poll(0) took ${p0.ms} ms: with a zero timeout it must answer at once`);

  const idle = await measured(`poll(${IDLE_MS}) on an idle pipe`, () => guarded(timedPoll(conn, IDLE_MS), IDLE_MS + 1_500));
  if (idle === "still waiting")
    fail(`poll(${IDLE_MS}) on an idle pipe was still waiting after ${fmt(IDLE_MS + 1_500)} ms: give up when the timeout is over, and resolve false`);
  if (idle.ready) fail(`poll(${IDLE_MS}) on an idle pipe returned true: nothing was sent, so nothing is ready`);
  if (idle.ms < IDLE_MS - 50) fail(`poll(${IDLE_MS}) on an idle pipe returned false after only ${idle.ms} ms: it must wait up to its timeout for data`);
  if (idle.ms > IDLE_MS + 1_000) fail(`poll(${IDLE_MS}) on an idle pipe took ${fmt(idle.ms)} ms: give up when the timeout is over`);
  checkIdle(waits);

  const recvIdle = `recv({ timeoutMs: ${IDLE_MS} })`;
  const timeout = await measured(`${recvIdle} on an idle pipe`, () => guarded(tryRecv(conn, recvIdle, IDLE_MS), IDLE_MS + 1_500));
  if (timeout === "still waiting")
    fail(`${recvIdle} on an idle pipe was still waiting after ${fmt(IDLE_MS + 1_500)} ms: past its timeout it must give up and reject with TimeoutError`);
  if ("msg" in timeout) fail(`${recvIdle} on an idle pipe returned ${summary(timeout.msg)}, but nothing was sent`);
  if (timeout.stop !== "timeout") fail(`${recvIdle} on an idle pipe should reject with the contract's TimeoutError; ${stopWords(timeout, rt)}`);
  if (timeout.ms < IDLE_MS - 50 || timeout.ms > IDLE_MS + 1_000) fail(`${recvIdle} rejected after ${fmt(timeout.ms)} ms: it should wait about ${IDLE_MS} ms`);
  checkIdle(waits);

  const none = await guarded(tryRecv(conn, "recv({ timeoutMs: 0 })", 0));
  if (none === "still waiting")
    fail(
      `recv({ timeoutMs: 0 }) on an empty pipe was still waiting after 1.5 s, though recv({ timeoutMs: ${IDLE_MS} }) gave up in time. 0 means "don't wait": ` +
        'try once and reject with TimeoutError at once (Python\'s poll(0), get_nowait()). Is 0 taken for "no timeout" — `if (opts.timeoutMs)` is false for 0?',
    );
  if ("msg" in none) fail(`recv({ timeoutMs: 0 }) on a pipe nobody has written to returned ${summary(none.msg)}`);
  if (none.stop !== "timeout") fail(`recv({ timeoutMs: 0 }) on an empty pipe should reject with the contract's TimeoutError at once; ${stopWords(none, rt)}`);
  if (none.ms > AT_ONCE_MS) fail(`recv({ timeoutMs: 0 }) took ${none.ms} ms to give up: 0 means "don't wait" — answer at once`);

  signalParent("in recv");
  const first = await measured(`recv() while nothing comes for ${FIRST_AFTER_MS} ms`, () =>
    guarded(tryRecv(conn, "recv (nothing sent yet)"), FIRST_AFTER_MS + 2_500),
  );
  if (first === "still waiting")
    fail(
      `recv() never returned "first", sent ${FIRST_AFTER_MS} ms after it began to wait. Did an earlier recv() that timed out keep waiting in the background, and take it? ` +
        "A recv() that gives up must stop waiting: the next message goes to the next recv().",
    );
  if (!("msg" in first)) fail(`recv() with no timeout, waiting for the message the other end sends after ${FIRST_AFTER_MS} ms: ${stopWords(first, rt)}`);
  if (first.msg !== "first") fail(`recv() returned ${summary(first.msg)} instead of "first"`);
  checkIdle(waits);

  signalParent("in poll");
  const busy = await measured(`poll(5000) while nothing comes for ${POLL_WAKE_MS} ms`, () => timedPoll(conn, 5_000));
  if (!busy.ready)
    fail(
      `poll(5000) returned false after ${fmt(busy.ms)} ms although the other end sent "second" after ${POLL_WAKE_MS} ms: poll must notice a message arriving while it waits`,
    );
  if (busy.ms > POLL_WAKE_MS + 1_500)
    fail(`poll(5000) took ${fmt(busy.ms)} ms to notice a message sent after ${POLL_WAKE_MS} ms: wake up when data arrives, don't sleep out the timeout`);
  checkIdle(waits);
  const second = await tryRecv(conn, "recv({ timeoutMs: 0 }) after poll() said true", 0);
  if (!("msg" in second))
    fail(
      `poll() said a message was ready, then recv({ timeoutMs: 0 }) gave no message: ${stopWords(second, rt)}. 0 means "don't wait" — but take what is there`,
    );
  if (second.msg !== "second") fail(`after poll() said true, recv() gave ${summary(second.msg)} instead of "second"`);
  await traced("send ack", () => conn.send("ack"));
  signalParent("acked");

  await waitForParent("third sent", { timeoutMs: 5_000 });
  await sleep(50);
  const third = await tryRecv(conn, "recv({ timeoutMs: 0 }) with a message waiting", 0);
  if (!("msg" in third))
    fail(`a message was sent 50 ms ago, then recv({ timeoutMs: 0 }) gave no message: ${stopWords(third, rt)}. 0 means "don't wait" — but take what is there`);
  if (third.msg !== "third") fail(`recv({ timeoutMs: 0 }) gave ${summary(third.msg)} instead of "third"`);
  // Python's test_dont_merge: a message already received (here: with "third") is ready for poll.
  const left = await timedPoll(conn, 0);
  if (!left.ready)
    fail(
      `poll(0) returned false, but "fourth" had arrived already — sent right after "third", before either was read. ` +
        (STREAMS[rt]
          ? "Both came in the same chunk: one is taken, the other waits among what was received. poll() must count that, not only new bytes."
          : "It is in the inbox: poll() must count that, not only what arrives from now on."),
    );
  const fourth = await tryRecv(conn, "recv({ timeoutMs: 0 }) after poll(0) said true", 0);
  if (!("msg" in fourth) || fourth.msg !== "fourth")
    fail(`after poll(0) said true, recv({ timeoutMs: 0 }) gave ${"msg" in fourth ? summary(fourth.msg) : stopWords(fourth, rt)} instead of "fourth"`);

  signalParent("got third");
  const end = await tryRecv(conn, "recv after the top process closed", EOF_EXPECTED_MS);
  if ("msg" in end) fail(`the top process sent three messages and closed its end, but recv() then returned a fourth: ${summary(end.msg)}`);
  if (end.stop !== "eof")
    fail(`the top process closed its end (conn.close()), so recv() should reject with EOFError; ${stopWords(end, rt)}. ${closeWhy(rt, "the top process")}`);
  return { waits };
}

/** The call's outcome, or "still waiting" after 1.5 s (a timeout that is never honoured must not hang the check). */
function guarded<T>(call: Promise<T>, ms = 1_500): Promise<T | "still waiting"> {
  return Promise.race([call, sleep(ms).then(() => "still waiting" as const)]);
}

/** The waits so far used a small share of one core (this process's CPU; on Deno, the whole process's). */
function checkIdle(waits: PollReport["waits"]): void {
  for (const w of waits) {
    const share = w.cpuMs / Math.max(w.wallMs, 1);
    const percent = `${fmt(w.cpuMs)} ms of CPU in ${fmt(w.wallMs)} ms (${Math.round(100 * share)} % of a core)`;
    if (share > BUSY_SHARE)
      fail(
        `${w.what} used ${percent}: busy-waiting. Waiting must sleep until data arrives or the time is up — not check again and again ` +
          "in a loop around something that returns at once (setImmediate, a zero timeout, poll(0)). Wait for the event that brings data, with the time that is left.",
      );
    if (w.wallMs >= LONG_WAIT_MS && share > POLLING_SHARE)
      fail(
        `${w.what} used ${percent}, where a sleeping wait needs under 1 %: it wakes up again and again to check — polling. ` +
          "Sleep until the data arrives (an event, or a timer for the time that is left), not in short naps; setTimeout(…, Infinity) fires after 1 ms, not never.",
      );
  }
}

/** How many send() calls of `proc` had returned (from the run's journal): those messages must be delivered. */
function completedSends(ctx: Ctx, proc: ProcessLike): number {
  return ctx.journal().filter((l) => l.k === "ev" && l.w === proc.id && l.ph === "end" && l.op.startsWith("send #") && !l.out?.startsWith("threw")).length;
}

/** Why a close() did not reach the peer, by mechanism. */
function closeWhy(rt: Runtime, closer: string): string {
  return STREAMS[rt]
    ? `Its close() must end the stream (the peer's read then returns the end), also while ${closer} lives on — not only when its process exits.`
    : `A closing port tells the other one nothing: close() must post the sentinel after the last message, and the sentinel becomes EOF — also while ${closer} lives on.`;
}

/** Send, close, then stay alive: EOF must come from close(), not from this process's exit. */
export async function sendCloseAndStay(conn: Conn, messages: unknown[]): Promise<{ late: string | null }> {
  for (const [i, msg] of messages.entries()) await traced(`send #${i}`, () => conn.send(msg));
  await traced("close", () => conn.close());
  mark("closed");
  const late = await traced("send after close", () => conn.send("too late"), String).then(
    () => "resolved",
    (err: unknown) => (hasCode(err, "EOF") ? null : `rejected with ${describeError(err)}`),
  );
  signalParent("closed");
  await waitForParent("you may exit", { timeoutMs: 20_000 });
  return { late };
}

export interface DrainReport {
  /** What arrived (summaries; only the first 20 are kept), and how many. */
  got: string[];
  count: number;
  /** For numbered messages: the first one out of sequence (its seq; -1 if it had none). */
  wrong?: { index: number; seq: number; what: string };
  end: Stop;
  again?: string | null;
  pollAtEof?: string;
}

/** Receive until the pipe says EOF (or something else goes wrong); report what and how it ended. */
export async function drainUntilEof(conn: Conn, mode: "wait for go" | "numbered"): Promise<DrainReport> {
  if (mode === "wait for go") {
    await waitForParent("go");
    await sleep(100); // everything has arrived: nobody was in recv() for it
  }
  const numbered = mode === "numbered";
  const got: string[] = [];
  let count = 0;
  let wrong: DrainReport["wrong"];
  for (;;) {
    const r = await tryRecv(conn, `recv #${count}`, EOF_EXPECTED_MS);
    if ("msg" in r) {
      if (count < 20) got.push(summary(r.msg));
      const seq = (r.msg as { seq?: unknown } | null)?.seq;
      if (seq !== count && numbered && wrong === undefined) wrong = { index: count, seq: typeof seq === "number" ? seq : -1, what: summary(r.msg) };
      count++;
      continue;
    }
    if (r.stop !== "eof") return { got, count, wrong, end: r };
    // At EOF, poll says "ready" (a recv would not wait) and recv keeps saying EOF.
    const poll = await traced("poll(0) at EOF", () => conn.poll(0), String).then(
      (v: unknown) => (v === true ? "true" : brief(v)),
      (e: unknown) => `a rejection (${describeError(e)})`,
    );
    const again = await tryRecv(conn, "recv again", 1_000);
    return {
      got,
      count,
      wrong,
      end: r,
      again: "msg" in again ? `a message, ${summary(again.msg)}` : again.stop === "eof" ? null : stopWords(again, runtimeHere()),
      pollAtEof: poll,
    };
  }
}

/**
 * Streams numbered messages until it is killed. It pauses briefly every 20 messages, like a real
 * producer: a pipe without backpressure (Deno's ports) would otherwise queue a flood for the
 * survivor to read before it can see EOF.
 */
export async function streamForever(conn: Conn): Promise<void> {
  for (let i = 0; ; i++) {
    await traced(`send #${i}`, () => conn.send({ seq: i, pad: "·".repeat(100) }));
    if (i === 500) signalParent("streaming");
    if (i % 20 === 19) await sleep(1);
  }
}

// ---- judging what a receiver saw -------------------------------------------------------------

/** The first thing wrong with a received sequence 0 … n-1, named: lost, out of order, twice, framing. */
function judgeSequence(r: SeqReport, n: number, rt: Runtime): string | undefined {
  const seen = new Map<number, number>();
  let expected = 0;
  for (const [i, s] of r.seqs.entries()) {
    if (s === expected) {
      seen.set(s, i);
      expected++;
      continue;
    }
    if (s === -1) {
      const what = r.foreign?.what ?? "something else";
      return STREAMS[rt]
        ? `message #${i} was ${what}, which the sender never sent: pieces of two messages glued together, or one cut in two. A stream has no message boundaries, so each frame must carry its own (framing).`
        : `message #${i} was ${what}, which the sender never sent: a port delivers each message whole, so it changed inside your Connection. Is the close sentinel (or a wrapper) passed off as a message?`;
    }
    if (seen.has(s))
      return `message #${i} was { seq: ${s} } again: it had already been received (as #${seen.get(s)}). recv() must take each message out of the inbox, so it is delivered once.`;
    const later = r.seqs.indexOf(expected, i + 1);
    if (s > expected && later >= 0) {
      return (
        `out of order: message #${i} was { seq: ${s} }, but { seq: ${expected} } had not come yet (it came later, as #${later}). ` +
        `${STREAMS[rt] ? "A stream delivers bytes in order" : "A port delivers messages in order"}: the inbox must be first in, first out — take the oldest (shift), not the newest (pop).`
      );
    }
    const missing = n - new Set(r.seqs.filter((x) => x >= 0)).size;
    const after = expected === 0 ? `{ seq: ${s} } came first` : `after { seq: ${expected - 1} } came { seq: ${s} }`;
    return `${fmt(missing)} of ${fmt(n)} messages were lost: the first is { seq: ${expected} } — ${after}. ${lostWhy(rt)}`;
  }
  if (!r.stop) return undefined;
  const k = r.seqs.length;
  const got = k === 0 ? "nothing" : k === 1 ? "{ seq: 0 }" : `{ seq: 0 } … { seq: ${k - 1} }, in order`;
  switch (r.stop.stop) {
    case "undefined":
      return `the receiver got ${got}, then ${stopWords(r.stop, rt)}.`;
    case "eof":
      return STREAMS[rt]
        ? `the receiver got ${got}, then recv() rejected with EOFError: the last ${fmt(n - k)} messages were lost. A stream ends only after every byte sent before its end, so their bytes did arrive — they never came out as messages. Take every complete frame out of what arrived, not one per chunk (framing); EOF only once nothing is left.`
        : `the receiver got ${got}, then recv() rejected with EOFError: ${fmt(n - k)} messages sent before close() were never delivered. EOF comes only after everything the peer sent has been received.`;
    case "timeout":
      if (gaveUpEarly(r.stop)) return `the receiver got ${got}, then ${stopWords(r.stop, rt)}.`;
      return k === 0
        ? `the receiver waited ${fmt(r.stop.ms)} ms and got nothing: does send() reach the other end (and recv() wait for it)?`
        : `the receiver got ${got}, then waited ${fmt(r.stop.ms)} ms for { seq: ${k} } in vain: the last ${fmt(n - k)} messages were lost. ${lostWhy(rt)}`;
    case "error":
      return `the receiver got ${got}, then ${stopWords(r.stop, rt)}.`;
  }
}

/** Message #index should have been { seq: index }. */
function wrongSeq(w: { index: number; seq: number; what: string }, rt: Runtime): string {
  if (w.seq < 0)
    return `message #${w.index} was ${w.what}, which the sender never sent${STREAMS[rt] ? ": pieces of messages glued together or cut in two (framing)" : ""}`;
  if (w.seq > w.index) return `messages were lost: #${w.index} should have been { seq: ${w.index} }, but { seq: ${w.seq} } came. ${lostWhy(rt)}`;
  return `message #${w.index} was { seq: ${w.seq} } again (or out of order): each message must come out of the inbox once, oldest first`;
}

/** The first thing wrong with the big and mixed messages. */
function judgeBig(r: ListReport, rt: Runtime): string | undefined {
  const want = [pattern(BIG, 1), ...mixed()].map(summary);
  const name = (i: number) => (i === 0 ? "the 10 MiB message" : `message ${i + 1} of ${want.length} (${want[i]})`);
  for (const [i, w] of want.entries()) {
    const g = r.got[i];
    if (g === undefined) {
      const stop = r.stop ? stopWords(r.stop, rt) : "nothing";
      const hint =
        i === 0 && STREAMS[rt] && !stop.includes("(framing)")
          ? " A message far larger than one chunk arrives in many: collect bytes until its whole frame is there (framing)."
          : "";
      return `${name(i)} never arrived: ${stop}.${hint}`;
    }
    if (g === w) continue;
    const j = want.indexOf(g, i + 1);
    if (j > i) {
      const falsy = w === '""' || w === "0" ? " An empty string and 0 are messages too: does something test a message for truthiness (if (msg) …)?" : "";
      return `${name(i)} was lost: the receiver got message ${j + 1} (${g}) in its place.${falsy}${falsy ? "" : ` ${lostWhy(rt)}`}`;
    }
    return `${name(i)}: expected ${w}, received ${g}${sizeWhy(w, g)}`;
  }
  return undefined;
}

function sizeWhy(want: string, got: string): string {
  const w = want.match(/^bytes\((\d+)/);
  const g = got.match(/^bytes\((\d+)/);
  if (w && g && Number(g[1]) < Number(w[1]))
    return ` — cut short: ${fmt(Number(g[1]))} of ${fmt(Number(w[1]))} bytes. A frame is complete only when all its bytes are there (framing).`;
  if (w && g && Number(g[1]) > Number(w[1]))
    return ` — ${fmt(Number(g[1]) - Number(w[1]))} bytes too many: the next message's bytes ran into this one. Each frame must say where it ends (framing).`;
  if (w && g) return " — the right length, but different bytes: pieces put together out of order, or bytes changed on the way?";
  return "";
}

// ---- scenarios (each runs in the top process of its own run) ----------------------------------

export const scenarios: Scenario<PipeCell>[] = [
  {
    name: "hello",
    title: `the seed's example: a sender process sends "${HELLO}", a receiver process gets exactly that`,
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const [a, b] = await makePipe(cell);
      const sender = await launch(ctx, "helloSender", [a], "sender");
      const receiver = await launch(ctx, "helloReceiver", [b], "receiver");
      await settleAll([sender], [receiver], 8_000, "finish");
      const r = receiver.result as Outcome | undefined;
      if (r && !("msg" in r)) {
        const framing =
          " Are frames read the way they are written (the length first, then that many bytes)? Bytes that never make a whole frame never come out (framing).";
        if (r.stop === "eof")
          fail(
            STREAMS[runtime]
              ? `the sender sent "${HELLO}" and closed; the receiver's recv() rejected with EOFError instead of giving it: the stream ended, and no whole message had come out of its bytes.${framing}`
              : `the sender sent "${HELLO}" and closed; the receiver's recv() rejected with EOFError instead of giving it. What was sent before close() must be delivered first: EOF only once nothing is left.`,
          );
        fail(
          spun(r)
            ? `the receiver's recv() gave no message: ${stopWords(r, runtime)}.`
            : `the receiver's recv() gave no message: ${stopWords(r, runtime)}. Does send() reach the other end?${STREAMS[runtime] && r.stop === "timeout" ? framing : ""}`,
        );
      }
      if (r && r.msg !== JSON.stringify(HELLO)) fail(`the receiver got ${r.msg}, expected ${JSON.stringify(HELLO)}`);
      await awaitAll([receiver, sender], 5_000, "finish");
    },
  },
  {
    name: "order",
    title: `${fmt(ORDERED)} messages arrive complete and in order`,
    deadlineMs: 20_000,
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const [a, b] = await makePipe(cell);
      const sender = await launch(ctx, "sendSequence", [a, ORDERED], "sender");
      const receiver = await launch(ctx, "recvSequence", [b, ORDERED, scaled(GAP_MS)], "receiver");
      await settleAll([sender], [receiver], 15_000, `receive ${fmt(ORDERED)} messages`);
      if (receiver.finished) {
        const wrong = judgeSequence(receiver.result as SeqReport, ORDERED, runtime);
        if (wrong) fail(wrong);
      }
      await awaitAll([receiver, sender], 5_000, "finish");
    },
  },
  {
    name: "big",
    title:
      "one 10 MiB message arrives intact (checksum), then a mix of tiny and large ones; on a byte stream, a sender that outruns its reader waits (backpressure)",
    deadlineMs: 20_000,
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const [a, b] = await makePipe(cell);
      const sender = await launch(ctx, "sendList", [a, "big"], "sender");
      const receiver = await launch(ctx, "recvList", [b, "big", scaled(5_000)], "receiver");
      await settleAll([sender], [receiver], 15_000, "receive the 10 MiB message and the mixed ones");
      if (receiver.finished) {
        const wrong = judgeBig(receiver.result as ListReport, runtime);
        if (wrong) fail(wrong);
        // Deno's ports have no backpressure at all (postMessage never waits): only byte streams are held to it.
        if (STREAMS[runtime]) {
          const journal = ctx.journal();
          const sentAt = journal.find((l) => l.k === "ev" && l.w === sender.id && l.ph === "end" && l.op === "send #4")?.t;
          const resumedAt = journal.find((l) => l.k === "ev" && l.w === receiver.id && l.op === "resumed")?.t;
          if (sentAt !== undefined && resumedAt !== undefined && sentAt < resumedAt)
            fail(
              `send() of the 3 MiB message returned while the receiver was not reading (it paused ${PAUSE_MS} ms after the 10 MiB one), though no pipe holds 3 MiB: ` +
                "the bytes piled up in the sender's memory. send() must wait until the pipe has taken them — a slow reader slows the writer down (backpressure). " +
                (runtime === "bun"
                  ? "wire.write() only queues: await wire.flush(), which waits while the pipe is full."
                  : "Await wire.write(): it resolves once the kernel has the bytes."),
            );
        }
      }
      await awaitAll([receiver, sender], 5_000, "finish");
    },
  },
  {
    name: "unicode",
    title: "multi-byte text (Chinese, emoji) arrives intact, also where a chunk boundary falls inside a character",
    deadlineMs: 15_000,
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const [a, b] = await makePipe(cell);
      const sender = await launch(ctx, "sendList", [a, "unicode"], "sender");
      const receiver = await launch(ctx, "recvList", [b, "unicode", scaled(GAP_MS)], "receiver");
      await settleAll([sender], [receiver], 12_000, "receive the texts");
      const r = receiver.finished ? (receiver.result as UnicodeReport) : undefined;
      const total = unicodeMessages().length;
      if (r?.lost)
        fail(
          `text message #${r.lost.index} was lost: the receiver got text #${r.lost.came} in its place (${r.lost.came - r.lost.index} missing before it). ${lostWhy(runtime)}`,
        );
      if (r?.bad) {
        const want = unicodeMessages()[r.bad.index]!;
        fail(
          `text message #${r.bad.index} arrived changed: expected ${fmt(want.length)} characters, received ${r.bad.got}, the first difference at character ${fmt(r.bad.at)}. ` +
            (STREAMS[runtime]
              ? "UTF-8 writes one character in 1 to 4 bytes, and a chunk boundary can fall inside one: decode whole frames, never chunks (a TextDecoder per chunk turns the halves into �)."
              : "A port carries a string whole — no bytes, no chunks — so it changed inside your Connection: was it converted, cut or joined?"),
        );
      }
      if (r?.stop) fail(`the receiver got ${r.got.length} of ${total} text messages intact, then ${stopWords(r.stop, runtime)}`);
      await awaitAll([receiver, sender], 5_000, "finish");
    },
  },
  {
    name: "both-ways",
    title: `both directions at once: ${fmt(ROUND_TRIPS)} ping-pong round trips, then both ends streaming together — no deadlock`,
    deadlineMs: 20_000,
    async run(ctx: Ctx) {
      const { cell } = ctx;
      const [a, b] = await makePipe(cell);
      const ping = await launch(ctx, "pinger", [a, ROUND_TRIPS, STREAMED, scaled(GAP_MS)], "pinger");
      const pong = await launch(ctx, "ponger", [b, ROUND_TRIPS, STREAMED, scaled(GAP_MS)], "ponger");
      await awaitAll([ping, pong], 15_000, "finish the round trips and the streaming in both directions");
    },
  },
  {
    name: "poll",
    title:
      "poll(ms) and recv({ timeoutMs }) on an idle pipe: false or TimeoutError in time (timeoutMs 0: at once), woken as soon as data comes, idle while waiting; close() from the top process gives EOF",
    deadlineMs: 15_000,
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const [mine, theirs] = await makePipe(cell);
      const probe = await launch(ctx, "pollProbe", [theirs], "poller");
      await signalFrom(probe, "in recv", 8_000, "check poll and recv timeouts on an idle pipe");
      await sleep(FIRST_AFTER_MS);
      await traced("send first", () => mine.send("first"));
      await signalFrom(probe, "in poll", 8_000, 'receive "first"');
      await sleep(POLL_WAKE_MS);
      await traced("send second", () => mine.send("second"));
      await signalFrom(probe, "acked", 8_000, 'notice "second" and answer');
      const ready: unknown = await traced("poll(3000)", () => mine.poll(3_000), String);
      if (ready !== true) {
        fail(`the top process's end: poll(3000) resolved ${brief(ready)} although the child had sent "ack" — a message is ready`);
      }
      const ack = await tryRecv(mine, "recv ack", 1_000);
      if (!("msg" in ack)) fail(`the top process's end: after poll() said true, ${stopWords(ack, runtime)}`);
      if (ack.msg !== "ack") fail(`the top process's end received ${summary(ack.msg)} instead of "ack"`);
      await traced("send third", () => mine.send("third"));
      await traced("send fourth", () => mine.send("fourth"));
      await probe.notify("third sent").catch(() => {}); // if it died already, signalFrom says how
      await signalFrom(probe, "got third", 8_000, 'receive "third"');
      await traced("close", () => mine.close());
      const late = await traced("send after close", () => mine.send("too late"), String).then(
        () => "resolved",
        (err: unknown) => (hasCode(err, "EOF") ? null : `rejected with ${describeError(err)}`),
      );
      await awaitAll([probe], 5_000, "see EOF after the top process closed its end");
      if (late !== null)
        fail(
          `after close(), the top process's send() ${late}: it must reject with the contract's EOFError (Python: OSError "handle is closed") — this end is closed`,
        );
      return probe.result; // how long each wait took, and its CPU time
    },
  },
  {
    name: "eof",
    deadlineMs: 20_000,
    title:
      "the peer closes and lives on ⇒ what it sent is still delivered, then recv() rejects with EOFError (again on every call; poll says ready); send() after close() rejects",
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const sent = ["one", "two", pattern(200_000, 6), "three"];
      const [a, b] = await makePipe(cell);
      const sender = await launch(ctx, "sendCloseAndStay", [a, sent], "sender");
      const receiver = await launch(ctx, "drainUntilEof", [b, "wait for go"], "receiver");
      await signalFrom(sender, "closed", 8_000, "send its messages and close");
      await receiver.notify("go").catch(() => {}); // only now does the receiver start reading: everything waits in the pipe
      await waitUntil([receiver, sender], () => ended(receiver), 8_000);
      blameFirst([receiver, sender], endOf(receiver));
      await sender.notify("you may exit").catch(() => {});
      if (receiver.finished) {
        const r = receiver.result as DrainReport;
        const want = sent.map(summary);
        const got = r.got;
        if (r.end.stop === "undefined" && got.length >= want.length)
          fail(`the sender closed after ${want.length} messages; the receiver got them all, then ${stopWords(r.end, runtime)}`);
        if (got.length < want.length || want.some((w, i) => got[i] !== w)) {
          fail(
            `the sender sent ${want.join(", ")} and closed; the receiver got ${got.length ? got.join(", ") : "nothing"}, then ${stopWords(r.end, runtime)}. ` +
              "What was sent before close() must still be delivered: EOF comes only after everything sent has been received.",
          );
        }
        if (got.length > want.length) fail(`the receiver got ${got.length - want.length} more message(s) than were sent: ${got.slice(want.length).join(", ")}`);
        if (r.end.stop === "timeout")
          fail(
            `the sender closed its end and stayed alive; the receiver got all ${want.length} messages, then waited ${fmt(r.end.ms)} ms and timed out instead of getting EOFError. ` +
              closeWhy(runtime, "the closer"),
          );
        if (r.end.stop !== "eof") fail(`after the last message, recv() should reject with the contract's EOFError; ${stopWords(r.end, runtime)}`);
        if (r.again !== null) fail(`a second recv() after EOF gave ${r.again}: at EOF, recv() must reject with EOFError again, every time`);
        if (r.pollAtEof !== "true") fail(`at EOF, poll(0) resolved ${r.pollAtEof}: EOF counts as ready (a recv would not wait), as in Python`);
      }
      await awaitAll([receiver, sender], 5_000, "finish");
      const { late } = sender.result as { late: string | null };
      if (late !== null)
        fail(`send() after close() ${late}: it must reject with the contract's EOFError (Python: OSError "handle is closed") — this end is closed`);
    },
  },
  {
    name: "crash",
    title: "the peer is killed mid-stream ⇒ what it sent is delivered, then the survivor gets EOFError, not a hang",
    deadlineMs: 15_000,
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const [a, b] = await makePipe(cell);
      const sender = await launch(ctx, "streamForever", [a], "doomed-sender");
      const receiver = await launch(ctx, "drainUntilEof", [b, "numbered"], "survivor");
      await signalFrom(sender, "streaming", 8_000, "send 500 messages");
      sender.kill(); // the messages it sent last are still on their way
      await sender.join({ timeoutMs: 5_000 });
      mark("sender killed");
      const sent = completedSends(ctx, sender);
      await waitUntil([receiver], () => ended(receiver), EOF_EXPECTED_MS + 6_000);
      if (receiver.finished) {
        const r = receiver.result as DrainReport;
        if (r.wrong) fail(`before the crash, ${wrongSeq(r.wrong, runtime)}`);
        if (r.end.stop === "timeout") {
          fail(
            `the sender was killed mid-stream; the survivor received ${fmt(r.count)} messages, then waited ${fmt(r.end.ms)} ms for more and timed out. ` +
              (STREAMS[runtime]
                ? "A dead process's end is closed by the kernel: the stream ends, and that end is EOF."
                : "A terminated worker's port just goes silent — no event. Process tells the survivor (peerGone): that must become EOF, once what the peer sent has arrived."),
          );
        }
        if (r.end.stop !== "eof")
          fail(`after its peer was killed, the survivor should get EOFError; after ${fmt(r.count)} messages, ${stopWords(r.end, runtime)}`);
        if (r.count < sent)
          fail(
            `the survivor got ${fmt(r.count)} messages, then EOF — but the sender had finished sending ${fmt(sent)} before it was killed: the last ${fmt(sent - r.count)} were lost. ` +
              "What was sent must be delivered before EOF." +
              (STREAMS[runtime]
                ? ""
                : " They were still on their way when the news of the death came: peerGone(sent) says how many the peer sent — EOF once that many have arrived, not at once."),
          );
      }
      await awaitAll([receiver], 1_000, "notice that its peer died");
    },
  },
];
