// 02-pipe on Bun — the plumbing under your Connection (starter.ts and solution.ts both use it; you
// don't write it, but read it if you like):
// - definePipe() makes Pipe(): each direction of the pipe is a byte stream from one process's
//   stdout to the other's stdin, wired by Bun.spawn like a shell's `a | b` (see Wire below).
// - StdioWire: one end's two streams as a Connection needs them — read one chunk when asked,
//   write and flush, end.
// - encode() / decode(): one message as one line of JSON (a Uint8Array as a tagged base64 value).
import { closeSync, openSync } from "node:fs";
import type { Connection } from "@workshop/contracts";
import { type ReduceContext, type Reduction, reduce, registerReviver } from "@workshop/process";
import type { FileSink, Subprocess } from "bun";

const KIND = "bun-stdio-connection";

// ---- one message, one line ---------------------------------------------------------------------

/** The end of a line. Never inside a multi-byte UTF-8 character, nor inside JSON text (escaped as \n). */
export const NEWLINE = 0x0a;
const BYTES_TAG = "$bytes";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A message as one line of JSON, newline included. JSON has no bytes: a Uint8Array travels as { "$bytes": base64 }. */
export function encode(msg: unknown): Uint8Array {
  if (msg instanceof Uint8Array) return encodeBytes(msg);
  const json = JSON.stringify(msg, (_key, value: unknown) =>
    value instanceof Uint8Array ? { [BYTES_TAG]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") } : value,
  );
  return encoder.encode(`${json}\n`);
}

/** One whole line (without its newline) back into the message. Give it whole lines only. */
export function decode(line: Uint8Array): unknown {
  if (isBytesLine(line)) return base64.fromBase64(latin1.decode(line.subarray(BYTES_HEAD.length, line.length - BYTES_TAIL.length + 1)));
  return JSON.parse(decoder.decode(line), (_key, value: unknown) => {
    if (typeof value === "object" && value !== null && typeof (value as Record<string, unknown>)[BYTES_TAG] === "string" && Object.keys(value).length === 1) {
      const bytes = Buffer.from((value as Record<string, string>)[BYTES_TAG]!, "base64");
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return value;
  });
}

// A message that is bytes (the big ones, usually) is written and read without building JSON text:
// the same line, {"$bytes":"<base64>"}, put together from its three parts.
const BYTES_HEAD = encoder.encode(`{"${BYTES_TAG}":"`);
const BYTES_TAIL = encoder.encode('"}\n');
const QUOTE = 0x22;
const latin1 = new TextDecoder("latin1");
/** Base64 straight from and to bytes (Bun has the ES2026 Uint8Array methods). */
const base64 = Uint8Array as unknown as { fromBase64(text: string): Uint8Array };

function encodeBytes(bytes: Uint8Array): Uint8Array {
  const text = (bytes as Uint8Array & { toBase64(): string }).toBase64();
  const line = new Uint8Array(BYTES_HEAD.length + text.length + BYTES_TAIL.length);
  line.set(BYTES_HEAD);
  encoder.encodeInto(text, line.subarray(BYTES_HEAD.length));
  line.set(BYTES_TAIL, BYTES_HEAD.length + text.length);
  return line;
}

/** {"$bytes":"…"} and nothing else: the head, then no quote until the one before the closing brace. */
function isBytesLine(line: Uint8Array): boolean {
  const end = line.length - BYTES_TAIL.length + 1; // where the closing quote must be
  if (end < BYTES_HEAD.length || line[line.length - 1] !== 0x7d) return false;
  for (let i = 0; i < BYTES_HEAD.length; i++) if (line[i] !== BYTES_HEAD[i]) return false;
  return line.indexOf(QUOTE, BYTES_HEAD.length) === end;
}

/** The pieces, glued into one array of bytes. */
export function concat(pieces: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---- one end: what it reads from, what it writes to ---------------------------------------------

/** Where an end's bytes go: a child's stdout (a FileSink), or a stream in the parent. */
interface Sink {
  write(bytes: Uint8Array): void;
  flush(): Promise<unknown>;
  end(): Promise<unknown>;
}

/** This child's stdout. Ending the FileSink leaves fd 1 open (the reader would see EOF only when we exit): close it. */
function stdoutSink(): Sink {
  const sink: FileSink = Bun.stdout.writer();
  return {
    write: (bytes) => void sink.write(bytes),
    flush: async () => sink.flush(),
    end: async () => {
      await sink.end();
      closeSync(1);
      const fd = openSync("/dev/null", "w"); // fd 1 again, so nothing else is ever opened there
      if (fd !== 1) closeSync(fd);
    },
  };
}

function streamSink(stream: WritableStream<Uint8Array>): Sink {
  const writer = stream.getWriter();
  let last: Promise<unknown> = Promise.resolve();
  return {
    write(bytes) {
      last = writer.write(bytes);
      last.catch(() => {});
    },
    flush: async () => {
      await writer.ready;
      await last;
    },
    end: () => writer.close(),
  };
}

export class StdioWire {
  private reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } | undefined;
  private pending: Promise<void> | undefined; // the read in flight, shared by every caller
  private arrived: Uint8Array | null | undefined; // a finished read nobody took yet (null: the end)
  private ended = false;
  private sink: Sink | undefined;
  passed = false;

  constructor(
    private readonly input: () => ReadableStream<Uint8Array>,
    private readonly output: () => Sink,
  ) {}

  /**
   * The next chunk of bytes from the peer, as the pipe delivered it (a piece of a line, or several
   * lines: a stream has no message boundaries). Waits up to `ms` — Infinity: as long as it takes;
   * 0 or less: one turn, for what is already in the pipe. Resolves the bytes, `null` once the
   * stream has ended (the peer closed its end, or died), `undefined` if nothing came in time.
   * Bytes are pulled only when asked: unread ones wait in the pipe, and a full pipe stops the writer.
   */
  async read(ms: number): Promise<Uint8Array | null | undefined> {
    this.check("read from");
    const deadline = performance.now() + ms;
    for (;;) {
      if (this.ended) return null;
      if (this.arrived !== undefined) {
        const chunk = this.arrived;
        this.arrived = undefined;
        if (chunk === null) this.ended = true;
        return chunk;
      }
      const reader = (this.reader ??= this.input().getReader());
      this.pending ??= reader.read().then(
        ({ done, value }) => {
          this.pending = undefined;
          this.arrived = done ? null : (value ?? new Uint8Array());
        },
        () => {
          this.pending = undefined;
          this.arrived = null; // the stream broke: the peer is gone
        },
      );
      const left = deadline - performance.now();
      if (!(await within(this.pending, Math.max(0, left || 0))) && this.arrived === undefined) return undefined;
    }
  }

  /** Queue bytes for the peer. They are not sent yet: flush() sends them. */
  write(bytes: Uint8Array): void {
    this.check("send on");
    this.sink ??= this.output();
    this.sink.write(bytes);
  }

  /** Resolves once what was written is taken (by the kernel, or the parent's stream) — and waits while the pipe is full. */
  async flush(): Promise<void> {
    await this.sink?.flush();
  }

  /** No more writes, no more reads: what was written is sent, then the end of the stream (the peer reads it all, then EOF). */
  async end(): Promise<void> {
    if (this.passed) return;
    this.sink ??= this.output();
    await this.sink.end().catch(() => {});
    this.ended = true;
    void this.reader?.cancel().catch(() => {});
  }

  /** Read from or written to already (then it can no longer be passed to a child). */
  get used(): boolean {
    return this.reader !== undefined || this.sink !== undefined;
  }

  private check(what: string): void {
    if (this.passed) throw new Error(`cannot ${what} a Connection that was passed to a child: it lives there now`);
  }
}

/** Resolves true if `p` settles within `ms` (Infinity: whenever it does), false otherwise. */
async function within(p: Promise<void>, ms: number): Promise<boolean> {
  if (!Number.isFinite(ms)) return p.then(() => true);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const inTime = await Promise.race([p.then(() => true), late]);
  clearTimeout(timer);
  return inTime;
}

// ---- wiring: one pipeline per direction ---------------------------------------------------------

/**
 * One direction of the pipe, in the process that made it. If the writer is spawned first, its
 * stdout is handed to the reader as stdin: the kernel connects them, like `a | b`. If the reader
 * is spawned first (or either end stays here), a stream in this process carries the bytes instead,
 * and the writer's stdout is poured into it — a spawned child's stdin can't be changed afterwards.
 */
class Wire {
  private buffer: TransformStream<Uint8Array, Uint8Array> | undefined;
  private childOut: ReadableStream<Uint8Array> | undefined;

  /** The bytes of this direction, for whoever reads it (a child's stdin, or an end kept here). */
  source(): ReadableStream<Uint8Array> {
    const direct = this.childOut;
    this.childOut = undefined;
    return direct ?? this.through().readable;
  }

  /** Where an end kept in this process writes. */
  sink(): WritableStream<Uint8Array> {
    return this.through().writable;
  }

  writerSpawned(stdout: ReadableStream<Uint8Array>): void {
    if (this.buffer) void stdout.pipeTo(this.buffer.writable).catch(() => {});
    else this.childOut = stdout;
  }

  private through(): TransformStream<Uint8Array, Uint8Array> {
    this.buffer ??= new TransformStream<Uint8Array, Uint8Array>();
    return this.buffer;
  }
}

/** The two directions of one pipe: [0] carries a → b, [1] carries b → a. */
type Directions = [Wire, Wire];

function reduceEnd(wire: StdioWire, module: string, directions: Directions, side: 0 | 1, ctx: ReduceContext): Reduction {
  if (wire.passed) throw new Error("cannot pass a Connection that was passed to a child already");
  if (wire.used) throw new Error("cannot pass a Connection this process has already used: pass it before using it");
  wire.passed = true; // this copy is spent: the child's stdio is the end now
  const incoming = directions[1 - side]!;
  const outgoing = directions[side]!;
  ctx.onSpawn((child) => outgoing.writerSpawned((child as Subprocess<"pipe", "pipe", "inherit">).stdout));
  return { kind: KIND, module, data: null, beside: { stdio: { stdin: incoming.source(), stdout: "pipe" } } };
}

type Make = (wire: StdioWire) => Connection<unknown>;

/**
 * Pipe() for a Connection class: `make` builds one end around its StdioWire — in this process, and
 * again in a child that receives the end (there: its own stdin and stdout). `module` is the
 * caller's import.meta.url: the child imports it to rebuild the end.
 */
export function definePipe(module: string, make: Make): <T>() => Promise<[Connection<T>, Connection<T>]> {
  registerReviver(KIND, () => {
    // stdout is the wire now: anything else printed there would corrupt it. Logs go to stderr.
    console.log = console.info = console.debug = console.error;
    return make(
      new StdioWire(
        () => Bun.stdin.stream(),
        () => stdoutSink(),
      ),
    );
  });
  return <T>() => {
    const directions: Directions = [new Wire(), new Wire()];
    const end = (side: 0 | 1) => {
      const wire = new StdioWire(
        () => directions[1 - side]!.source(),
        () => streamSink(directions[side]!.sink()),
      );
      const conn = make(wire);
      Object.defineProperty(conn, reduce, { value: (ctx: ReduceContext) => reduceEnd(wire, module, directions, side, ctx) });
      return conn;
    };
    return Promise.resolve([end(0), end(1)] as [Connection<T>, Connection<T>]);
  };
}
