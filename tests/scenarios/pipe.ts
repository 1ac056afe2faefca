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
import {
  cpuMs,
  expectFinished,
  expectShape,
  fail,
  type Message,
  msg,
  type Scenario,
  type ScenarioContext,
  slack,
  sleep,
  whereInWorkshop,
} from "@workshop/harness/scenario";
import { mark, type ProcessLike, type Runtime, signalParent, traced, waitForParent } from "@workshop/process";
import { journalPath, now } from "@workshop/process/journal";
import { brief, describeError } from "./support.ts";

// Every sentence a learner reads is a key of packages/i18n/locales/{en,zh-CN}/pipe.json (namespace
// "pipe"): the scenarios build messages (fail(key, params), msg(key, params)); the harness renders them.

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
  /** The error in one line. */
  text: string;
  /** Where it was thrown, in the learner's file (for an error that is not the contract's). */
  where?: string;
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
      text: short,
      where: stop === "error" ? where : undefined,
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
  if (typeof ready !== "boolean") fail("pipe:poll.notBoolean", { ms, got: brief(ready) });
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

/** The mechanism, for the sentences that differ by it: a byte stream (Node, Bun) or ports (Deno). */
function mech(rt: Runtime): "stream" | "port" {
  return STREAMS[rt] ? "stream" : "port";
}

/** What a recv() threw, as a param: its error in one line, and where in the learner's file. */
function threw(s: Stop): Message {
  return msg("pipe:threw", { error: s.text.replace(/\.+$/, ""), at: s.where ? msg("harness:worker.at", { where: s.where }) : "" });
}

/** The error was a decoder's, fed bytes that are not one whole message (on a byte stream). */
function framingError(s: Stop, rt: Runtime): boolean {
  return s.stop === "error" && STREAMS[rt] && looksLikeFraming(s.text);
}

/** What a recv() that did not give a message did, for a verdict. */
function stopWords(s: Stop, rt: Runtime): Message {
  switch (s.stop) {
    case "undefined":
      return msg("pipe:stop.undefined");
    case "eof":
      return msg("pipe:stop.eof", { error: s.text });
    case "timeout":
      if (spun(s)) return msg("pipe:stop.spun", { ms: s.ms, cpuMs: s.cpuMs ?? 0, error: s.text });
      if (gaveUpEarly(s)) return msg("pipe:stop.gaveUpEarly", { error: s.text, ms: s.ms, timeoutMs: s.timeoutMs ?? 0 });
      return msg("pipe:stop.timeout", { ms: s.ms, error: s.text });
    case "error":
      return msg("pipe:stop.error", { error: threw(s), framing: framingError(s, rt) ? msg("pipe:stop.framing") : "" });
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
function lostWhy(rt: Runtime): Message {
  return msg(`pipe:lostWhy.${mech(rt)}`);
}

// ---- the learner's claims, checked before the grader relies on them ---------------------------

/** Pipe() resolves two ends, each with send, recv, poll and close. */
async function makePipe(cell: PipeCell): Promise<[Conn, Conn]> {
  expectShape(cell, msg("pipe:shape.module"), ["Pipe"]);
  const pair: unknown = await cell.Pipe<unknown>();
  if (!Array.isArray(pair) || pair.length !== 2) fail("pipe:shape.notPair", { got: brief(pair) });
  for (const [i, end] of pair.entries()) expectShape(end, `Pipe()[${i}]`, ["send", "recv", "poll", "close"]);
  return pair as [Conn, Conn];
}

/**
 * Wait for a child's signal. If it ended first, say why (its fail(), a crash, an early exit); if
 * it is still running without having signalled, it is stuck doing `doing`.
 */
async function signalFrom(proc: ProcessLike, what: string, timeoutMs: number, doing: Message): Promise<void> {
  try {
    await proc.waitFor(what, { timeoutMs });
  } catch {
    if (proc.exitCode === null) await proc.join({ timeoutMs: 200 });
    if (proc.exitCode !== null) {
      expectFinished([proc]);
      fail("pipe:late.returnedBefore", { who: proc.name, doing });
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
async function awaitAll(procs: ProcessLike[], timeoutMs: number, doing: Message): Promise<void> {
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
async function settleAll(senders: ProcessLike[], receivers: ProcessLike[], timeoutMs: number, doing: Message): Promise<void> {
  const all = [...receivers, ...senders];
  await waitUntil(all, () => receivers.every(ended), timeoutMs);
  if (!all.some(faulted)) await waitUntil(senders, () => senders.every(ended), 2_000);
  blameFirst(all, Math.max(...receivers.map(endOf)));
  const late = receivers.find((p) => !ended(p));
  if (late) fail(lateWords(late, timeoutMs, doing));
}

/** A process that is late: stuck (waiting for what never comes), or only slow (still at work)? */
function lateWords(p: ProcessLike, timeoutMs: number, doing: Message): Message {
  const file = journalPath();
  const mine = file
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => line.includes(`"w":"${p.id}"`) && line.includes('"k":"ev"'))
    : [];
  const last = mine.at(-1);
  const ago = last ? now() - (JSON.parse(last) as { t: number }).t : Number.POSITIVE_INFINITY;
  if (ago < 1_000) {
    const count = mine.filter((line) => line.includes('"ph":"end"')).length;
    return msg("pipe:late.slow", { who: p.name, doing, ms: timeoutMs, count, ago: Math.round(ago) });
  }
  return msg("pipe:late.stuck", { who: p.name, doing, ms: timeoutMs });
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
  /** A text that arrived changed: how long it was (or what came, if not a string), and the first character that differs. */
  bad?: { index: number; length?: number; what?: string; at: number };
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
      return { got, bad: typeof r.msg === "string" ? { index: i, length: r.msg.length, at } : { index: i, what: text, at } };
    } else got.push("ok");
  }
  return { got };
}

/** Ping-pong: send n, wait for n back. Then stream with the peer, both directions at once. */
export async function pinger(conn: Conn, rounds: number, streamed: number, gapMs: number): Promise<number> {
  for (let i = 0; i < rounds; i++) {
    await traced(`send ping ${i}`, () => conn.send({ ping: i }));
    const back = await tryRecv(conn, `recv pong ${i}`, gapMs);
    if (!("msg" in back)) fail("pipe:bothWays.noPong", { i, why: stopWords(back, runtimeHere()) });
    const pong = (back.msg as { pong?: unknown } | null)?.pong;
    if (pong !== i) fail("pipe:bothWays.wrongPong", { i, why: wrongNumber(i, pong, back.msg, runtimeHere()) });
  }
  return both(conn, streamed, "pinger", gapMs);
}

export async function ponger(conn: Conn, rounds: number, streamed: number, gapMs: number): Promise<number> {
  for (let i = 0; i < rounds; i++) {
    const got = await tryRecv(conn, `recv ping ${i}`, gapMs);
    if (!("msg" in got)) fail("pipe:bothWays.noPing", { i, why: stopWords(got, runtimeHere()) });
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
    if (!("msg" in got)) fail("pipe:bothWays.noMessage", { i, why: stopWords(got, runtimeHere()) });
    const message = got.msg as { i?: unknown } | null;
    if (message?.i !== i) fail("pipe:bothWays.wrongMessage", { why: wrongNumber(i, message?.i, got.msg, runtimeHere()) });
  }
  const failed = await sending;
  if (failed) fail("pipe:bothWays.sendRejected", { error: failed });
  return n;
}

/** Message number `want` was expected, `got` came (its number, if it has one): lost, again, or foreign. */
function wrongNumber(want: number, got: unknown, message: unknown, rt: Runtime): Message {
  if (typeof got !== "number") return msg("pipe:number.foreign", { want, what: summary(message), framing: STREAMS[rt] ? msg("pipe:number.framing") : "" });
  if (got > want)
    return msg("pipe:number.lost", { want, more: got > want + 1 ? msg("pipe:number.andAfter", { n: got - want - 1 }) : "", got, why: lostWhy(rt) });
  return msg("pipe:number.again", { got, want });
}

/** The runtime this worker runs on (for wording inside a worker). */
function runtimeHere(): Runtime {
  return "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
}

export interface PollReport {
  waits: { what: Message; wallMs: number; cpuMs: number }[];
}

/**
 * poll and recv timeouts, on an idle pipe and then once data is there; how much CPU waiting takes;
 * and EOF once the top process closes its end. Every property is checked here, in order, and the
 * first one that does not hold fails this worker with its own message.
 */
export async function pollProbe(conn: Conn): Promise<PollReport> {
  const waits: PollReport["waits"] = [];
  const measured = async <T>(what: Message, f: () => Promise<T>): Promise<T> => {
    const [c0, t0] = [cpuMs(), performance.now()];
    const value = await f();
    waits.push({ what, wallMs: elapsed(t0), cpuMs: Math.round(cpuMs() - c0) });
    return value;
  };
  const rt = runtimeHere();

  const p0 = await timedPoll(conn, 0);
  if (p0.ready) {
    const then = await guarded(tryRecv(conn, "recv({ timeoutMs: 0 }) after poll(0) said true", 0));
    if (then !== "still waiting" && !("msg" in then) && then.stop === "eof") fail("pipe:probe.zeroTrueThenEof");
    fail("pipe:probe.zeroTrue");
  }
  if (p0.ms > AT_ONCE_MS) fail("pipe:probe.zeroSlow", { ms: p0.ms });

  const idle = await measured(msg("pipe:probe.wait.pollIdle", { timeoutMs: IDLE_MS }), () => guarded(timedPoll(conn, IDLE_MS), IDLE_MS + 1_500));
  if (idle === "still waiting") fail("pipe:probe.pollStillWaiting", { timeoutMs: IDLE_MS, ms: IDLE_MS + 1_500 });
  if (idle.ready) fail("pipe:probe.pollTrue", { timeoutMs: IDLE_MS });
  if (idle.ms < IDLE_MS - 50) fail("pipe:probe.pollEarly", { timeoutMs: IDLE_MS, ms: idle.ms });
  if (idle.ms > IDLE_MS + 1_000) fail("pipe:probe.pollLate", { timeoutMs: IDLE_MS, ms: idle.ms });
  checkIdle(waits);

  const recvIdle = `recv({ timeoutMs: ${IDLE_MS} })`;
  const timeout = await measured(msg("pipe:probe.wait.recvIdle", { timeoutMs: IDLE_MS }), () => guarded(tryRecv(conn, recvIdle, IDLE_MS), IDLE_MS + 1_500));
  if (timeout === "still waiting") fail("pipe:probe.recvStillWaiting", { timeoutMs: IDLE_MS, ms: IDLE_MS + 1_500 });
  if ("msg" in timeout) fail("pipe:probe.recvGot", { timeoutMs: IDLE_MS, what: summary(timeout.msg) });
  if (timeout.stop !== "timeout") fail("pipe:probe.recvNotTimeout", { timeoutMs: IDLE_MS, why: stopWords(timeout, rt) });
  if (timeout.ms < IDLE_MS - 50 || timeout.ms > IDLE_MS + 1_000) fail("pipe:probe.recvTiming", { timeoutMs: IDLE_MS, ms: timeout.ms });
  checkIdle(waits);

  const none = await guarded(tryRecv(conn, "recv({ timeoutMs: 0 })", 0));
  if (none === "still waiting") fail("pipe:probe.zeroRecvStillWaiting", { timeoutMs: IDLE_MS });
  if ("msg" in none) fail("pipe:probe.zeroRecvGot", { what: summary(none.msg) });
  if (none.stop !== "timeout") fail("pipe:probe.zeroRecvNotTimeout", { why: stopWords(none, rt) });
  if (none.ms > AT_ONCE_MS) fail("pipe:probe.zeroRecvSlow", { ms: none.ms });

  signalParent("in recv");
  const first = await measured(msg("pipe:probe.wait.recvFirst", { ms: FIRST_AFTER_MS }), () =>
    guarded(tryRecv(conn, "recv (nothing sent yet)"), FIRST_AFTER_MS + 2_500),
  );
  if (first === "still waiting") fail("pipe:probe.firstNever", { ms: FIRST_AFTER_MS });
  if (!("msg" in first)) fail("pipe:probe.firstNoMessage", { ms: FIRST_AFTER_MS, why: stopWords(first, rt) });
  if (first.msg !== "first") fail("pipe:probe.firstWrong", { what: summary(first.msg) });
  checkIdle(waits);

  signalParent("in poll");
  const busy = await measured(msg("pipe:probe.wait.pollWake", { ms: POLL_WAKE_MS }), () => timedPoll(conn, 5_000));
  if (!busy.ready) fail("pipe:probe.wakeFalse", { ms: busy.ms, after: POLL_WAKE_MS });
  if (busy.ms > POLL_WAKE_MS + 1_500) fail("pipe:probe.wakeSlow", { ms: busy.ms, after: POLL_WAKE_MS });
  checkIdle(waits);
  const second = await tryRecv(conn, "recv({ timeoutMs: 0 }) after poll() said true", 0);
  if (!("msg" in second)) {
    // Gone for good, or only not taken at once? A recv() that waits tells poll() that took it from recv(0) that did not look.
    const later = await tryRecv(conn, "recv({ timeoutMs: 1000 }) after recv(0) gave nothing", 1_000);
    if (!("msg" in later) && second.stop === "timeout" && later.stop === "timeout") fail("pipe:probe.pollTook");
    fail("pipe:probe.secondNoMessage", { why: stopWords(second, rt) });
  }
  if (second.msg !== "second") fail("pipe:probe.secondWrong", { what: summary(second.msg) });
  await traced("send ack", () => conn.send("ack"));
  signalParent("acked");

  await waitForParent("third sent", { timeoutMs: 5_000 });
  await sleep(50);
  const third = await tryRecv(conn, "recv({ timeoutMs: 0 }) with a message waiting", 0);
  if (!("msg" in third)) fail("pipe:probe.thirdNoMessage", { why: stopWords(third, rt) });
  if (third.msg !== "third") fail("pipe:probe.thirdWrong", { what: summary(third.msg) });
  // Python's test_dont_merge: a message already received (here: with "third") is ready for poll.
  const left = await timedPoll(conn, 0);
  if (!left.ready) fail("pipe:probe.fourthNotReady", { why: msg(`pipe:probe.fourthWhy.${mech(rt)}`) });
  const fourth = await tryRecv(conn, "recv({ timeoutMs: 0 }) after poll(0) said true", 0);
  if (!("msg" in fourth) || fourth.msg !== "fourth") fail("pipe:probe.fourthWrong", { got: "msg" in fourth ? summary(fourth.msg) : stopWords(fourth, rt) });

  signalParent("got third");
  const end = await tryRecv(conn, "recv after the top process closed", EOF_EXPECTED_MS);
  if ("msg" in end) fail("pipe:probe.endMessage", { what: summary(end.msg) });
  // No EOF at all: the close never reached this end. Something else instead: the wrong error, or undefined.
  if (end.stop === "timeout") fail("pipe:probe.endNotEof", { why: stopWords(end, rt), close: closeWhy(rt, msg("pipe:who.top")) });
  if (end.stop !== "eof") fail("pipe:probe.endNotEofError", { why: stopWords(end, rt) });
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
    const used = { what: w.what, cpuMs: w.cpuMs, ms: w.wallMs, percent: Math.round(100 * share) };
    if (share > BUSY_SHARE) fail("pipe:idle.busy", used);
    if (w.wallMs >= LONG_WAIT_MS && share > POLLING_SHARE) fail("pipe:idle.polling", used);
  }
}

/** How many send() calls of `proc` had returned (from the run's journal; by `before`, journal time, if given): those messages must be delivered. */
function completedSends(ctx: Ctx, proc: ProcessLike, before = Number.POSITIVE_INFINITY): number {
  return ctx
    .journal()
    .filter((l) => l.k === "ev" && l.w === proc.id && l.ph === "end" && l.t <= before && l.op.startsWith("send #") && !l.out?.startsWith("threw")).length;
}

/** Why a close() did not reach the peer, by mechanism; `closer` is who closed (a message). */
function closeWhy(rt: Runtime, closer: Message): Message {
  return msg(`pipe:closeWhy.${mech(rt)}`, { closer });
}

/** How a send() after close() ended: null if it rejected with EOFError, as it must. */
async function sendAfterClose(conn: Conn): Promise<Message | null> {
  return traced("send after close", () => conn.send("too late"), String).then(
    () => msg("pipe:afterClose.resolved"),
    (err: unknown) => (hasCode(err, "EOF") ? null : msg("pipe:afterClose.rejected", { error: describeError(err) })),
  );
}

/** Send, close, then stay alive: EOF must come from close(), not from this process's exit. */
export async function sendCloseAndStay(conn: Conn, messages: unknown[]): Promise<{ late: Message | null }> {
  for (const [i, message] of messages.entries()) await traced(`send #${i}`, () => conn.send(message));
  await traced("close", () => conn.close());
  mark("closed");
  const late = await sendAfterClose(conn);
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
  /** What a second recv() at EOF did, if not EOFError again. */
  again?: Message | null;
  /** What poll(0) at EOF resolved ("true", or the value), or how it rejected. */
  pollAtEof?: string | Message;
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
      (v: unknown): string | Message => (v === true ? "true" : brief(v)),
      (e: unknown) => msg("pipe:eof.pollRejected", { error: describeError(e) }),
    );
    const again = await tryRecv(conn, "recv again", 1_000);
    return {
      got,
      count,
      wrong,
      end: r,
      again: "msg" in again ? msg("pipe:eof.againMessage", { what: summary(again.msg) }) : again.stop === "eof" ? null : stopWords(again, runtimeHere()),
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
function judgeSequence(r: SeqReport, n: number, rt: Runtime): Message | undefined {
  const seen = new Map<number, number>();
  let expected = 0;
  for (const [i, s] of r.seqs.entries()) {
    if (s === expected) {
      seen.set(s, i);
      expected++;
      continue;
    }
    if (s === -1) return msg(`pipe:sequence.foreign.${mech(rt)}`, { index: i, what: r.foreign?.what ?? msg("pipe:sequence.somethingElse") });
    if (seen.has(s)) return msg("pipe:sequence.twice", { index: i, seq: s, first: seen.get(s) });
    const later = r.seqs.indexOf(expected, i + 1);
    if (s > expected && later >= 0)
      return msg("pipe:sequence.outOfOrder", { index: i, seq: s, expected, later, delivers: msg(`pipe:sequence.delivers.${mech(rt)}`) });
    const missing = n - new Set(r.seqs.filter((x) => x >= 0)).size;
    const after = expected === 0 ? msg("pipe:sequence.cameFirst", { seq: s }) : msg("pipe:sequence.cameAfter", { before: expected - 1, seq: s });
    return msg("pipe:sequence.lost", { missing, n, expected, after, why: lostWhy(rt) });
  }
  if (!r.stop) return undefined;
  const k = r.seqs.length;
  const got = k === 0 ? msg("pipe:sequence.gotNothing") : k === 1 ? msg("pipe:sequence.gotFirst") : msg("pipe:sequence.gotUpTo", { last: k - 1 });
  switch (r.stop.stop) {
    case "undefined":
    case "error":
      return msg("pipe:sequence.then", { got, why: stopWords(r.stop, rt) });
    case "eof":
      return msg(`pipe:sequence.eof.${mech(rt)}`, { got, count: n - k });
    case "timeout":
      if (gaveUpEarly(r.stop)) return msg("pipe:sequence.then", { got, why: stopWords(r.stop, rt) });
      return k === 0
        ? msg("pipe:sequence.nothing", { ms: r.stop.ms })
        : msg("pipe:sequence.timedOut", { got, ms: r.stop.ms, next: k, count: n - k, why: lostWhy(rt) });
  }
}

/** Message #index should have been { seq: index }. */
function wrongSeq(w: { index: number; seq: number; what: string }, rt: Runtime): Message {
  if (w.seq < 0) return msg("pipe:sequence.neverSent", { index: w.index, what: w.what, framing: STREAMS[rt] ? msg("pipe:sequence.glued") : "" });
  if (w.seq > w.index) return msg("pipe:sequence.skipped", { index: w.index, seq: w.seq, why: lostWhy(rt) });
  return msg("pipe:sequence.again", { index: w.index, seq: w.seq });
}

/** The first thing wrong with the big and mixed messages. */
function judgeBig(r: ListReport, rt: Runtime): Message | undefined {
  const want = [pattern(BIG, 1), ...mixed()].map(summary);
  const name = (i: number) => (i === 0 ? msg("pipe:big.theBig") : msg("pipe:big.nth", { nth: i + 1, total: want.length, what: want[i] }));
  for (const [i, w] of want.entries()) {
    const g = r.got[i];
    if (g === undefined) {
      const hint = i === 0 && STREAMS[rt] && !(r.stop && framingError(r.stop, rt)) ? msg("pipe:big.manyChunks") : "";
      return msg("pipe:big.neverArrived", { what: name(i), why: r.stop ? stopWords(r.stop, rt) : msg("pipe:big.nothing"), hint });
    }
    if (g === w) continue;
    const j = want.indexOf(g, i + 1);
    if (j > i) return msg("pipe:big.lost", { what: name(i), nth: j + 1, got: g, why: w === '""' || w === "0" ? msg("pipe:big.falsy") : lostWhy(rt) });
    return msg("pipe:big.changed", { what: name(i), expected: w, got: g, why: sizeWhy(w, g) });
  }
  return undefined;
}

function sizeWhy(want: string, got: string): Message | "" {
  const w = want.match(/^bytes\((\d+)/);
  const g = got.match(/^bytes\((\d+)/);
  if (w && got.startsWith('{"$bytes"')) return msg("pipe:big.bytesAsJson");
  if (!w || !g) return "";
  const [wanted, came] = [Number(w[1]), Number(g[1])];
  if (came < wanted) return msg("pipe:big.cutShort", { got: came, want: wanted });
  if (came > wanted) return msg("pipe:big.tooMany", { count: came - wanted });
  return msg("pipe:big.sameLength");
}

// ---- scenarios (each runs in the top process of its own run) ----------------------------------

export const scenarios: Scenario<PipeCell>[] = [
  {
    name: "hello",
    title: msg("pipe:hello.title", { hello: HELLO }),
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const [a, b] = await makePipe(cell);
      const sender = await launch(ctx, "helloSender", [a], "sender");
      const receiver = await launch(ctx, "helloReceiver", [b], "receiver");
      await settleAll([sender], [receiver], 8_000, msg("pipe:doing.finish"));
      const r = receiver.result as Outcome | undefined;
      if (r && !("msg" in r)) {
        if (r.stop === "eof") fail(`pipe:hello.eof.${mech(runtime)}`, { hello: HELLO, framing: msg("pipe:hello.framing") });
        if (spun(r) || r.stop === "error") fail("pipe:hello.noMessage", { why: stopWords(r, runtime) });
        fail("pipe:hello.noMessageReach", {
          why: stopWords(r, runtime),
          framing: STREAMS[runtime] && r.stop === "timeout" ? msg("pipe:hello.framing") : "",
        });
      }
      if (r && r.msg !== JSON.stringify(HELLO)) fail("pipe:hello.wrong", { got: r.msg, expected: JSON.stringify(HELLO) });
      await awaitAll([receiver, sender], 5_000, msg("pipe:doing.finish"));
    },
  },
  {
    name: "order",
    title: msg("pipe:order.title", { n: ORDERED }),
    deadlineMs: 20_000,
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const [a, b] = await makePipe(cell);
      const sender = await launch(ctx, "sendSequence", [a, ORDERED], "sender");
      const receiver = await launch(ctx, "recvSequence", [b, ORDERED, slack(GAP_MS)], "receiver");
      await settleAll([sender], [receiver], 15_000, msg("pipe:doing.receiveMessages", { n: ORDERED }));
      if (receiver.finished) {
        const wrong = judgeSequence(receiver.result as SeqReport, ORDERED, runtime);
        if (wrong) fail(wrong);
      }
      await awaitAll([receiver, sender], 5_000, msg("pipe:doing.finish"));
    },
  },
  {
    name: "big",
    title: "pipe:big.title",
    deadlineMs: 20_000,
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const [a, b] = await makePipe(cell);
      const sender = await launch(ctx, "sendList", [a, "big"], "sender");
      const receiver = await launch(ctx, "recvList", [b, "big", slack(5_000)], "receiver");
      await settleAll([sender], [receiver], 15_000, msg("pipe:doing.receiveBig"));
      if (receiver.finished) {
        const wrong = judgeBig(receiver.result as ListReport, runtime);
        if (wrong) fail(wrong);
        // Deno's ports have no backpressure at all (postMessage never waits): only byte streams are held to it.
        if (STREAMS[runtime]) {
          const journal = ctx.journal();
          const sentAt = journal.find((l) => l.k === "ev" && l.w === sender.id && l.ph === "end" && l.op === "send #4")?.t;
          const resumedAt = journal.find((l) => l.k === "ev" && l.w === receiver.id && l.op === "resumed")?.t;
          if (sentAt !== undefined && resumedAt !== undefined && sentAt < resumedAt)
            fail("pipe:big.backpressure", { ms: PAUSE_MS, fix: msg(`pipe:big.fix.${runtime === "bun" ? "bun" : "node"}`) });
        }
      }
      await awaitAll([receiver, sender], 5_000, msg("pipe:doing.finish"));
    },
  },
  {
    name: "unicode",
    title: "pipe:unicode.title",
    deadlineMs: 15_000,
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const [a, b] = await makePipe(cell);
      const sender = await launch(ctx, "sendList", [a, "unicode"], "sender");
      const receiver = await launch(ctx, "recvList", [b, "unicode", slack(GAP_MS)], "receiver");
      await settleAll([sender], [receiver], 12_000, msg("pipe:doing.receiveTexts"));
      const r = receiver.finished ? (receiver.result as UnicodeReport) : undefined;
      const total = unicodeMessages().length;
      if (r?.lost) fail("pipe:unicode.lost", { index: r.lost.index, came: r.lost.came, missing: r.lost.came - r.lost.index, why: lostWhy(runtime) });
      if (r?.bad) {
        const want = unicodeMessages()[r.bad.index]!;
        fail("pipe:unicode.changed", {
          index: r.bad.index,
          expected: want.length,
          got: r.bad.length === undefined ? (r.bad.what ?? "") : msg("pipe:unicode.characters", { count: r.bad.length }),
          at: r.bad.at,
          why: msg(`pipe:unicode.why.${mech(runtime)}`),
        });
      }
      if (r?.stop) fail("pipe:unicode.stopped", { got: r.got.length, total, why: stopWords(r.stop, runtime) });
      await awaitAll([receiver, sender], 5_000, msg("pipe:doing.finish"));
    },
  },
  {
    name: "both-ways",
    title: msg("pipe:bothWays.title", { n: ROUND_TRIPS }),
    deadlineMs: 20_000,
    async run(ctx: Ctx) {
      const { cell } = ctx;
      const [a, b] = await makePipe(cell);
      const ping = await launch(ctx, "pinger", [a, ROUND_TRIPS, STREAMED, slack(GAP_MS)], "pinger");
      const pong = await launch(ctx, "ponger", [b, ROUND_TRIPS, STREAMED, slack(GAP_MS)], "ponger");
      await awaitAll([ping, pong], 15_000, msg("pipe:doing.bothWays"));
    },
  },
  {
    name: "poll",
    title: "pipe:poll.title",
    deadlineMs: 15_000,
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const [mine, theirs] = await makePipe(cell);
      const probe = await launch(ctx, "pollProbe", [theirs], "poller");
      await signalFrom(probe, "in recv", 8_000, msg("pipe:doing.checkTimeouts"));
      await sleep(FIRST_AFTER_MS);
      await traced("send first", () => mine.send("first"));
      await signalFrom(probe, "in poll", 8_000, msg("pipe:doing.receive", { what: '"first"' }));
      await sleep(POLL_WAKE_MS);
      await traced("send second", () => mine.send("second"));
      await signalFrom(probe, "acked", 8_000, msg("pipe:doing.answer", { what: '"second"' }));
      const ready: unknown = await traced("poll(3000)", () => mine.poll(3_000), String);
      if (ready !== true) fail("pipe:poll.topNotReady", { got: brief(ready) });
      const ack = await tryRecv(mine, "recv ack", 1_000);
      if (!("msg" in ack)) fail("pipe:poll.topNoAck", { why: stopWords(ack, runtime) });
      if (ack.msg !== "ack") fail("pipe:poll.topWrongAck", { what: summary(ack.msg) });
      await traced("send third", () => mine.send("third"));
      await traced("send fourth", () => mine.send("fourth"));
      await probe.notify("third sent").catch(() => {}); // if it died already, signalFrom says how
      await signalFrom(probe, "got third", 8_000, msg("pipe:doing.receive", { what: '"third"' }));
      await traced("close", () => mine.close());
      const late = await sendAfterClose(mine);
      await awaitAll([probe], 5_000, msg("pipe:doing.seeEof"));
      if (late !== null) fail("pipe:afterClose.top", { how: late });
      return probe.result; // how long each wait took, and its CPU time
    },
  },
  {
    name: "eof",
    deadlineMs: 20_000,
    title: "pipe:eof.title",
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const sent = ["one", "two", pattern(200_000, 6), "three"];
      const [a, b] = await makePipe(cell);
      const sender = await launch(ctx, "sendCloseAndStay", [a, sent], "sender");
      const receiver = await launch(ctx, "drainUntilEof", [b, "wait for go"], "receiver");
      await signalFrom(sender, "closed", 8_000, msg("pipe:doing.sendAndClose"));
      await receiver.notify("go").catch(() => {}); // only now does the receiver start reading: everything waits in the pipe
      await waitUntil([receiver, sender], () => ended(receiver), 8_000);
      blameFirst([receiver, sender], endOf(receiver));
      await sender.notify("you may exit").catch(() => {});
      if (receiver.finished) {
        const r = receiver.result as DrainReport;
        const want = sent.map(summary);
        const got = r.got;
        if (r.end.stop === "undefined" && got.length >= want.length) fail("pipe:eof.allThenUndefined", { sent: want.length, why: stopWords(r.end, runtime) });
        if (got.length < want.length || want.some((w, i) => got[i] !== w))
          fail("pipe:eof.notDelivered", {
            sent: want.join(", "),
            got: got.length ? got.join(", ") : msg("pipe:eof.nothing"),
            why: stopWords(r.end, runtime),
          });
        if (got.length > want.length) fail("pipe:eof.extra", { count: got.length - want.length, what: got.slice(want.length).join(", ") });
        if (r.end.stop === "timeout") fail("pipe:eof.timedOut", { sent: want.length, ms: r.end.ms, why: closeWhy(runtime, msg("pipe:who.closer")) });
        if (r.end.stop !== "eof") fail("pipe:eof.notEof", { why: stopWords(r.end, runtime) });
        if (r.again !== null) fail("pipe:eof.again", { got: r.again ?? "undefined" });
        if (r.pollAtEof !== "true") fail("pipe:eof.pollAtEof", { got: r.pollAtEof ?? "undefined" });
      }
      await awaitAll([receiver, sender], 5_000, msg("pipe:doing.finish"));
      const { late } = sender.result as { late: Message | null };
      if (late !== null) fail("pipe:afterClose.peer", { how: late });
    },
  },
  {
    name: "crash",
    title: "pipe:crash.title",
    deadlineMs: 15_000,
    async run(ctx: Ctx) {
      const { cell, runtime } = ctx;
      const [a, b] = await makePipe(cell);
      const sender = await launch(ctx, "streamForever", [a], "doomed-sender");
      const receiver = await launch(ctx, "drainUntilEof", [b, "numbered"], "survivor");
      await signalFrom(sender, "streaming", 8_000, msg("pipe:doing.stream", { n: 500 }));
      const killedAt = now();
      sender.kill(); // the messages it sent last are still on their way
      await sender.join({ timeoutMs: 5_000 });
      mark("sender killed");
      // What it had sent when it was killed. (A Deno worker runs on to the end of its current task
      // after terminate() — here up to 19 more sends, at load 15 — which nobody can be told of.)
      const sent = completedSends(ctx, sender, killedAt);
      await waitUntil([receiver], () => ended(receiver), EOF_EXPECTED_MS + 6_000);
      if (receiver.finished) {
        const r = receiver.result as DrainReport;
        if (r.wrong) fail("pipe:crash.before", { why: wrongSeq(r.wrong, runtime) });
        if (r.end.stop === "timeout") fail("pipe:crash.timedOut", { received: r.count, ms: r.end.ms, why: msg(`pipe:crash.why.${mech(runtime)}`) });
        if (r.end.stop !== "eof") fail("pipe:crash.notEof", { received: r.count, why: stopWords(r.end, runtime) });
        if (r.count < sent)
          fail("pipe:crash.lost", { received: r.count, sent, lost: sent - r.count, more: STREAMS[runtime] ? "" : msg("pipe:crash.stillOnTheirWay") });
      }
      await awaitAll([receiver], 1_000, msg("pipe:doing.noticeDeath"));
    },
  },
];
