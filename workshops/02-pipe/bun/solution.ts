// 02-pipe on Bun — instructor solution.
// Each direction of the pipe is a byte stream between processes, wired by Bun.spawn the way a
// shell wires `a | b`: the writer's stdout becomes the reader's stdin (one pipeline per direction).
// A stream has no message boundaries, so each message travels as one line of JSON (newline-
// delimited JSON; a Uint8Array as a tagged base64 value). The reader pulls bytes only when recv()
// or poll() asks, and the writer waits for the kernel to take its bytes: a slow reader slows the
// writer instead of filling memory (backpressure). The end of the stream is EOF.

import { type Connection, EOFError, TimeoutError } from "@workshop/contracts";
import { type ReduceContext, type Reduction, reduce, registerReviver } from "@workshop/process";
import type { FileSink, Subprocess } from "bun";

// ---- framing: one message per line -----------------------------------------------------------

const NEWLINE = 0x0a; // never inside a multi-byte UTF-8 character, nor inside JSON text (escaped as \n)
const BYTES_TAG = "$bytes";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON has no bytes: a Uint8Array travels as { "$bytes": base64 }. */
function encode(msg: unknown): Uint8Array {
  const json = JSON.stringify(msg, (_key, value: unknown) =>
    value instanceof Uint8Array ? { [BYTES_TAG]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") } : value,
  );
  return encoder.encode(`${json}\n`);
}

/** One whole line (without its newline) back into a message. Decoding whole lines only: a chunk
 * boundary may fall inside a multi-byte character, a line boundary never does. */
function decode(line: Uint8Array): unknown {
  return JSON.parse(decoder.decode(line), (_key, value: unknown) => {
    if (typeof value === "object" && value !== null && typeof (value as Record<string, unknown>)[BYTES_TAG] === "string" && Object.keys(value).length === 1) {
      const bytes = Buffer.from((value as Record<string, string>)[BYTES_TAG]!, "base64");
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return value;
  });
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---- where bytes go: the kernel (a child's stdout) or a stream in the parent -------------------

interface ByteSink {
  /** Resolves once the bytes are taken (by the kernel, or by the reader's side): backpressure. */
  write(bytes: Uint8Array): Promise<void>;
  end(): Promise<void>;
}

function fileSinkWriter(sink: FileSink): ByteSink {
  return {
    async write(bytes) {
      sink.write(bytes);
      await sink.flush(); // waits while the pipe is full: a slow reader slows us down
    },
    async end() {
      await sink.end();
    },
  };
}

function streamWriter(stream: WritableStream<Uint8Array>): ByteSink {
  const writer = stream.getWriter();
  return {
    async write(bytes) {
      await writer.ready;
      await writer.write(bytes);
    },
    end: () => writer.close(),
  };
}

// ---- one end ------------------------------------------------------------------------------------

class StreamConnection<T> implements Connection<T> {
  private reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } | undefined;
  private reading: Promise<void> | undefined; // the read in flight, shared by recv and poll
  private sink: ByteSink | undefined;
  private partial: Uint8Array[] = []; // the start of a line whose newline has not arrived yet
  private inbox: (T | undefined)[] = [];
  private head = 0;
  private eof = false;
  private closed = false;

  constructor(
    private readonly input: () => ReadableStream<Uint8Array>,
    private readonly output: () => ByteSink,
    private readonly pipe?: PipeWiring,
    private readonly side?: 0 | 1,
  ) {}

  async send(msg: T): Promise<void> {
    if (this.closed) throw new Error("send() on a closed connection");
    this.sink ??= this.output();
    await this.sink.write(encode(msg));
  }

  async recv(opts: { timeoutMs?: number } = {}): Promise<T> {
    const deadline = performance.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
    for (;;) {
      if (this.closed) throw new Error("recv() on a closed connection");
      if (this.head < this.inbox.length) return this.take();
      if (this.eof) throw new EOFError("the other end of the pipe is closed and nothing is left to read");
      const left = deadline - performance.now();
      if (left <= 0) throw new TimeoutError(`recv() got nothing within ${opts.timeoutMs} ms`);
      await this.pull(left);
    }
  }

  async poll(timeoutMs = 0): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.head < this.inbox.length || this.eof) return true; // EOF is "ready" too: recv won't wait
      const left = deadline - performance.now();
      if (this.closed) return false;
      // Even poll(0) gives a chunk already in the pipe one turn to arrive.
      await this.pull(Math.max(left, 0));
      if (left <= 0) return this.head < this.inbox.length || this.eof;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sink ??= this.output();
    await this.sink.end().catch(() => {}); // the peer reads what we sent, then EOF
    void this.reader?.cancel().catch(() => {});
  }

  /** Read one more chunk — only now, because someone asked: unread bytes stay in the pipe. */
  private async pull(ms: number): Promise<void> {
    const reader = (this.reader ??= this.input().getReader());
    this.reading ??= reader.read().then(
      ({ done, value }) => {
        this.reading = undefined;
        if (done || !value) this.eof = true;
        else this.split(value);
      },
      () => {
        this.reading = undefined;
        this.eof = true; // the stream broke: the peer is gone
      },
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([this.reading, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }

  /** Cut a chunk at its newlines: whole lines become messages, the rest waits for the next chunk. */
  private split(chunk: Uint8Array): void {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, nl);
      const line = this.partial.length ? concat([...this.partial, piece]) : piece;
      this.partial = [];
      this.inbox.push(decode(line) as T);
      start = nl + 1;
    }
    if (start < chunk.length) this.partial.push(chunk.subarray(start));
  }

  private take(): T {
    const msg = this.inbox[this.head] as T;
    this.inbox[this.head++] = undefined;
    if (this.head === this.inbox.length) {
      this.inbox = []; // drained: start over, so the array does not grow forever
      this.head = 0;
    }
    return msg;
  }

  // Passing an end to a child: its stdin is the other end's output, its stdout our output.
  [reduce](ctx: ReduceContext): Reduction {
    if (!this.pipe || this.side === undefined) throw new Error("a Connection can be passed on only by the process that created the Pipe");
    if (this.closed) throw new Error("cannot pass a closed Connection to a child");
    if (this.reader || this.sink) throw new Error("cannot pass a Connection this process has already used: pass it before using it");
    this.closed = true; // this copy is spent: the child's stdio is the end now
    const { incoming, outgoing } = this.pipe.wires(this.side);
    ctx.onSpawn((child) => outgoing.writerSpawned((child as Subprocess<"pipe", "pipe", "inherit">).stdout));
    return { kind: "bun-stdio-connection", module: import.meta.url, data: null, stdio: { stdin: incoming.source(), stdout: "pipe" } };
  }
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

class PipeWiring {
  private readonly directions: [Wire, Wire] = [new Wire(), new Wire()]; // [0]: a → b, [1]: b → a

  wires(side: 0 | 1): { incoming: Wire; outgoing: Wire } {
    return { incoming: this.directions[1 - side]!, outgoing: this.directions[side]! };
  }
}

registerReviver("bun-stdio-connection", () => {
  // stdout is the wire now: anything else printed there would corrupt it. Logs go to stderr.
  console.log = console.info = console.debug = console.error;
  return new StreamConnection<unknown>(
    () => Bun.stdin.stream(),
    () => fileSinkWriter(Bun.stdout.writer()),
  );
});

/** Like multiprocessing.Pipe(): two connected, duplex ends. */
export function Pipe<T>(): Promise<[Connection<T>, Connection<T>]> {
  const pipe = new PipeWiring();
  const end = (side: 0 | 1) => {
    const { incoming, outgoing } = pipe.wires(side);
    return new StreamConnection<T>(
      () => incoming.source(),
      () => streamWriter(outgoing.sink()),
      pipe,
      side,
    );
  };
  return Promise.resolve([end(0), end(1)]);
}
