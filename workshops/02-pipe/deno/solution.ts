// 02-pipe on Deno — instructor solution.
// A MessageChannel is already a duplex pipe between two ports that keeps message boundaries and
// order; transferring a port to a worker moves that end into it. What a port does not give you is
// Python's Connection: messages arriving while nobody waits in recv() must be kept (an inbox),
// closing one port tells the other nothing (so close() sends a sentinel, which becomes EOF), and a
// terminated worker's port goes silent without any event (so Process tells the survivor).
import { type Connection, EOFError, TimeoutError } from "@workshop/contracts";
import { type ReduceContext, type Reduction, reduce, registerReviver } from "@workshop/process";

/** What travels on the port: a message, or the close sentinel (wrapped, so no message can fake it). */
type Frame<T> = { msg: T } | { eof: true };

/** A dead peer posted its last messages before it died: wait until the port has been quiet this long. */
const SETTLE_MS = 50;

class PortConnection<T> implements Connection<T> {
  private inbox: (T | undefined)[] = [];
  private head = 0; // inbox[head] is the oldest message: taking it is O(1), unlike shift()
  private eof = false;
  private closed = false;
  private lastArrival = 0;
  private wakers = new Set<() => void>();

  constructor(
    private port: MessagePort,
    /** Only in the process that made the Pipe: where each end lives, to tell a survivor. */
    private readonly pipe?: PipeState,
    private readonly side?: 0 | 1,
  ) {}

  /**
   * Start taking messages off the port, and keep every one, whether or not someone is waiting in
   * recv() right now. In the Pipe's creator, not before the first recv/poll: a started port can no
   * longer be transferred (until then, the port itself queues what arrives).
   */
  listen(): void {
    if (this.port.onmessage) return;
    this.port.onmessage = (event: MessageEvent<Frame<T>>) => {
      this.lastArrival = performance.now();
      if ("eof" in event.data) this.eof = true;
      else this.inbox.push(event.data.msg);
      this.wake();
    };
  }

  send(msg: T): Promise<void> {
    if (this.closed) return Promise.reject(new Error("send() on a closed connection"));
    if (this.eof) return Promise.reject(new Error("send() on a broken pipe: the other end is closed"));
    this.port.postMessage({ msg } satisfies Frame<T>);
    return Promise.resolve();
  }

  async recv(opts: { timeoutMs?: number } = {}): Promise<T> {
    const deadline = performance.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
    this.listen();
    for (;;) {
      if (this.closed) throw new Error("recv() on a closed connection");
      if (this.head < this.inbox.length) return this.take();
      if (this.eof) throw new EOFError("the other end of the pipe is closed and nothing is left to read");
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

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    // Closing a port is silent on the other side: say it with a sentinel, after the last message.
    this.port.postMessage({ eof: true } satisfies Frame<T>);
    this.port.close();
    this.closed = true;
    this.wake();
    return Promise.resolve();
  }

  /** The peer's worker ended without close(): EOF, once what it sent before dying has arrived. */
  peerGone(): void {
    const settle = () => {
      if (performance.now() - this.lastArrival < SETTLE_MS) return void setTimeout(settle, SETTLE_MS);
      this.eof = true;
      this.wake();
    };
    setTimeout(settle, SETTLE_MS);
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

  // Passing an end to a worker transfers its port: from now on it lives there, not here.
  [reduce](ctx: ReduceContext): Reduction {
    if (!this.pipe || this.side === undefined) throw new Error("a Connection can be passed on only by the process that created the Pipe");
    if (this.closed) throw new Error("cannot pass a closed Connection to a child");
    if (this.port.onmessage) throw new Error("cannot pass a Connection this process has already read from: pass it before using it");
    const tag = this.pipe.moveTo(this.side, ctx);
    const port = this.port;
    this.closed = true; // this copy is spent: the port now belongs to the child
    return { kind: "deno-port-connection", module: import.meta.url, data: { port, tag, peerGone: this.pipe.gone[1 - this.side] }, transfer: [port] };
  }
}

/**
 * The creating process remembers where each end went. A terminated worker gives its port's peer
 * no event at all, but Process sees it exit: then tell the other end, wherever it is.
 */
class PipeState {
  private static count = 0;
  private readonly id = ++PipeState.count;
  readonly gone: [boolean, boolean] = [false, false];
  /** How to tell each end "your peer is gone": a local end, or a child's tagged channel. */
  readonly tell: [(() => void) | undefined, (() => void) | undefined] = [undefined, undefined];

  moveTo(side: 0 | 1, ctx: ReduceContext): string {
    const tag = `pipe-${this.id}-${side}`;
    const channel = ctx.channel(tag);
    this.tell[side] = () => channel.send("peer-gone");
    ctx.onExit(() => {
      this.gone[side] = true;
      this.tell[1 - side]?.();
    });
    return tag;
  }
}

registerReviver("deno-port-connection", (data: { port: MessagePort; tag: string; peerGone: boolean }, ctx) => {
  const conn = new PortConnection<unknown>(data.port);
  conn.listen();
  if (data.peerGone) conn.peerGone();
  ctx.channel(data.tag).onMessage((msg) => msg === "peer-gone" && conn.peerGone());
  return conn;
});

/** Like multiprocessing.Pipe(): two connected, duplex ends. */
export function Pipe<T>(): Promise<[Connection<T>, Connection<T>]> {
  const { port1, port2 } = new MessageChannel();
  const pipe = new PipeState();
  const a = new PortConnection<T>(port1, pipe, 0);
  const b = new PortConnection<T>(port2, pipe, 1);
  pipe.tell[0] = () => a.peerGone();
  pipe.tell[1] = () => b.peerGone();
  return Promise.resolve([a, b]);
}
