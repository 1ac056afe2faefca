// 02-pipe on Node — your exercise. Run `npm test -- 02-pipe/node` to grade it.
//
// Each end of the pipe is one of a connected pair of Unix domain sockets, and passing an end to a
// child sends the socket itself beside the IPC message (handle passing). That plumbing, and the
// waiting in recv/poll, are done for you. What is missing: a socket is a byte stream with no
// message boundaries, so each message must travel as a frame you can find again on the other side
// — and the end of the stream must become EOF.
// Read workshops/02-pipe/README.md first; `npm start -- hint 02-pipe/node` helps.
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
    // The peer closed its end, or died (then the kernel closed it): what was sent is already here.
    this.socket.on("end", () => this.ended());
    this.socket.on("error", () => this.ended()); // ECONNRESET when a dying peer left data unread
    this.socket.resume();
  }

  send(msg: T): Promise<void> {
    if (this.closed) return Promise.reject(new Error("send() on a closed connection"));
    if (this.socket.destroyed || !this.socket.writable) return Promise.reject(new Error("send() on a broken pipe: the other end is closed"));
    const body = serialize(msg);
    // TODO(1): the receiver cannot tell where this message ends and the next begins. Send a frame:
    //          first the body's length in HEADER_BYTES bytes (buf.writeUInt32BE), then the body.
    return new Promise((resolve, reject) => {
      // Resolves once the kernel has the bytes (a process may exit right after send()).
      this.socket.write(body, (err) => (err ? reject(new Error(`send() failed: ${err.message}`)) : resolve()));
    });
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

  /** Bytes arrived from the peer. */
  private received(chunk: Buffer): void {
    // TODO(2): a chunk is not a message. One chunk may hold several frames, or a small piece of
    //          one (a 10 MiB message arrives in many chunks). Keep the bytes (this.chunks,
    //          this.buffered) until a whole frame is there: read its length, wait for that many
    //          bytes, then deserialize exactly those.
    // TODO(3): take frames out in a loop: everything already complete goes to the inbox, in order.
    this.inbox.push(deserialize(chunk) as T);
    this.wake();
  }

  /** The byte stream ended: nothing more will ever arrive. */
  private ended(): void {
    // TODO(4): remember it is EOF (recv() then rejects with EOFError once the inbox is drained, and
    //          poll() says ready), and wake whoever waits in recv() or poll().
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
