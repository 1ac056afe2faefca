// 02-pipe on Deno — your exercise. Run `npm test -- 02-pipe/deno` to grade it.
//
// A MessageChannel is already a duplex pipe between two ports that keeps message boundaries and
// order; wire.ts makes the channel, moves ports into workers and hands every frame that arrives to
// arrived(). What a port does not give you is Python's Connection: messages that arrive while
// nobody waits in recv() must be kept, closing a port tells the other side nothing, and a
// terminated worker's port just goes silent. Make PortConnection behave like one end of Pipe().
// Read workshops/02-pipe/README.md first; `npm start -- hint 02-pipe/deno` helps.
import { type Connection, EOFError, TimeoutError } from "@workshop/contracts";
import { definePipe, type Frame, type PortListener, type PortWire } from "./wire.ts";

class PortConnection<T> implements Connection<T>, PortListener<T> {
  private inbox: T[] = []; // messages that arrived and nobody took yet, oldest first
  private received = 0; // messages that arrived (the sentinel is not one)
  private peerSent = Number.POSITIVE_INFINITY; // how many the peer sent, once it is gone
  private eof = false;
  private closed = false;

  constructor(private readonly wire: PortWire<T>) {}

  arrived(frame: Frame<T>): void {
    // TODO(1): a message that arrives while nobody is in recv() replaces the one before it. Keep
    //          every message, in arrival order (and count them in this.received).
    // TODO(5): the close sentinel ({ eof: true }) is not a message: it means EOF.
    if ("msg" in frame) this.inbox = [frame.msg];
  }

  peerGone(_sent: number): void {
    // TODO(6): the peer's worker ended without close(). It had sent `sent` messages: EOF once that
    //          many have arrived — some may still be on their way (arrived() comes after this).
  }

  async send(msg: T): Promise<void> {
    this.wire.post({ msg });
  }

  async recv(_opts: { timeoutMs?: number } = {}): Promise<T> {
    // TODO(2): wait (this.wire.wait) until a message is in the inbox — or EOF: then reject with
    //          the contract's EOFError, never resolve undefined. Past opts.timeoutMs reject with
    //          TimeoutError; timeoutMs 0 means "don't wait": answer now.
    if (this.inbox.length === 0) await this.wire.wait(Number.POSITIVE_INFINITY);
    return this.inbox.shift() as T;
  }

  async poll(_timeoutMs = 0): Promise<boolean> {
    // TODO(3): true as soon as a message (or EOF) is ready; wait up to timeoutMs before false.
    return this.inbox.length > 0;
  }

  async close(): Promise<void> {
    // TODO(4): the other port gets no event when this one closes: tell it, after the last message
    //          (post the sentinel). From now on, send() rejects with EOFError.
    this.closed = true;
    this.wire.close();
  }
}

/** Like multiprocessing.Pipe(): two connected, duplex ends. */
export const Pipe = definePipe(import.meta.url, (wire) => new PortConnection(wire));
