// 02-pipe on Node — the plumbing under your Connection (starter.ts and solution.ts both use it; you
// don't write it, but read it if you like):
// - definePipe() makes Pipe(): a connected pair of Unix domain sockets, one SocketWire around each.
//   Node has no socketpair(), so it listens on a private address, connects and keeps both sides.
//   Passing an end to a child sends the socket itself beside the IPC message (handle passing).
// - SocketWire: one socket as a Connection needs it — read what has arrived, write, end.
// - ByteQueue: bytes received and not yet taken, kept as the chunks they came in.
// - serialize() / deserialize(): one message as bytes and back (v8's, with a shortcut for the commonest).
import { rmSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { join } from "node:path";
import process from "node:process";
import * as v8 from "node:v8";
import type { Connection } from "@workshop/contracts";
import { type Reduction, reduce, registerReviver } from "@workshop/process";

const KIND = "node-socket-connection";

// ---- one message as bytes ----------------------------------------------------------------------

// v8.serialize() takes any structured-clone value, but setting up a Serializer and a Deserializer
// costs about 3 µs a message: as much as all the rest of a small message's trip. The commonest
// messages — a number, a string, bytes — take a shortcut instead: one tag byte, then the value as
// it is. v8's bytes always begin with its version tag, 0xFF, so a tag below it can't be mistaken.
const NUMBER = 1;
const STRING = 2;
const BYTES = 3;

/** A message as bytes: v8.serialize(), or a tag byte and the value itself for a number, a string or a Uint8Array. */
export function serialize(msg: unknown): Buffer {
  let body: Buffer;
  if (typeof msg === "number") {
    body = Buffer.allocUnsafe(9);
    body.writeDoubleLE(msg, 1);
    body[0] = NUMBER;
  } else if (typeof msg === "string" && msg.isWellFormed()) {
    body = Buffer.allocUnsafe(1 + Buffer.byteLength(msg));
    body.write(msg, 1);
    body[0] = STRING;
  } else if (msg instanceof Uint8Array && msg.constructor === Uint8Array) {
    body = Buffer.allocUnsafe(1 + msg.length);
    body.set(msg, 1);
    body[0] = BYTES;
  } else return v8.serialize(msg);
  return body;
}

/** One message's bytes, as serialize() made them, back into the message. */
export function deserialize(body: Buffer): unknown {
  if (body[0] === NUMBER) return body.readDoubleLE(1);
  if (body[0] === STRING) return body.toString("utf8", 1);
  if (body[0] === BYTES) return new Uint8Array(body.buffer, body.byteOffset + 1, body.length - 1);
  return v8.deserialize(body);
}

// ---- one end: the socket ----------------------------------------------------------------------

/** At most this much is read ahead of the Connection; then the socket pauses and the kernel holds the rest. */
const READ_AHEAD = 1 << 20;
/** Parts of a message smaller than this together are copied into one buffer for one write; bigger ones go out as one writev. */
const GLUE_BELOW = 64 << 10;

/** A read() waiting for bytes. */
interface Reader {
  resolve(chunk: Buffer | null | undefined): void;
  timer?: ReturnType<typeof setTimeout>;
}

/** One end's socket. Nothing is read before the first read(), and then little ahead: unread bytes wait in the kernel. */
export class SocketWire {
  private chunks: Buffer[] = []; // read ahead: arrived while no read() was waiting
  private queued = 0;
  private readers: Reader[] = []; // read() calls waiting, oldest first: 'data' hands a chunk straight to the first
  private started = false;
  private ended = false;
  private passed = false;

  constructor(private readonly socket: Socket) {
    // A peer that dies with bytes unread resets the connection (ECONNRESET, EPIPE): that is the end
    // of the stream, for reads and writes alike — never an uncaught error.
    socket.on("error", () => this.streamEnded());
  }

  /**
   * The bytes that have arrived from the peer, as one chunk (a piece of a message, or several
   * messages: a stream has no message boundaries). Waits up to `ms` — Infinity: as long as
   * it takes; 0 or less: only what is already here. Resolves a Buffer, `null` once the stream has
   * ended (the peer closed its end, or died and the kernel closed it), `undefined` if nothing came
   * in time.
   */
  read(ms: number): Promise<Buffer | null | undefined> {
    this.start();
    if (this.chunks.length > 0) {
      // Everything that has arrived, as one chunk (like a read() of the socket would return).
      const chunk = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.queued);
      this.chunks = [];
      this.queued = 0;
      if (this.socket.isPaused()) this.socket.resume();
      return Promise.resolve(chunk);
    }
    if (this.ended || this.socket.readableEnded || this.socket.destroyed) return Promise.resolve(null);
    if (!(ms > 0)) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const reader: Reader = { resolve };
      if (Number.isFinite(ms))
        reader.timer = setTimeout(() => {
          this.readers.splice(this.readers.indexOf(reader), 1);
          resolve(undefined);
        }, ms);
      this.readers.push(reader);
    });
  }

  /**
   * Write one message's parts (say, a header and a body) in one go; resolves once the kernel has
   * them (or rejects: a broken pipe).
   */
  write(parts: Uint8Array[]): Promise<void> {
    this.check("send on");
    if (this.socket.destroyed || !this.socket.writable) return Promise.reject(new Error("broken pipe: the other end is closed"));
    let settle: ((err?: Error | null) => void) | undefined;
    const written = (err?: Error | null) => settle?.(err);
    // One system call per message: small parts are glued together (a copy of a few bytes costs far
    // less than writev's bookkeeping); big ones go out corked, as one writev, without a copy.
    const size = parts.reduce((n, part) => n + part.length, 0);
    if (parts.length === 1 || size < GLUE_BELOW) this.socket.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size), written);
    else {
      this.socket.cork();
      for (const part of parts.slice(0, -1)) this.socket.write(part);
      this.socket.write(parts.at(-1)!, written);
      this.socket.uncork();
    }
    // Usually the kernel took it all at once (nothing is left queued here): no need to wait a turn.
    // A failure after that shows as the end of the stream on the next read.
    if (this.socket.writableLength === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      settle = (err) => (err ? reject(new Error(`the write failed: ${err.message}`)) : resolve());
    });
  }

  /** No more writes: what was written is sent, then the end of the stream (the peer reads it all, then EOF). */
  end(): Promise<void> {
    if (this.passed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.end(() => {
        this.socket.destroy();
        resolve();
      });
    });
  }

  /** Passing this end to a child: the socket itself travels (handle passing); this copy is spent. */
  reduce(module: string): Reduction {
    this.check("pass");
    if (this.started) throw new Error("cannot pass a Connection this process has already read from: pass it before using it");
    this.passed = true;
    return { kind: KIND, module, data: null, beside: { handle: this.socket } };
  }

  private check(what: string): void {
    if (this.passed) throw new Error(`cannot ${what} a Connection that was passed to a child: it lives there now`);
  }

  private start(): void {
    this.check("read from");
    if (this.started) return;
    this.started = true;
    this.socket.on("data", (chunk: Buffer) => {
      const reader = this.readers.shift();
      if (reader) {
        clearTimeout(reader.timer);
        return reader.resolve(chunk);
      }
      this.chunks.push(chunk);
      this.queued += chunk.length;
      if (this.queued >= READ_AHEAD) this.socket.pause(); // backpressure: the kernel keeps the rest
    });
    this.socket.on("end", () => this.streamEnded());
    this.socket.on("close", () => this.streamEnded());
    this.socket.resume();
  }

  private streamEnded(): void {
    this.ended = true;
    for (const reader of this.readers.splice(0)) {
      clearTimeout(reader.timer);
      reader.resolve(null);
    }
  }
}

/** Bytes received and not yet taken, kept as the chunks they came in (no copy until needed). */
export class ByteQueue {
  private chunks: Buffer[] = [];
  /** How many bytes are kept. */
  length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The big-endian uint32 at the front, without taking it (needs 4 bytes). */
  peekUInt32BE(): number {
    if (this.chunks[0]!.length < 4) this.chunks = [Buffer.concat(this.chunks)]; // rare: split across chunks
    return this.chunks[0]!.readUInt32BE(0);
  }

  /** Take the first n bytes (n ≤ length); copies only when they span several chunks. */
  take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first && first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks, this.length);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.length -= n;
    return out;
  }
}

/**
 * Pipe() for a Connection class: `make` builds one end around its SocketWire — in this process,
 * and again in a child that receives the end. `module` is the caller's import.meta.url: the child
 * imports it to rebuild the end.
 */
export function definePipe(module: string, make: (wire: SocketWire) => Connection<unknown>): <T>() => Promise<[Connection<T>, Connection<T>]> {
  const build = (socket: Socket) => {
    const wire = new SocketWire(socket);
    const conn = make(wire);
    Object.defineProperty(conn, reduce, { value: (): Reduction => wire.reduce(module) });
    return conn;
  };
  registerReviver(KIND, (_data: null, ctx) => build(ctx.handle as Socket));
  return async <T>() => {
    const [a, b] = await socketPair();
    return [build(a), build(b)] as [Connection<T>, Connection<T>];
  };
}

let pairs = 0;

/**
 * No socketpair() in Node: listen on a private address, connect, keep both sides, stop listening.
 * Linux has an abstract namespace (a name starting with \0: no file, gone with the socket); elsewhere
 * a short path in /tmp (a socket path may hold at most 104–108 bytes, and $TMPDIR can be long).
 */
export async function socketPair(): Promise<[Socket, Socket]> {
  const name = `workshop-pipe-${process.pid}-${++pairs}-${Math.random().toString(36).slice(2, 8)}`;
  const address = process.platform === "linux" ? `\0${name}` : join("/tmp", `${name}.sock`);
  // Neither side reads yet: an end may be handed to a child, and bytes read here would be lost to it.
  const server = createServer({ pauseOnConnect: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(address, resolve);
  });
  const accepted = new Promise<Socket>((resolve) => server.once("connection", resolve));
  const client = createConnection(address);
  client.pause();
  await new Promise<void>((resolve, reject) => {
    client.once("connect", resolve);
    client.once("error", reject);
  });
  const other = await accepted;
  server.close();
  if (!address.startsWith("\0")) rmSync(address, { force: true });
  return [client, other];
}
