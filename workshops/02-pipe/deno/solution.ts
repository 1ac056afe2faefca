// 02-pipe on Deno — instructor solution.
// A MessageChannel is already a duplex pipe between two ports that keeps message boundaries and
// order; transferring a port to a worker moves that end into it (wire.ts). What a port does not
// give you is Python's Connection: messages arriving while nobody waits in recv() must be kept (an
// inbox), closing one port tells the other nothing (so close() posts a sentinel, which becomes
// EOF), and a terminated worker's port just goes silent (Process tells the survivor, and how many
// messages the dead peer had sent: EOF once they have all arrived).
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
    if ("eof" in frame) this.eof = true;
    else {
      this.inbox.push(frame.msg);
      this.received++;
    }
    if (this.received >= this.peerSent) this.eof = true;
  }

  peerGone(sent: number): void {
    this.peerSent = sent; // what it sent before it died may still be on its way
    if (this.received >= sent) this.eof = true;
  }

  async send(msg: T): Promise<void> {
    if (this.closed) throw new EOFError("send() after close(): this end is closed");
    this.wire.post({ msg });
  }

  async recv(opts: { timeoutMs?: number } = {}): Promise<T> {
    const deadline = performance.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
    while (this.inbox.length === 0 && !this.eof) {
      if (!(await this.wire.wait(deadline - performance.now()))) throw new TimeoutError(`recv() got nothing within ${opts.timeoutMs} ms`);
    }
    if (this.inbox.length > 0) return this.inbox.shift() as T;
    throw new EOFError("the other end closed, and everything it sent has been received");
  }

  async poll(timeoutMs = 0): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.inbox.length === 0 && !this.eof) {
      if (!(await this.wire.wait(deadline - performance.now()))) return false;
    }
    return true; // a message, or EOF: either way recv() would not wait
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wire.post({ eof: true }); // a closing port tells the other one nothing: say it, after the last message
    this.wire.close();
  }
}

/** Like multiprocessing.Pipe(): two connected, duplex ends. */
export const Pipe = definePipe(import.meta.url, (wire) => new PortConnection(wire));
