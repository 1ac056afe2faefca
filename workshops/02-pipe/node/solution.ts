// 02-pipe on Node — instructor solution.
// Each end of the pipe is one of a connected pair of Unix domain sockets (wire.ts makes the pair and
// hands ends to children). A socket is a byte stream with no message boundaries, so every message
// travels as a frame: a 4-byte length, then the message as serialize() bytes (wire.ts: v8.serialize,
// with a shortcut for numbers, strings and bytes). Bytes are read only
// when recv() or poll() asks (unread ones wait in the kernel), and the stream's end is EOF.
import { type Connection, EOFError, TimeoutError } from "@workshop/contracts";
import { ByteQueue, definePipe, deserialize, type SocketWire, serialize } from "./wire.ts";

const HEADER_BYTES = 4; // the frame's length, big-endian uint32: messages up to 4 GiB

class SocketConnection<T> implements Connection<T> {
  private bytes = new ByteQueue(); // received, but not yet a whole frame
  private inbox: T[] = []; // whole messages, oldest first
  private eof = false;
  private closed = false;

  constructor(private readonly wire: SocketWire) {}

  async send(msg: T): Promise<void> {
    if (this.closed) throw new EOFError("send() after close(): this end is closed");
    const body = serialize(msg);
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32BE(body.length);
    await this.wire.write([header, body]);
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

  /** Cut the byte stream into frames: a chunk may hold many frames, or a small piece of one. */
  private received(chunk: Buffer): void {
    this.bytes.push(chunk);
    while (this.bytes.length >= HEADER_BYTES) {
      const size = this.bytes.peekUInt32BE();
      if (this.bytes.length < HEADER_BYTES + size) break; // the rest of this frame is on its way
      this.bytes.take(HEADER_BYTES);
      this.inbox.push(deserialize(this.bytes.take(size)) as T);
    }
  }
}

/** Like multiprocessing.Pipe(): two connected, duplex ends. */
export const Pipe = definePipe(import.meta.url, (wire) => new SocketConnection(wire));
