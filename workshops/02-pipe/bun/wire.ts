// 02-pipe on Bun — the plumbing under your Connection (starter.ts and solution.ts both use it; you
// don't write it, but read it if you like):
// - definePipe() makes Pipe(): each direction of the pipe is a byte stream from one process's
//   stdout to the other's stdin, wired by Bun.spawn like a shell's `a | b` (see socketPair below).
// - StdioWire: one end's two streams as a Connection needs them — read one chunk when asked,
//   write and flush, end.
// - encode() / decode(): one message as one line of JSON (a Uint8Array as a tagged base64 value).
import { dlopen, FFIType, ptr } from "bun:ffi";
import { closeSync, openSync } from "node:fs";
import type { Connection } from "@workshop/contracts";
import { type ReduceContext, type Reduction, reduce, registerReviver } from "@workshop/process";
import type { FileSink } from "bun";

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
  if (isBytesLine(line))
    return base64.fromBase64(Buffer.from(line.buffer, line.byteOffset, line.length).toString("latin1", BYTES_HEAD.length, line.length - BYTES_TAIL.length + 1));
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
/** Base64 straight from and to bytes (Bun has the ES2026 Uint8Array methods). */
const base64 = Uint8Array as unknown as { fromBase64(text: string): Uint8Array };

function encodeBytes(bytes: Uint8Array): Uint8Array {
  const text = (bytes as Uint8Array & { toBase64(): string }).toBase64();
  const line = Buffer.allocUnsafe(BYTES_HEAD.length + text.length + BYTES_TAIL.length); // every byte is written below
  line.set(BYTES_HEAD);
  line.write(text, BYTES_HEAD.length, "latin1");
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
  const out = Buffer.allocUnsafe(pieces.reduce((n, p) => n + p.length, 0)); // every byte is written below
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---- one end: what it reads from, what it writes to ---------------------------------------------

/** Where an end's bytes go: a child's stdout, or a socket kept in the process that made the pipe (a FileSink each). */
interface Sink {
  write(bytes: Uint8Array): void;
  flush(): Promise<unknown>;
  end(): Promise<unknown>;
}

/**
 * Writing to a file descriptor: this child's stdout, or a socket kept in the process that made the
 * pipe. Ending a FileSink leaves its fd open (the reader would see EOF only when we exit): close it.
 */
function fdSink(fd: number, sink: FileSink = Bun.file(fd).writer(), afterClose?: () => void): Sink {
  return {
    write: (bytes) => void sink.write(bytes),
    flush: async () => sink.flush(),
    end: async () => {
      await sink.end();
      closeSync(fd);
      afterClose?.();
    },
  };
}

/** This child's stdout, fd 1 — reopened on /dev/null once closed, so nothing else is ever opened there. */
function stdoutSink(): Sink {
  return fdSink(1, Bun.stdout.writer(), () => {
    const fd = openSync("/dev/null", "w");
    if (fd !== 1) closeSync(fd);
  });
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

  /** Resolves once what was written is taken by the kernel — and waits while the pipe is full. */
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

// ---- wiring: one socket pair per direction -----------------------------------------------------

/** One direction of the pipe: two connected Unix domain sockets, as this process's file descriptors. */
interface Direction {
  read: number; // becomes the reader's stdin
  write: number; // becomes the writer's stdout
}

/** What a socket may hold unread: a base64 line of the eof scenario's 200 KB (267 KB) must fit, as it does in Python's socket pair. */
const SOCKET_BUFFER = 1 << 20;

/**
 * Two connected Unix domain sockets — what Python's Pipe() is made of (socket.socketpair()). Bun
 * has no socketpair() of its own, so this asks the C library (bun:ffi). Each direction gets its
 * own pair, and its ends become the children's stdin and stdout at spawn: the bytes go from child
 * to child directly, whichever is spawned first. Close-on-exec, so no other child inherits them;
 * a send buffer of SOCKET_BUFFER (the kernel caps it at net.core.wmem_max, and doubles it).
 */
function socketPair(): Direction {
  const linux = process.platform === "linux";
  const libc = dlopen(linux ? "libc.so.6" : "libc.dylib", {
    socketpair: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
    setsockopt: { args: [FFIType.i32, FFIType.i32, FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
  });
  const [AF_UNIX, SOCK_STREAM, SOCK_CLOEXEC] = [1, 1, linux ? 0o2000000 : 0]; // macOS: Bun's spawn closes other fds itself
  const [SOL_SOCKET, SO_SNDBUF] = linux ? [1, 7] : [0xffff, 0x1001];
  try {
    const fds = new Int32Array(2);
    if (libc.symbols.socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ptr(fds)) !== 0) throw new Error("socketpair() failed: out of file descriptors?");
    const size = new Int32Array([SOCKET_BUFFER]);
    for (const fd of fds) libc.symbols.setsockopt(fd, SOL_SOCKET, SO_SNDBUF, ptr(size), size.byteLength);
    return { read: fds[0]!, write: fds[1]! };
  } finally {
    libc.close();
  }
}

/** [0] carries a → b, [1] carries b → a. */
type Directions = [Direction, Direction];

function reduceEnd(wire: StdioWire, module: string, directions: Directions, side: 0 | 1, ctx: ReduceContext): Reduction {
  if (wire.passed) throw new Error("cannot pass a Connection that was passed to a child already");
  if (wire.used) throw new Error("cannot pass a Connection this process has already used: pass it before using it");
  wire.passed = true; // this copy is spent: the child's stdio is the end now
  const stdin = directions[1 - side]!.read;
  const stdout = directions[side]!.write;
  // Once the child has them, this process lets go: the reader sees EOF when the child's stdout
  // closes (when it closes its end, or dies), and the writer a broken pipe when the child's stdin does.
  ctx.onSpawn(() => {
    closeSync(stdin);
    closeSync(stdout);
  });
  return { kind: KIND, module, data: null, beside: { stdio: { stdin, stdout } } };
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
    const directions: Directions = [socketPair(), socketPair()];
    const end = (side: 0 | 1) => {
      const wire = new StdioWire(
        () => Bun.file(directions[1 - side]!.read).stream(),
        () => fdSink(directions[side]!.write),
      );
      const conn = make(wire);
      Object.defineProperty(conn, reduce, { value: (ctx: ReduceContext) => reduceEnd(wire, module, directions, side, ctx) });
      return conn;
    };
    return Promise.resolve([end(0), end(1)] as [Connection<T>, Connection<T>]);
  };
}
