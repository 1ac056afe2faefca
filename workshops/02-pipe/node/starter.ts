// 02-pipe on Node — your exercise. Run `npm test -- 02-pipe/node` to grade it.
//
// Each end of the pipe is one of a connected pair of Unix domain sockets; wire.ts makes the pair,
// hands ends to children and reads or writes the socket for you. A socket carries a stream of
// bytes, not messages: make SocketConnection behave like one end of Python's Pipe() — whole
// messages in order, waiting without spinning, timeouts, EOF, close.
// Read workshops/02-pipe/README.md first; `npm start -- hint 02-pipe/node` helps.
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
    // TODO(1): the receiver cannot tell where this message ends and the next begins. Send a frame:
    //          first the body's length in HEADER_BYTES bytes (buf.writeUInt32BE), then the body.
    await this.wire.write([serialize(msg)]);
  }

  async recv(_opts: { timeoutMs?: number } = {}): Promise<T> {
    // TODO(3): wait (this.pull) until a message is in the inbox — or EOF: then reject with the
    //          contract's EOFError, never resolve undefined. Past opts.timeoutMs reject with
    //          TimeoutError; timeoutMs 0 means "don't wait": try once, answer now.
    if (this.inbox.length === 0) await this.pull(Number.POSITIVE_INFINITY);
    return this.inbox.shift() as T;
  }

  async poll(_timeoutMs = 0): Promise<boolean> {
    // TODO(4): true as soon as a message (or EOF) is ready; pull for up to timeoutMs before false.
    return this.inbox.length > 0;
  }

  async close(): Promise<void> {
    // TODO(6): tell the peer (this.wire.end()): it reads what was sent, then EOF — even while this
    //          process lives on. From now on, send() rejects with EOFError.
    this.closed = true;
  }

  /** Read one more chunk, waiting up to `ms`; false if nothing came in time. */
  private async pull(ms: number): Promise<boolean> {
    const chunk = await this.wire.read(ms);
    // TODO(5): a null chunk means the stream ended: the peer closed, or died. That is EOF.
    if (chunk) this.received(chunk);
    return chunk !== undefined;
  }

  /** Bytes arrived from the peer. */
  private received(chunk: Buffer): void {
    // TODO(2): a chunk is not a message: it may hold several frames, or a small piece of one (a
    //          10 MiB message arrives in many chunks). Keep the bytes (this.bytes) until a whole
    //          frame is there, then take out every complete frame, in order, into the inbox.
    this.inbox.push(deserialize(chunk) as T);
  }
}

/** Like multiprocessing.Pipe(): two connected, duplex ends. */
export const Pipe = definePipe(import.meta.url, (wire) => new SocketConnection(wire));
