// 02-pipe on Deno — the plumbing under your Connection (starter.ts and solution.ts both use it; you
// don't write it, but read it if you like):
// - definePipe() makes Pipe(): a MessageChannel, one PortWire around each of its two ports.
//   Passing an end to a worker transfers its port; the process that made the pipe remembers where
//   each end went, and when a worker ends it tells the other end (a port gives no event for that).
// - PortWire: one port as a Connection needs it — post a frame, close, wait for news. It hands
//   every frame that arrives to your Connection's arrived(), and the peer's death to peerGone().
import type { Connection } from "@workshop/contracts";
import { type ReduceContext, type Reduction, reduce, registerReviver } from "@workshop/process";

const KIND = "deno-port-connection";

/** What travels on the port: a message, or the close sentinel (wrapped, so no message can fake it). */
export type Frame<T> = { msg: T } | { eof: true };

/** What PortWire calls on the Connection built around it. */
export interface PortListener<T> {
  /** A frame arrived (called for each one, in order, whether or not anyone is in recv()). */
  arrived(frame: Frame<T>): void;
  /** The peer's worker ended without close(). Before it died it had posted `sent` messages. */
  peerGone(sent: number): void;
}

export class PortWire<T> {
  listener: PortListener<T> | undefined;
  private started = false;
  private passed = false;
  private waiters = new Set<() => void>();

  constructor(
    private readonly port: MessagePort,
    /** Messages posted so far by each side: shared memory, so a dead peer's count stays readable. */
    private readonly sent: Int32Array,
    private readonly side: 0 | 1,
    /** Only in the process that made the Pipe: where each end went. */
    private readonly pipe?: PipeState,
  ) {}

  /** Post a frame to the peer. Messages are counted (the sentinel is not). */
  post(frame: Frame<T>): void {
    this.check("send on");
    this.port.postMessage(frame);
    if ("msg" in frame) Atomics.add(this.sent, this.side, 1);
  }

  /** Close this port: nothing more is received or sent here. (The peer is not told: a port says nothing.) */
  close(): void {
    if (!this.passed) this.port.close();
    this.wake();
  }

  /**
   * Wait for news — a frame, or the peer's death — for up to `ms` (Infinity: as long as it takes;
   * 0 or less: not at all). Resolves true when there was news, false when the time ran out.
   */
  wait(ms: number): Promise<boolean> {
    this.listen();
    if (!(ms > 0)) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(() => done(false), ms) : undefined;
      const waiters = this.waiters;
      const woken = () => done(true);
      function done(news: boolean) {
        clearTimeout(timer);
        waiters.delete(woken);
        resolve(news);
      }
      waiters.add(woken);
    });
  }

  /** Wake everyone waiting in wait(). */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /**
   * Start taking frames off the port. In the Pipe's creator, not before the first wait(): a
   * started port can no longer be transferred (until then, the port itself queues what arrives).
   */
  listen(): void {
    this.check("read from");
    if (this.started) return;
    this.started = true;
    this.port.onmessage = (event: MessageEvent<Frame<T>>) => {
      this.listener?.arrived(event.data);
      this.wake();
    };
  }

  peerGone(): void {
    this.listener?.peerGone(Atomics.load(this.sent, 1 - this.side));
    this.wake();
  }

  /** Passing this end to a worker transfers its port: from now on it lives there, not here. */
  reduce(module: string, ctx: ReduceContext): Reduction {
    if (!this.pipe) throw new Error("a Connection can be passed on only by the process that created the Pipe");
    this.check("pass");
    if (this.started) throw new Error("cannot pass a Connection this process has already read from: pass it before using it");
    const tag = this.pipe.moveTo(this.side, ctx);
    this.passed = true;
    const data: WireData = { port: this.port, sent: this.sent, side: this.side, tag, peerGone: this.pipe.gone[1 - this.side] === true };
    return { kind: KIND, module, data, beside: { transfer: [this.port] } };
  }

  private check(what: string): void {
    if (this.passed) throw new Error(`cannot ${what} a Connection that was passed to a worker: it lives there now`);
  }
}

interface WireData {
  port: MessagePort;
  sent: Int32Array;
  side: 0 | 1;
  tag: string;
  peerGone: boolean;
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

type Make = (wire: PortWire<unknown>) => Connection<unknown> & PortListener<unknown>;

function build(module: string, make: Make, wire: PortWire<unknown>): Connection<unknown> {
  const conn = make(wire);
  wire.listener = conn;
  Object.defineProperty(conn, reduce, { value: (ctx: ReduceContext): Reduction => wire.reduce(module, ctx) });
  return conn;
}

/**
 * Pipe() for a Connection class: `make` builds one end around its PortWire — in this process, and
 * again in a worker that receives the end. `module` is the caller's import.meta.url: the worker
 * imports it to rebuild the end.
 */
export function definePipe(module: string, make: Make): <T>() => Promise<[Connection<T>, Connection<T>]> {
  registerReviver(KIND, (data: WireData, ctx) => {
    const wire = new PortWire<unknown>(data.port, data.sent, data.side);
    const conn = build(module, make, wire);
    wire.listen();
    if (data.peerGone) wire.peerGone();
    ctx.channel(data.tag).onMessage((msg) => msg === "peer-gone" && wire.peerGone());
    return conn;
  });
  return <T>() => {
    const { port1, port2 } = new MessageChannel();
    const sent = new Int32Array(new SharedArrayBuffer(8));
    const pipe = new PipeState();
    const a = new PortWire<unknown>(port1, sent, 0, pipe);
    const b = new PortWire<unknown>(port2, sent, 1, pipe);
    pipe.tell[0] = () => a.peerGone();
    pipe.tell[1] = () => b.peerGone();
    return Promise.resolve([build(module, make, a), build(module, make, b)] as [Connection<T>, Connection<T>]);
  };
}
