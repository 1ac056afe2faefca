// 03-queue on Bun — the plumbing, given: you write the QueueServer (starter.ts), this carries the calls.
// The process that creates the queue listens on a Unix socket; the handle a child receives is only
// the address, so any process that knows it can connect (connectQueue) — a child or not. A
// client's put() and get() travel as frames, [u32 length][u8 op][u32 id][u32 timeout+1 (0 =
// none)][body], and arrive at your QueueServer as calls, with the client's connection as `conn`.
// Items travel as structured-clone bytes (bun:jsc serialize), which the server stores as they are.
// When a connection closes (its process exited, or was killed), the server's forget(conn) is called.
// Fast paths: an unbounded put() resolves at once (one SYNC before the process exits makes sure
// every put landed), and a get() answer on an unbounded queue carries every ready item, up to a batch.
import { deserialize, serialize } from "bun:jsc";
import { unlinkSync } from "node:fs";
import { Empty, EOFError, Full, type Queue } from "@workshop/contracts";
import { beforeExit, type Reduction, reduce, registerReviver } from "@workshop/process";
import type { Socket } from "bun";

/** What the plumbing calls on your QueueServer. `conn` is the asking connection (the creator's queue itself, in its own process). */
export interface ServerLike {
  readonly closed: boolean;
  /** Resolves once the item is in the queue; rejects with Full past timeoutMs, EOFError once closed. */
  put(conn: unknown, item: Uint8Array, timeoutMs?: number): Promise<void>;
  /** Resolves with at least one item and at most `max`; Empty past timeoutMs, EOFError once closed and drained. */
  get(conn: unknown, max: number, timeoutMs?: number): Promise<Uint8Array[]>;
  close(): void;
  /** The connection closed: its process exited, or was killed. */
  forget(conn: unknown): void;
}

const PUT = 1;
const GET = 2;
const CLOSE = 3;
const OK = 4; // reply to PUT / CLOSE / SYNC
const ITEMS = 5; // reply to GET: extra = count, body = [u32 length][bytes] per item
const ERROR = 6; // reply: extra = code
const SYNC = 7; // "answer once you have handled everything I sent before" — flushes pipelined puts
const ERRORS = [EOFError, Empty, Full] as const; // code = index + 1
const HEADER = 13;
const BATCH_ITEMS = 256;

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

/** The items of a QueueServer.get() answer — which must be a non-empty list. */
function itemsOf(items: unknown): Uint8Array[] {
  if (!Array.isArray(items) || items.length === 0)
    throw new TypeError(
      `QueueServer.get() resolved to ${Array.isArray(items) ? "an empty list" : String(items)}: it must resolve to a list of at least one item`,
    );
  return items as Uint8Array[];
}

/** A QueueServer call as a promise, also when it threw instead of rejecting (or returned no promise). */
async function attempt<T>(call: () => Promise<T>): Promise<T> {
  return await call();
}

const encode = (item: unknown): Uint8Array => new Uint8Array(serialize(item));
const decode = <T>(bytes: Uint8Array): T => deserialize(bytes) as T;
const timeoutField = (timeoutMs?: number) => (timeoutMs === undefined ? 0 : Math.max(0, Math.round(timeoutMs)) + 1);
type Timeout = { timeoutMs?: number };
type Conn = { reader: Reader; writer: Writer };

/** The queue in the process that created it: your server, listening, and used directly. */
class ServedQueue<T> implements Queue<T> {
  constructor(
    private readonly server: ServerLike,
    readonly address: string,
    readonly maxsize: number,
  ) {
    const cleanup = address.startsWith("\0") ? undefined : () => unlinkSync(address);
    const listener = Bun.listen<Conn>({
      unix: address,
      socket: {
        open(socket) {
          const writer = new Writer(() => socket);
          const reply = (id: number, call: () => Promise<Uint8Array[] | undefined>) =>
            attempt(call).then(
              (items) => (items ? writer.frame(ITEMS, id, items.length, packItems(itemsOf(items))) : writer.frame(OK, id, 0)),
              // The code says which error; the body carries its message (the learner's own words).
              (err: unknown) => writer.frame(ERROR, id, ERRORS.findIndex((E) => err instanceof E) + 1, [new TextEncoder().encode(messageOf(err))]),
            );
          const reader = new Reader((op, id, extra, body) => {
            const timeoutMs = extra === 0 ? undefined : extra - 1;
            if (op === PUT && id === 0) {
              // A pipelined put: no answer unless it failed (the queue was closed).
              attempt(() => server.put(socket, body)).catch(() => writer.frame(ERROR, 0, 1));
            } else if (op === PUT) void reply(id, async () => void (await server.put(socket, body, timeoutMs)));
            else if (op === GET)
              void reply(id, () => server.get(socket, maxsize > 0 ? 1 : BATCH_ITEMS, timeoutMs)); // bounded: one, or a batch would make room early
            else if (op === CLOSE) {
              server.close();
              writer.frame(OK, id, 0);
            } else if (op === SYNC) writer.frame(OK, id, 0); // frames are handled in order: all before it are done
          });
          socket.data = { reader, writer };
        },
        data: (socket, data) => socket.data.reader.push(data),
        drain: (socket) => socket.data.writer.flush(),
        close: (socket) => server.forget(socket),
        error: (socket) => server.forget(socket),
      },
    });
    listener.unref(); // like Python's queues, ours does not keep its process alive by itself
    if (cleanup) process.on("exit", cleanup);
  }

  async put(item: T, opts: Timeout = {}): Promise<void> {
    await this.server.put(this, encode(item), opts.timeoutMs);
  }

  async get(opts: Timeout = {}): Promise<T> {
    return decode<T>(itemsOf(await this.server.get(this, 1, opts.timeoutMs))[0]!);
  }

  async close(): Promise<void> {
    this.server.close();
  }

  // The handle is only the address: whoever has it can connect, child or not.
  [reduce](): Reduction {
    return { kind: "bun-socket-queue", module: import.meta.url, data: { address: this.address, maxsize: this.maxsize } };
  }
}

type Reply = { op: number; extra: number; body: Uint8Array };

/** The queue in any other process: a client of the server. */
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

  async put(item: T, opts: Timeout = {}): Promise<void> {
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

  async get(opts: Timeout = {}): Promise<T> {
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

  /** Turn an error reply back into the contract's error class (code 0: the server rejected with something else). */
  private check(reply: Reply): Reply {
    if (reply.op !== ERROR) return reply;
    const E = ERRORS[reply.extra - 1];
    const message = new TextDecoder().decode(reply.body);
    if (!E) throw new Error(`the QueueServer rejected with an error that is not EOFError, Empty or Full: ${message}`);
    if (E === EOFError) this.closed = true;
    throw new E(
      message ||
        (E === EOFError ? "the queue is closed (and drained)" : E === Empty ? "queue still empty past the timeout" : "queue still full past the timeout"),
    );
  }
}

/** Join a queue by its address — from any process, child of the creator or not. */
export function connectQueue<T>(address: string, maxsize = 0): Promise<Queue<T>> {
  return new QueueClient<T>(maxsize).connect(address);
}

registerReviver("bun-socket-queue", (data: { address: string; maxsize: number }) => connectQueue(data.address, data.maxsize));

/** Serve your QueueServer on a fresh Unix socket, as a Queue: to this process, and to whoever connects. */
export function serveQueue<T>(server: ServerLike, maxsize: number): Queue<T> {
  // Linux has an abstract socket namespace ("\0name": no file to clean up); elsewhere, a short
  // path in /tmp — a socket path must fit in 108 bytes, and $TMPDIR can be long.
  const name = `wq-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  const address = process.platform === "linux" ? `\0${name}` : `/tmp/${name}.sock`;
  return new ServedQueue<T>(server, address, maxsize);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : `a thrown ${String(err)}, not an Error`;
}
