// 02-pipe on Bun — instructor solution.
// Each direction of the pipe is a byte stream between processes, wired by Bun.spawn the way a
// shell wires `a | b`: the writer's stdout becomes the reader's stdin (wire.ts). A stream has no
// message boundaries, so each message travels as one line of JSON, and the reader cuts the bytes
// back into lines. Bytes are pulled only when recv() or poll() asks, and the writer waits until its
// bytes are taken: a slow reader slows the writer instead of filling memory (backpressure). The
// end of the stream is EOF.
import { type Connection, EOFError, TimeoutError } from "@workshop/contracts";
import { concat, decode, definePipe, encode, NEWLINE, type StdioWire } from "./wire.ts";

class StreamConnection<T> implements Connection<T> {
  private partial: Uint8Array[] = []; // the start of a line whose newline has not arrived yet
  private inbox: T[] = []; // whole messages, oldest first
  private eof = false;
  private closed = false;

  constructor(private readonly wire: StdioWire) {}

  async send(msg: T): Promise<void> {
    if (this.closed) throw new EOFError("send() after close(): this end is closed");
    this.wire.write(encode(msg));
    await this.wire.flush(); // waits while the pipe is full: a slow reader slows us down
  }

  async recv(opts: { timeoutMs?: number } = {}): Promise<T> {
    const deadline = performance.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
    while (this.inbox.length === 0 && !this.eof) {
      if (!(await this.pull(deadline - performance.now()))) throw new TimeoutError(`recv() got nothing within ${opts.timeoutMs} ms`);
    }
    if (this.inbox.length > 0) return this.inbox.shift() as T;
    throw new EOFError("the other end closed, and everything it sent has been received");
  }

  async poll(timeoutMs = 0): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.inbox.length === 0 && !this.eof) {
      if (!(await this.pull(deadline - performance.now()))) return false;
    }
    return true; // a message, or EOF: either way recv() would not wait
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.wire.end(); // the peer reads what we sent, then the end of the stream: EOF
  }

  /** Read one more chunk, waiting up to `ms`; false if nothing came in time. */
  private async pull(ms: number): Promise<boolean> {
    const chunk = await this.wire.read(ms);
    if (chunk === undefined) return false;
    if (chunk === null) this.eof = true;
    else this.received(chunk);
    return true;
  }

  /** Cut a chunk at its newlines: whole lines become messages, the rest waits for the next chunk. */
  private received(chunk: Uint8Array): void {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, nl);
      this.inbox.push(decode(this.partial.length ? concat([...this.partial, piece]) : piece) as T);
      this.partial = [];
      start = nl + 1;
    }
    if (start < chunk.length) this.partial.push(chunk.subarray(start));
  }
}

/** Like multiprocessing.Pipe(): two connected, duplex ends. */
export const Pipe = definePipe(import.meta.url, (wire) => new StreamConnection(wire));
