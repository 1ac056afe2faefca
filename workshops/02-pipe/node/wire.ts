// 02-pipe on Node — the plumbing under your Connection (starter.ts and solution.ts both use it; you
// don't write it, but read it if you like):
// - definePipe() makes Pipe(): a connected pair of Unix domain sockets, one SocketWire around each.
//   Node has no socketpair(), so it listens on a private address, connects and keeps both sides.
//   Passing an end to a child sends the socket itself beside the IPC message (handle passing).
// - SocketWire: one socket as a Connection needs it — read what has arrived, write, end.
// - ByteQueue: bytes received and not yet taken, kept as the chunks they came in.
import { rmSync } from "node:fs";
import { createConnection, createServer, type Socket } from "node:net";
import { join } from "node:path";
import process from "node:process";
import type { Connection } from "@workshop/contracts";
import { type Reduction, reduce, registerReviver } from "@workshop/process";

const KIND = "node-socket-connection";

/** At most this much is read ahead of the Connection; then the socket pauses and the kernel holds the rest. */
const READ_AHEAD = 1 << 20;

/** One end's socket. Nothing is read before the first read(), and then little ahead: unread bytes wait in the kernel. */
export class SocketWire {
  private chunks: Buffer[] = []; // read ahead, not yet handed out
  private queued = 0;
  private started = false;
  private ended = false;
  private passed = false;
  private waiters = new Set<() => void>();

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
  async read(ms: number): Promise<Buffer | null | undefined> {
    this.start();
    const deadline = performance.now() + ms;
    for (;;) {
      if (this.chunks.length > 0) {
        // Everything that has arrived, as one chunk (like a read() of the socket would return).
        const chunk = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.queued);
        this.chunks = [];
        this.queued = 0;
        if (this.socket.isPaused()) this.socket.resume();
        return chunk;
      }
      if (this.ended || this.socket.readableEnded || this.socket.destroyed) return null;
      const left = deadline - performance.now();
      if (!(left > 0)) return undefined;
      await this.changed(left);
    }
  }

  /** Write the parts in one go; resolves once the kernel has them (or rejects: a broken pipe). */
  write(parts: Uint8Array[]): Promise<void> {
    this.check("send on");
    if (this.socket.destroyed || !this.socket.writable) return Promise.reject(new Error("broken pipe: the other end is closed"));
    let failed: Error | undefined;
    const written = new Promise<void>((resolve, reject) => {
      this.socket.cork();
      parts.forEach((part, i) => {
        if (i < parts.length - 1) this.socket.write(part);
        else this.socket.write(part, (err) => (err ? reject(new Error(`the write failed: ${err.message}`)) : resolve()));
      });
      this.socket.uncork();
    }).catch((err: Error) => {
      failed = err;
      throw err;
    });
    // Usually the kernel took it all at once (nothing is left queued here): no need to wait a turn.
    if (this.socket.writableLength === 0 && !failed) {
      written.catch(() => {}); // a late failure shows as the end of the stream on the next read
      return Promise.resolve();
    }
    return written;
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
      this.chunks.push(chunk);
      this.queued += chunk.length;
      if (this.queued >= READ_AHEAD) this.socket.pause(); // backpressure: the kernel keeps the rest
      this.wake();
    });
    this.socket.on("end", () => this.streamEnded());
    this.socket.on("close", () => this.streamEnded());
    this.socket.resume();
  }

  private streamEnded(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves when the socket has news (bytes, the end) — or after `ms`. */
  private changed(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      const waiters = this.waiters;
      function done() {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      }
      waiters.add(done);
    });
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
