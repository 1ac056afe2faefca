// 02-pipe: the properties every duplex Pipe must have, on every runtime. Written once, against the
// contract. The two ends always live on two sides of a real boundary: two child processes (Node,
// Bun) or workers (Deno), or the top process and one child.

import process from "node:process";
import { type Connection, hasCode, type PipeCell } from "@workshop/contracts";
import { fail, joinAll, type Scenario, type ScenarioContext, sleep } from "@workshop/harness/scenario";
import { currentProcess, mark, signalParent, traced, waitForParent } from "@workshop/process";

type Conn = Connection<unknown>;
type Ctx = ScenarioContext<PipeCell>;

export const HELLO = "Hello from sender";
const ORDERED = 10_000;
const BIG = 10 * 1024 * 1024;
const ROUND_TRIPS = 1_000;
const STREAMED = 2_000;
const RECV_WAIT_MS = 5_000;
/** Once the peer is closed or dead, EOF takes milliseconds; waiting longer only slows a red grade. */
const EOF_EXPECTED_MS = 2_000;

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
  let text: string;
  try {
    text = JSON.stringify(msg) ?? String(msg);
  } catch {
    text = String(msg);
  }
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** Chinese, emoji (4-byte UTF-8 and surrogate pairs), combining marks: every width of character. */
const TEXT = "管道的两端：你好，世界！🌏🚀 naïve café 𝄞 👩‍👩‍👧‍👦 ";

export function unicodeMessages(): string[] {
  const out: string[] = [TEXT.repeat(12_000)]; // ~700 KB: crosses many chunk boundaries
  // Then many shorter ones whose lengths shift by one each time, so boundaries land mid-character.
  for (let i = 0; i < 300; i++) out.push(`${"·".repeat(i % 7)}${TEXT.repeat(1 + (i % 40))}${i}`);
  return out;
}

// ---- workers (each runs in its own process or worker) -----------------------------------------

// A child whose code under test throws in an event handler (a socket's 'data' listener, say) would
// die with its last words on the runtime's stderr, where the learner does not look. Say them in
// the child's own output, which the verdict shows, then fail that child.
if (currentProcess().id !== "main" && !("Deno" in globalThis)) {
  process.on("uncaughtException", (err) => {
    console.error(`uncaught in ${currentProcess().name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  });
}

/** The seed's sender: `conn.send("Hello from sender")`. */
export async function helloSender(conn: Conn): Promise<void> {
  await traced("send", () => conn.send(HELLO));
  await traced("close", () => conn.close());
}

/** The seed's receiver: `print(conn.recv())`. */
export async function helloReceiver(conn: Conn): Promise<unknown> {
  const msg = await traced("recv", () => conn.recv({ timeoutMs: RECV_WAIT_MS }), summary);
  console.log(msg);
  return msg;
}

export async function sendNumbers(conn: Conn, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await traced(`send #${i}`, () => conn.send(i));
  await traced("close", () => conn.close());
}

export async function recvNumbers(conn: Conn, n: number): Promise<{ count: number; wrong?: string; error?: string }> {
  for (let i = 0; i < n; i++) {
    let got: unknown;
    try {
      got = await traced(`recv #${i}`, () => conn.recv({ timeoutMs: RECV_WAIT_MS }), summary);
    } catch (err) {
      return { count: i, error: describe(err) };
    }
    if (got !== i) return { count: i, wrong: summary(got) };
  }
  return { count: n };
}

export async function sendBig(conn: Conn): Promise<void> {
  await traced("send 10 MiB", () => conn.send(pattern(BIG, 1)));
  for (const [i, msg] of mixed().entries()) await traced(`send mixed #${i}`, () => conn.send(msg));
  await traced("close", () => conn.close());
}

export async function recvBig(conn: Conn): Promise<{ got: string[]; error?: string }> {
  const got: string[] = [];
  const total = 1 + mixed().length;
  try {
    for (let i = 0; i < total; i++) got.push(await traced(`recv #${i}`, () => conn.recv({ timeoutMs: RECV_WAIT_MS }).then(summary), String));
  } catch (err) {
    return { got, error: describe(err) };
  }
  return { got };
}

export async function sendTexts(conn: Conn): Promise<void> {
  for (const [i, text] of unicodeMessages().entries()) await traced(`send text #${i}`, () => conn.send(text));
  await traced("close", () => conn.close());
}

export async function recvTexts(conn: Conn): Promise<{ count: number; bad?: { index: number; expected: number; got: string; at: number }; error?: string }> {
  const expected = unicodeMessages();
  for (const [i, want] of expected.entries()) {
    let got: unknown;
    try {
      got = await traced(`recv text #${i}`, () => conn.recv({ timeoutMs: RECV_WAIT_MS }), summary);
    } catch (err) {
      return { count: i, error: describe(err) };
    }
    if (got !== want) {
      const text = typeof got === "string" ? got : summary(got);
      let at = 0;
      while (at < text.length && text[at] === want[at]) at++;
      return { count: i, bad: { index: i, expected: want.length, got: typeof got === "string" ? `${got.length} chars` : text, at } };
    }
  }
  return { count: expected.length };
}

/** Ping-pong: send n, wait for n back. Then stream with the peer, both directions at once. */
export async function pinger(conn: Conn, rounds: number, streamed: number): Promise<{ rounds: number; streamed: number }> {
  for (let i = 0; i < rounds; i++) {
    await traced(`send ping ${i}`, () => conn.send({ ping: i }));
    const back = (await traced(`recv pong ${i}`, () => conn.recv({ timeoutMs: RECV_WAIT_MS }), summary)) as { pong?: number };
    if (back?.pong !== i) throw new Error(`round trip ${i}: sent { ping: ${i} }, got back ${summary(back)}`);
  }
  return { rounds, streamed: await both(conn, streamed, "pinger") };
}

export async function ponger(conn: Conn, rounds: number, streamed: number): Promise<{ rounds: number; streamed: number }> {
  for (let i = 0; i < rounds; i++) {
    const msg = (await traced(`recv ping ${i}`, () => conn.recv({ timeoutMs: RECV_WAIT_MS }), summary)) as { ping?: number };
    await traced(`send pong ${i}`, () => conn.send({ pong: msg?.ping }));
  }
  return { rounds, streamed: await both(conn, streamed, "ponger") };
}

/** Send `n` 1 KiB messages while receiving the peer's `n`: neither side waits for the other first. */
async function both(conn: Conn, n: number, who: string): Promise<number> {
  const payload = "x".repeat(1024);
  mark("both directions");
  const sending = (async () => {
    for (let i = 0; i < n; i++) await traced(`send ${i}`, () => conn.send({ from: who, i, payload }));
  })();
  let received = 0;
  for (let i = 0; i < n; i++) {
    const msg = (await traced(`recv ${i}`, () => conn.recv({ timeoutMs: RECV_WAIT_MS }), summary)) as { i?: number };
    if (msg?.i !== i) throw new Error(`while both ends were sending, message ${i} from the peer was ${summary(msg)}`);
    received++;
  }
  await sending;
  return received;
}

export interface PollReport {
  poll0: { ready: boolean; ms: number };
  idle: { ready: boolean; ms: number };
  timeout: { error: string; code: string | null; ms: number };
  busy: { ready: boolean; ms: number };
  msg: unknown;
}

/** poll and recv timeouts, on an idle pipe and then once data is there. */
export async function pollProbe(conn: Conn): Promise<PollReport> {
  const timed = async <T>(f: () => Promise<T>) => {
    const t0 = performance.now();
    const value = await f();
    return { value, ms: Math.round(performance.now() - t0) };
  };
  const p0 = await timed(() => traced("poll(0)", () => conn.poll(0), String));
  const idle = await timed(() => traced("poll(300)", () => conn.poll(300), String));
  const timeout = await timed(async () => {
    try {
      await traced("recv(timeout 200 ms)", () => conn.recv({ timeoutMs: 200 }), summary);
      return { error: "nothing: it returned a message", code: null };
    } catch (err) {
      return { error: describe(err), code: hasCode(err, "TIMEOUT") ? "TIMEOUT" : null };
    }
  });
  signalParent("idle checked");
  const busy = await timed(() => traced("poll(5000)", () => conn.poll(5_000), String));
  const msg = busy.value ? await traced("recv", () => conn.recv({ timeoutMs: 1_000 }), summary) : undefined;
  await traced("send ack", () => conn.send("ack"));
  return {
    poll0: { ready: p0.value, ms: p0.ms },
    idle: { ready: idle.value, ms: idle.ms },
    timeout: { ...timeout.value, ms: timeout.ms },
    busy: { ready: busy.value, ms: busy.ms },
    msg,
  };
}

export async function sendThenClose(conn: Conn, messages: unknown[]): Promise<void> {
  for (const [i, msg] of messages.entries()) await traced(`send #${i}`, () => conn.send(msg));
  await traced("close", () => conn.close());
  mark("closed");
}

export interface DrainReport {
  /** What arrived (summaries; only the first 20 are kept), and how many. */
  got: string[];
  count: number;
  /** For numbered messages: the first one out of sequence. */
  outOfOrder?: string;
  end: { error: string; code: string | null; ms: number };
  again?: string | null;
  pollAtEof?: boolean;
}

/** Receive until the pipe says EOF (or something else goes wrong); report what and how it ended. */
export async function drainUntilEof(conn: Conn, waitForGo: boolean): Promise<DrainReport> {
  if (waitForGo) {
    await waitForParent("go");
    await sleep(100); // everything has arrived: nobody was in recv() for it
  }
  const got: string[] = [];
  let count = 0;
  let outOfOrder: string | undefined;
  let t0 = performance.now();
  for (;;) {
    try {
      const msg = await traced(`recv #${count}`, () => conn.recv({ timeoutMs: EOF_EXPECTED_MS }), summary);
      if (count < 20) got.push(summary(msg));
      const seq = (msg as { seq?: unknown } | null)?.seq;
      if (seq !== undefined && seq !== count && outOfOrder === undefined) outOfOrder = `message #${count} was ${summary(msg)}`;
      count++;
      t0 = performance.now();
    } catch (err) {
      const end = {
        error: describe(err),
        code: hasCode(err, "EOF") ? "EOF" : hasCode(err, "TIMEOUT") ? "TIMEOUT" : null,
        ms: Math.round(performance.now() - t0),
      };
      if (end.code !== "EOF") return { got, count, outOfOrder, end };
      // At EOF, poll says "ready" (a recv would not wait) and recv keeps saying EOF.
      const pollAtEof = await traced("poll(0) at EOF", () => conn.poll(0), String).catch(() => false);
      const again = await traced("recv again", () => conn.recv({ timeoutMs: 1_000 }), summary).then(
        () => "a message",
        (e: unknown) => (hasCode(e, "EOF") ? null : describe(e)),
      );
      return { got, count, outOfOrder, end, again, pollAtEof };
    }
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

// ---- scenarios (each runs in the top process of its own run) ----------------------------------

export const scenarios: Scenario<PipeCell>[] = [
  {
    name: "hello",
    title: `the seed's example: a sender process sends "${HELLO}", a receiver process gets exactly that`,
    async run({ cell, start }: Ctx) {
      const [a, b] = await cell.Pipe<unknown>();
      const sender = await start("helloSender", [a], "sender");
      const receiver = await start("helloReceiver", [b], "receiver");
      await joinAll([sender, receiver], 8_000, "finish");
      if (receiver.result !== HELLO) fail(`the receiver got ${summary(receiver.result)}, expected ${JSON.stringify(HELLO)}`);
    },
  },
  {
    name: "order",
    title: `${fmt(ORDERED)} messages arrive complete and in order`,
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const [a, b] = await cell.Pipe<unknown>();
      const sender = await start("sendNumbers", [a, ORDERED], "sender");
      const receiver = await start("recvNumbers", [b, ORDERED], "receiver");
      await joinAll([receiver], 15_000, `receive ${fmt(ORDERED)} messages`);
      const r = receiver.result as Awaited<ReturnType<typeof recvNumbers>>;
      if (r.wrong !== undefined) {
        fail(
          `message #${r.count} should have been ${r.count}, but was ${r.wrong} — after ${fmt(r.count)} good ones, a message was lost, merged or reordered. ` +
            "Several messages can arrive in one chunk, and one message in several: a stream has no message boundaries, the frames must carry them.",
        );
      }
      if (r.error) {
        fail(
          `the receiver got ${fmt(r.count)} of ${fmt(ORDERED)} messages, then ${r.error}. ` +
            (r.count > 0
              ? "The rest were lost on the way: several messages arriving in one chunk must still come out as several messages (a stream has no message boundaries)."
              : "Not even the first one arrived: does send() reach the other end?"),
        );
      }
      await joinAll([sender], 5_000, "finish sending");
    },
  },
  {
    name: "big",
    title: "one 10 MiB message arrives intact (checksum), then a mix of tiny and large ones",
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const [a, b] = await cell.Pipe<unknown>();
      const sender = await start("sendBig", [a], "sender");
      const receiver = await start("recvBig", [b], "receiver");
      await joinAll([receiver], 15_000, "receive the 10 MiB message and the mixed ones");
      const { got, error } = receiver.result as Awaited<ReturnType<typeof recvBig>>;
      const want = [pattern(BIG, 1), ...mixed()].map(summary);
      for (const [i, w] of want.entries()) {
        const g = got[i];
        if (g === undefined) {
          fail(
            `${i === 0 ? "the 10 MiB message" : `message ${i + 1} of ${want.length} (${w})`} never arrived: recv() gave ${error ?? "nothing"}.` +
              (i === 0 ? " A message far larger than one chunk must be collected until its frame is complete." : ""),
          );
        }
        if (g !== w) fail(`message ${i + 1} of ${want.length}: expected ${w}, received ${g}${why(w, g)}`);
      }
      await joinAll([sender], 5_000, "finish sending");
    },
  },
  {
    name: "unicode",
    title: "multi-byte text (Chinese, emoji) split across chunk boundaries arrives intact",
    deadlineMs: 15_000,
    async run({ cell, start }: Ctx) {
      const [a, b] = await cell.Pipe<unknown>();
      const sender = await start("sendTexts", [a], "sender");
      const receiver = await start("recvTexts", [b], "receiver");
      await joinAll([receiver], 12_000, "receive the texts");
      const r = receiver.result as Awaited<ReturnType<typeof recvTexts>>;
      if (r.bad) {
        fail(
          `text message #${r.bad.index} arrived changed: expected ${fmt(r.bad.expected)} characters, received ${r.bad.got}, the first difference at character ${fmt(r.bad.at)}. ` +
            "A chunk boundary can fall inside a multi-byte character (UTF-8 uses 1 to 4 bytes for one): decode whole frames, not chunks.",
        );
      }
      if (r.error) fail(`the receiver got ${r.count} of ${unicodeMessages().length} text messages intact, then ${r.error}`);
      await joinAll([sender], 5_000, "finish sending");
    },
  },
  {
    name: "both-ways",
    title: `both directions at once: ${fmt(ROUND_TRIPS)} ping-pong round trips, then both ends streaming together — no deadlock`,
    deadlineMs: 20_000,
    async run({ cell, start }: Ctx) {
      const [a, b] = await cell.Pipe<unknown>();
      const ping = await start("pinger", [a, ROUND_TRIPS, STREAMED], "pinger");
      const pong = await start("ponger", [b, ROUND_TRIPS, STREAMED], "ponger");
      await joinAll([ping, pong], 15_000, "finish the round trips — is each end able to send and receive (a duplex pipe)?");
    },
  },
  {
    name: "poll",
    title: "poll(ms) is false on an idle pipe within the time, true once data is there; recv({ timeoutMs }) rejects with TimeoutError",
    async run({ cell, start }: Ctx) {
      const [mine, theirs] = await cell.Pipe<unknown>();
      const probe = await start("pollProbe", [theirs], "poller");
      await probe.waitFor("idle checked", { timeoutMs: 8_000 });
      await sleep(100); // the poller is waiting in poll(5000) now
      await traced("send", () => mine.send("data"));
      await joinAll([probe], 8_000, "finish polling");
      const r = probe.result as PollReport;
      if (r.poll0.ready) fail("poll(0) on a pipe nobody has written to returned true: it must say whether a message (or EOF) is ready, now");
      if (r.poll0.ms > 100) fail(`poll(0) took ${r.poll0.ms} ms: with a zero timeout it must answer at once`);
      if (r.idle.ready) fail("poll(300) on an idle pipe returned true: nothing was sent, so nothing is ready");
      if (r.idle.ms < 250) fail(`poll(300) on an idle pipe returned false after only ${r.idle.ms} ms: it must wait up to its timeout for data`);
      if (r.idle.ms > 1_500) fail(`poll(300) on an idle pipe took ${r.idle.ms} ms: give up when the timeout is over`);
      if (r.timeout.code !== "TIMEOUT")
        fail(`recv({ timeoutMs: 200 }) on an idle pipe should reject with the contract's TimeoutError; it gave ${r.timeout.error} after ${r.timeout.ms} ms`);
      if (r.timeout.ms < 150 || r.timeout.ms > 1_500) fail(`recv({ timeoutMs: 200 }) rejected after ${r.timeout.ms} ms: it should wait about 200 ms`);
      if (!r.busy.ready)
        fail(`poll(5000) returned false after ${r.busy.ms} ms although the other end sent "data": poll must notice a message arriving while it waits`);
      if (r.busy.ms > 3_000)
        fail(`poll(5000) took ${r.busy.ms} ms to notice a message sent right away: wake up when data arrives, don't sleep out the timeout`);
      if (r.msg !== "data") fail(`after poll() said true, recv() gave ${summary(r.msg)} instead of "data"`);
      const ready = await traced("poll(3000)", () => mine.poll(3_000), String);
      if (!ready) fail("the top process's end: poll(3000) did not see the child's reply within 3 s");
      const ack = await traced("recv", () => mine.recv({ timeoutMs: 1_000 }), summary);
      if (ack !== "ack") fail(`the top process's end received ${summary(ack)} instead of "ack"`);
    },
  },
  {
    name: "eof",
    title: "the peer closes ⇒ the messages it sent are still delivered, then recv() rejects with EOFError",
    async run({ cell, start }: Ctx) {
      const sent = ["one", "two", pattern(200_000, 6), "three"];
      const [a, b] = await cell.Pipe<unknown>();
      const sender = await start("sendThenClose", [a, sent], "sender");
      const receiver = await start("drainUntilEof", [b, true], "receiver");
      await joinAll([sender], 5_000, "send its messages and close");
      await receiver.notify("go").catch(() => {}); // (if it died already, joinAll says how) only now does the receiver start reading: everything waits in the pipe
      await joinAll([receiver], 8_000, "drain the pipe and see EOF");
      const r = receiver.result as DrainReport;
      const want = sent.map(summary);
      const got = r.got;
      if (got.length < want.length || want.some((w, i) => got[i] !== w)) {
        fail(
          `the sender sent ${want.join(", ")} and closed; the receiver got ${got.length ? got.join(", ") : "nothing"} before ${r.end.error}. ` +
            "What was sent before close() must still be delivered: EOF comes only after the buffer is drained.",
        );
      }
      if (got.length > want.length) fail(`the receiver got ${got.length - want.length} more message(s) than were sent: ${got.slice(want.length).join(", ")}`);
      if (r.end.code === "TIMEOUT")
        fail(
          `after the sender closed its end and the messages were read, recv() waited ${RECV_WAIT_MS} ms and timed out: it must reject with EOFError at once`,
        );
      if (r.end.code !== "EOF") fail(`after the last message, recv() should reject with the contract's EOFError; it gave ${r.end.error}`);
      if (r.again !== null) fail(`a second recv() after EOF gave ${r.again}: it should reject with EOFError again`);
      if (!r.pollAtEof) fail("at EOF, poll(0) returned false: EOF counts as ready (a recv would not wait), as in Python");
    },
  },
  {
    name: "crash",
    title: "the peer crashes mid-stream ⇒ the survivor gets EOFError, not a hang",
    deadlineMs: 15_000,
    async run({ cell, start }: Ctx) {
      const [a, b] = await cell.Pipe<unknown>();
      const sender = await start("streamForever", [a], "doomed-sender");
      const receiver = await start("drainUntilEof", [b, false], "survivor");
      await sender.waitFor("streaming", { timeoutMs: 8_000 });
      sender.kill();
      await sender.join({ timeoutMs: 5_000 });
      mark("sender killed");
      await joinAll([receiver], RECV_WAIT_MS + 4_000, "notice that its peer died");
      const r = receiver.result as DrainReport;
      if (r.end.code === "TIMEOUT") {
        fail(
          `the sender was killed mid-stream; the survivor received ${fmt(r.count)} messages, then waited ${RECV_WAIT_MS} ms for more and timed out. ` +
            "A dead peer must turn into EOFError: notice the end of the stream (or be told the peer is gone).",
        );
      }
      if (r.end.code !== "EOF") fail(`after its peer was killed, the survivor's recv() should reject with EOFError; it gave ${r.end.error}`);
      if (r.outOfOrder) fail(`before the crash, ${r.outOfOrder}: messages must arrive whole and in order`);
      if (r.count < 500)
        fail(`the survivor got only ${r.count} messages before EOF, but the sender had sent 500 before it was killed: what was sent must be delivered first`);
    },
  },
];

function why(want: string, got: string | undefined): string {
  const w = want.match(/^bytes\((\d+)/);
  const g = got?.match(/^bytes\((\d+)/);
  if (w && g && Number(g[1]) < Number(w[1])) return ` — received a truncated message: ${fmt(Number(g[1]))} of ${fmt(Number(w[1]))} bytes. Frame boundaries?`;
  if (w && g && Number(g[1]) > Number(w[1]))
    return ` — ${fmt(Number(g[1]) - Number(w[1]))} bytes too many: the next message's bytes ran into this one. Frame boundaries?`;
  if (w && g) return " — the right length, but different bytes: chunks out of order, or bytes changed on the way?";
  return "";
}

function fmt(n: number): string {
  return n.toLocaleString("en-US").replaceAll(",", " ");
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
