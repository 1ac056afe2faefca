// 03-queue on Bun — instructor solution.
// A queue server on a Unix socket. The process that creates the queue listens; any process that
// knows the address can connect and use the queue — not only children of the creator (the handle
// is just the address). The server alone holds the items and the waiting lists, so there is no
// race to lose; a client's put() and get() are requests on its connection.
// Wire format: frames of [u32 length][u8 op][u32 id][u32 timeout+1 (0 = none)][body]. Items travel
// as structured-clone bytes (bun:jsc serialize) that the server stores without decoding them.
// Fast paths: an unbounded put() resolves at once (its acknowledgement is awaited before the
// process exits), and a get() reply carries every ready item, up to a batch, for the next get()s.

import { deserialize, serialize } from "bun:jsc";
import { unlinkSync } from "node:fs";
import { Empty, EOFError, Full, type Queue } from "@workshop/contracts";
import { beforeExit, type Reduction, reduce, registerReviver } from "@workshop/process";
import type { Socket } from "bun";

const PUT = 1;
const GET = 2;
const CLOSE = 3;
const SYNC = 7; // "answer once you have handled everything I sent before" — flushes pipelined puts
const OK = 4; // reply to PUT / CLOSE
const ITEMS = 5; // reply to GET: u32 count, then [u32 length][bytes] per item
const ERROR = 6; // reply: u8 code
const ERRORS = [EOFError, Empty, Full] as const; // code = index + 1
const HEADER = 13;
const BATCH_ITEMS = 256;
const BATCH_BYTES = 1 << 20;

// ---- the server: the queue's state, in one process ----------------------------------------

interface Getter {
  conn: unknown;
  batch: boolean;
  give(items: Uint8Array[]): void;
  refuse(err: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}
interface Putter {
  conn: unknown;
  item: Uint8Array;
  done(err?: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

class QueueServer {
  private items: Uint8Array[] = [];
  private head = 0;
  private getters: Getter[] = [];
  private putters: Putter[] = [];
  closed = false;

  constructor(private readonly maxsize: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  put(conn: unknown, item: Uint8Array, timeoutMs?: number): Promise<void> {
    if (this.closed) return Promise.reject(new EOFError("put() on a closed queue"));
    if (this.maxsize <= 0 || this.size < this.maxsize) {
      this.push(item);
      return Promise.resolve();
    }
    // Full: wait in line until a get() makes room — this wait is the backpressure.
    return new Promise((resolve, reject) => {
      const putter: Putter = { conn, item, done: (err) => (err ? reject(err) : resolve()) };
      if (timeoutMs !== undefined) {
        putter.timer = setTimeout(() => {
          this.putters = this.putters.filter((p) => p !== putter);
          reject(new Full(`queue still full (maxsize ${this.maxsize}) after ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.putters.push(putter);
    });
  }

  /** At least one item (a batch if more are ready); Empty past the timeout; EOF once closed and drained. */
  get(conn: unknown, batch: boolean, timeoutMs?: number): Promise<Uint8Array[]> {
    if (this.size > 0) return Promise.resolve(this.take(batch));
    if (this.closed) return Promise.reject(new EOFError("the queue is closed and drained"));
    return new Promise((give, refuse) => {
      const getter: Getter = { conn, batch, give, refuse };
      if (timeoutMs !== undefined) {
        getter.timer = setTimeout(() => {
          this.getters = this.getters.filter((g) => g !== getter);
          refuse(new Empty(`queue still empty after ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.getters.push(getter);
    });
  }

  close(): void {
    this.closed = true;
    this.serve(); // items still on their way to waiting getters go first
    for (const g of this.getters.splice(0)) {
      clearTimeout(g.timer);
      g.refuse(new EOFError("the queue was closed"));
    }
    for (const p of this.putters.splice(0)) {
      clearTimeout(p.timer);
      p.done(new EOFError("the queue was closed while put() waited"));
    }
  }

  /** A connection closed (its process exited): its waits are void — an item handed to it would be lost. */
  forget(conn: unknown): void {
    for (const waiter of [...this.getters, ...this.putters]) if (waiter.conn === conn) clearTimeout(waiter.timer);
    this.getters = this.getters.filter((g) => g.conn !== conn);
    this.putters = this.putters.filter((p) => p.conn !== conn);
  }

  private serving = false;

  /** Store the item; waiting getters are served once per turn, so each gets a batch, not one item. */
  private push(item: Uint8Array): void {
    this.items.push(item);
    if (this.getters.length && !this.serving) {
      this.serving = true;
      queueMicrotask(() => this.serve());
    }
  }

  private serve(): void {
    this.serving = false;
    while (this.getters.length && this.size > 0) {
      const getter = this.getters.shift()!;
      clearTimeout(getter.timer);
      getter.give(this.take(getter.batch));
    }
  }

  private take(batch: boolean): Uint8Array[] {
    const taken: Uint8Array[] = [];
    let bytes = 0;
    do {
      const item = this.items[this.head]!;
      this.items[this.head++] = undefined as never;
      taken.push(item);
      bytes += item.length;
    } while (batch && this.size > 0 && taken.length < BATCH_ITEMS && bytes < BATCH_BYTES);
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    // Room was made: let waiting putters in, in the order they came.
    while (this.putters.length && (this.maxsize <= 0 || this.size < this.maxsize)) {
      const p = this.putters.shift()!;
      clearTimeout(p.timer);
      this.push(p.item);
      p.done();
    }
    return taken;
  }
}

// ---- framing, the same on both ends --------------------------------------------------------

/** Collects outgoing frames and writes them in one go per turn; keeps what the socket did not take. */
class Writer {
  private chunks: Uint8Array[] = [];
  private scheduled = false;
  private buffered = 0;
  private pending: Uint8Array | undefined; // written partially: the rest waits for drain

  constructor(private readonly socket: () => Socket<unknown> | undefined) {}

  frame(op: number, id: number, extra: number, body: Uint8Array[] = []): void {
    const size = HEADER + body.reduce((n, b) => n + b.length, 0);
    const head = new Uint8Array(HEADER);
    const view = new DataView(head.buffer);
    view.setUint32(0, size - 4, true);
    view.setUint8(4, op);
    view.setUint32(5, id, true);
    view.setUint32(9, extra, true);
    this.chunks.push(head, ...body);
    this.buffered += size;
    // One write per event-loop turn (or per 64 KiB), not one system call per frame.
    if (this.buffered >= 64 * 1024) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    const socket = this.socket();
    if (!socket || (!this.chunks.length && !this.pending)) return;
    const data = Buffer.concat(this.pending ? [this.pending, ...this.chunks] : this.chunks);
    this.chunks = [];
    this.buffered = 0;
    this.pending = undefined;
    const wrote = socket.write(data);
    if (wrote < data.length) this.pending = data.subarray(Math.max(0, wrote)); // the rest on drain
  }
}

/** Splits incoming bytes into frames. */
class Reader {
  private buf = new Uint8Array(64 * 1024);
  private len = 0;

  constructor(private readonly onFrame: (op: number, id: number, extra: number, body: Uint8Array) => void) {}

  push(data: Uint8Array): void {
    if (this.len + data.length > this.buf.length) {
      const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.len + data.length));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    this.buf.set(data, this.len);
    this.len += data.length;
    let at = 0;
    const view = new DataView(this.buf.buffer);
    while (this.len - at >= 4) {
      const size = view.getUint32(at, true) + 4;
      if (this.len - at < size) break;
      this.onFrame(view.getUint8(at + 4), view.getUint32(at + 5, true), view.getUint32(at + 9, true), this.buf.slice(at + HEADER, at + size));
      at += size;
    }
    this.buf.copyWithin(0, at, this.len);
    this.len -= at;
  }
}

function packItems(items: Uint8Array[]): Uint8Array[] {
  const body: Uint8Array[] = [];
  for (const item of items) body.push(new Uint8Array(new Uint32Array([item.length]).buffer), item);
  return body;
}

function unpackItems(count: number, body: Uint8Array): Uint8Array[] {
  const items: Uint8Array[] = [];
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const n = view.getUint32(at, true);
    items.push(body.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return items;
}

const encode = (item: unknown): Uint8Array => new Uint8Array(serialize(item));
const decode = <T>(bytes: Uint8Array): T => deserialize(bytes) as T;
const timeoutField = (timeoutMs?: number) => (timeoutMs === undefined ? 0 : Math.max(0, Math.round(timeoutMs)) + 1);

// ---- the queue in the process that created it: the server, used directly --------------------

type Conn = { reader: Reader; writer: Writer };

class ServedQueue<T> implements Queue<T> {
  private readonly server: QueueServer;

  constructor(
    readonly address: string,
    readonly maxsize: number,
  ) {
    this.server = new QueueServer(maxsize);
    const server = this.server;
    const cleanup = address.startsWith("\0") ? undefined : () => unlinkSync(address);
    const listener = Bun.listen<Conn>({
      unix: address,
      socket: {
        open(socket) {
          const writer = new Writer(() => socket);
          const reply = (id: number, work: Promise<Uint8Array[] | undefined>) =>
            work.then(
              (items) => (items ? writer.frame(ITEMS, id, items.length, packItems(items)) : writer.frame(OK, id, 0)),
              (err: Error) => writer.frame(ERROR, id, ERRORS.findIndex((E) => err instanceof E) + 1),
            );
          const reader = new Reader((op, id, extra, body) => {
            const timeoutMs = extra === 0 ? undefined : extra - 1;
            if (op === PUT && id === 0) {
              // A pipelined put: no answer unless it failed (the queue was closed).
              server.put(socket, body).catch(() => writer.frame(ERROR, 0, 1));
            } else if (op === PUT)
              void reply(
                id,
                server.put(socket, body, timeoutMs).then(() => undefined),
              );
            else if (op === GET) void reply(id, server.get(socket, true, timeoutMs));
            else if (op === CLOSE) {
              server.close();
              writer.frame(OK, id, 0);
            } else if (op === SYNC) writer.frame(OK, id, 0); // frames are handled in order: all before it are done
          });
          socket.data = { reader, writer };
        },
        data: (socket, data) => socket.data.reader.push(data),
        drain: (socket) => socket.data.writer.flush(),
        close: (socket) => server.forget(socket), // its process is gone: drop its waits
        error: (socket) => server.forget(socket),
      },
    });
    listener.unref(); // like Python's queues, ours does not keep its process alive by itself
    if (cleanup) process.on("exit", cleanup);
  }

  put(item: T, opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.server.put(this, encode(item), opts.timeoutMs);
  }

  async get(opts: { timeoutMs?: number } = {}): Promise<T> {
    const [bytes] = await this.server.get(this, false, opts.timeoutMs);
    return decode<T>(bytes!);
  }

  close(): Promise<void> {
    this.server.close();
    return Promise.resolve();
  }

  // The handle is only the address: whoever has it can connect, child or not.
  [reduce](): Reduction {
    return { kind: "bun-socket-queue", module: import.meta.url, data: { address: this.address, maxsize: this.maxsize } };
  }
}

// ---- the queue in any other process: a client of the server -------------------------------

type Reply = { op: number; extra: number; body: Uint8Array };

class QueueClient<T> implements Queue<T> {
  private nextId = 0;
  private pending = new Map<number, (reply: Reply) => void>();
  private prefetched: Uint8Array[] = [];
  private unsynced = false; // pipelined puts sent since the last SYNC
  private closed = false;
  private socket: Socket<unknown> | undefined;
  private readonly writer = new Writer(() => this.socket);

  constructor(readonly maxsize: number) {}

  async connect(address: string): Promise<this> {
    const reader = new Reader((op, id, extra, body) => {
      if (id === 0) this.closed = true; // a pipelined put was refused: the queue is closed
      const resolve = this.pending.get(id);
      this.pending.delete(id);
      resolve?.({ op, extra, body });
    });
    this.socket = await Bun.connect({
      unix: address,
      socket: {
        data: (_socket, data) => reader.push(data),
        drain: () => this.writer.flush(),
        close: () => {
          for (const resolve of this.pending.values()) resolve({ op: ERROR, extra: 1, body: new Uint8Array() }); // server gone: EOF
          this.pending.clear();
        },
      },
    });
    // Like Python's feeder thread, joined at exit: our pipelined puts must land before we report.
    beforeExit(() => this.sync());
    return this;
  }

  async put(item: T, opts: { timeoutMs?: number } = {}): Promise<void> {
    if (this.closed) throw new EOFError("put() on a closed queue");
    if (this.maxsize > 0) {
      // Bounded: wait until the server had room (or Full) — one round trip per put.
      this.check(await this.request(PUT, timeoutField(opts.timeoutMs), [encode(item)]));
      return;
    }
    // Unbounded: the server always has room — send it and move on (id 0: no answer wanted).
    this.writer.frame(PUT, 0, 0, [encode(item)]);
    this.unsynced = true;
  }

  /** Resolves once the server has handled every put we sent. */
  async sync(): Promise<void> {
    if (!this.unsynced) return;
    this.unsynced = false;
    await this.request(SYNC, 0);
  }

  async get(opts: { timeoutMs?: number } = {}): Promise<T> {
    if (!this.prefetched.length) {
      const reply = this.check(await this.request(GET, timeoutField(opts.timeoutMs)));
      this.prefetched = unpackItems(reply.extra, reply.body);
    }
    return decode<T>(this.prefetched.shift()!);
  }

  async close(): Promise<void> {
    this.check(await this.request(CLOSE, 0));
    this.closed = true;
  }

  private request(op: number, extra: number, body?: Uint8Array[]): Promise<Reply> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.writer.frame(op, id, extra, body);
    });
  }

  /** Turn an error reply back into the contract's error class. */
  private check(reply: Reply): Reply {
    if (reply.op !== ERROR) return reply;
    const E = ERRORS[reply.extra - 1] ?? EOFError;
    if (E === EOFError) this.closed = true;
    throw new E(
      E === EOFError ? "the queue is closed (and drained)" : E === Empty ? "queue still empty past the timeout" : "queue still full past the timeout",
    );
  }
}

/** Join a queue by its address — from any process, child of the creator or not. */
export function connectQueue<T>(address: string, maxsize = 0): Promise<Queue<T>> {
  return new QueueClient<T>(maxsize).connect(address);
}

registerReviver("bun-socket-queue", (data: { address: string; maxsize: number }) => connectQueue(data.address, data.maxsize));

export function createQueue<T>(opts: { maxsize?: number } = {}): Promise<Queue<T>> {
  // Linux has an abstract socket namespace ("\0name": no file to clean up); elsewhere, a short
  // path in /tmp — a socket path must fit in 108 bytes, and $TMPDIR can be long.
  const name = `wq-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const address = process.platform === "linux" ? `\0${name}` : `/tmp/${name}.sock`;
  return Promise.resolve(new ServedQueue<T>(address, opts.maxsize ?? 0));
}
