// 02-pipe on Node — instructor solution.
// A connected pair of Unix domain sockets, one end per process: Node has no socketpair(), so the
// pair is made by listening on a private address, connecting to it and keeping both sides. Passing
// an end to a child sends the socket itself beside the IPC message (handle passing). A socket is a
// byte stream with no message boundaries, so every message travels as a frame: a 4-byte length,
// then the message as v8.serialize bytes. EOF is the stream's end: the peer closed, or died and the
// kernel closed its socket for it.
import { rmSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { type Connection, EOFError, TimeoutError } from "@workshop/contracts";
import { type Reduction, reduce, registerReviver } from "@workshop/process";

const HEADER_BYTES = 4; // the frame's length, big-endian uint32: messages up to 4 GiB

class SocketConnection<T> implements Connection<T> {
  private chunks: Buffer[] = []; // bytes received but not yet a whole frame
  private buffered = 0;
  private inbox: (T | undefined)[] = [];
  private head = 0;
  private eof = false;
  private closed = false;
  private listening = false;
  private wakers = new Set<() => void>();

  constructor(private readonly socket: Socket) {}

  /** Start reading. Not before the end is used here: an end that is read from must not be passed on. */
  listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.socket.on("data", (chunk: Buffer) => this.received(chunk));
    // The peer closed its end, or died (then the kernel closed it): what was sent is already here.
    this.socket.on("end", () => this.ended());
    this.socket.on("error", () => this.ended()); // ECONNRESET when a dying peer left data unread
    this.socket.resume();
  }

  send(msg: T): Promise<void> {
    if (this.closed) return Promise.reject(new Error("send() on a closed connection"));
    if (this.socket.destroyed || !this.socket.writable) return Promise.reject(new Error("send() on a broken pipe: the other end is closed"));
    const body = serialize(msg);
    const header = Buffer.allocUnsafe(HEADER_BYTES);
    header.writeUInt32BE(body.length);
    // One writev for header and body. send() resolves once the kernel has the bytes (then a
    // process may exit right after send() without losing them), which also gives backpressure.
    let failed: Error | undefined;
    const written = new Promise<void>((resolve, reject) => {
      this.socket.cork();
      this.socket.write(header);
      this.socket.write(body, (err) => (err ? reject(new Error(`send() failed: ${err.message}`)) : resolve()));
      this.socket.uncork();
    }).catch((err: Error) => {
      failed = err;
      throw err;
    });
    // Usually the kernel took it all at once (nothing left queued here): no need to wait a turn.
    if (this.socket.writableLength === 0 && !failed) {
      written.catch(() => {}); // a late failure surfaces as EOF on the next recv
      return Promise.resolve();
    }
    return written;
  }

  async recv(opts: { timeoutMs?: number } = {}): Promise<T> {
    const deadline = performance.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
    this.listen();
    for (;;) {
      if (this.closed) throw new Error("recv() on a closed connection");
      if (this.head < this.inbox.length) return this.take();
      if (this.eof) {
        if (this.buffered > 0) throw new EOFError(`the other end closed in the middle of a message (${this.buffered} bytes of it arrived)`);
        throw new EOFError("the other end of the pipe is closed and nothing is left to read");
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new TimeoutError(`recv() got nothing within ${opts.timeoutMs} ms`);
      await this.changed(left);
    }
  }

  async poll(timeoutMs = 0): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    this.listen();
    for (;;) {
      if (this.head < this.inbox.length || this.eof) return true; // EOF is "ready" too: recv won't wait
      const left = deadline - performance.now();
      if (left <= 0 || this.closed) return false;
      await this.changed(left);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake();
    // end() sends what is still queued, then FIN: the peer reads everything, then EOF.
    await new Promise<void>((resolve) => this.socket.end(resolve));
    this.socket.destroy();
  }

  /** Cut the byte stream into frames: a chunk may hold many frames, or a small piece of one. */
  private received(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    let arrived = false;
    while (this.buffered >= HEADER_BYTES) {
      const size = this.peekHeader();
      if (this.buffered < HEADER_BYTES + size) break; // the rest of this frame is still on its way
      const frame = this.consume(HEADER_BYTES + size);
      this.inbox.push(deserialize(frame.subarray(HEADER_BYTES)) as T);
      arrived = true;
    }
    if (arrived) this.wake();
  }

  private peekHeader(): number {
    if (this.chunks[0]!.length < HEADER_BYTES) this.chunks = [Buffer.concat(this.chunks)]; // rare: a header split across chunks
    return this.chunks[0]!.readUInt32BE(0);
  }

  /** Take the first n buffered bytes (copying only when they span several chunks). */
  private consume(n: number): Buffer {
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      out = all.subarray(0, n);
      this.chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.buffered -= n;
    return out;
  }

  private ended(): void {
    this.eof = true;
    this.wake();
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

  /** Resolves when a message, EOF or close happens — or after `ms`. */
  private changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      const wakers = this.wakers;
      function done() {
        clearTimeout(timer);
        wakers.delete(done);
        resolve();
      }
      wakers.add(done);
    });
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }

  // Passing an end to a child sends the socket itself (handle passing); this copy is then spent.
  [reduce](): Reduction {
    if (this.closed) throw new Error("cannot pass a closed Connection to a child");
    if (this.listening) throw new Error("cannot pass a Connection this process has already read from: pass it before using it");
    this.closed = true;
    return { kind: "node-socket-connection", module: import.meta.url, data: null, handle: this.socket };
  }
}

registerReviver("node-socket-connection", (_data: null, ctx) => {
  const conn = new SocketConnection<unknown>(ctx.handle as Socket);
  conn.listen();
  return conn;
});

let pairs = 0;

/**
 * No socketpair() in Node: listen on a private address, connect, keep both sides, stop listening.
 * Linux has an abstract namespace (a name starting with \0: no file, gone with the socket); elsewhere
 * a short path in /tmp (a socket path may hold at most 104–108 bytes, and $TMPDIR can be long).
 */
async function socketPair(): Promise<[Socket, Socket]> {
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

/** Like multiprocessing.Pipe(): two connected, duplex ends. */
export async function Pipe<T>(): Promise<[Connection<T>, Connection<T>]> {
  const [a, b] = await socketPair();
  return [new SocketConnection<T>(a), new SocketConnection<T>(b)];
}
