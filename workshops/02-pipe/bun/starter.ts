// 02-pipe on Bun — your exercise. Run `npm test -- 02-pipe/bun` to grade it.
//
// Each direction of the pipe is a byte stream from one process's stdout to the other's stdin,
// wired by Bun.spawn like a shell's `a | b`; wire.ts does the wiring, reads and writes the streams
// and encodes one message as one line of JSON. A stream has no message boundaries: make
// StreamConnection behave like one end of Python's Pipe() — whole messages in order, waiting
// without spinning, timeouts, EOF, close — and keep a fast writer from flooding a slow reader.
// Read workshops/02-pipe/README.md first; `npm start -- hint 02-pipe/bun` helps.
import { type Connection, EOFError, TimeoutError } from "@workshop/contracts";
import { concat, decode, definePipe, encode, NEWLINE, type StdioWire } from "./wire.ts";

class StreamConnection<T> implements Connection<T> {
  private partial: Uint8Array[] = []; // the start of a line whose newline has not arrived yet
  private inbox: T[] = []; // whole messages, oldest first
  private eof = false;
  private closed = false;

  constructor(private readonly wire: StdioWire) {}

  async send(msg: T): Promise<void> {
    this.wire.write(encode(msg));
    // TODO(6): write() only queues the bytes in this process. Wait until they are taken
    //          (this.wire.flush() waits while the pipe is full), so a slow reader slows the writer
    //          down instead of filling its memory. And after close(), reject with EOFError.
  }

  async recv(_opts: { timeoutMs?: number } = {}): Promise<T> {
    // TODO(2): wait (this.pull) until a message is in the inbox — or EOF: then reject with the
    //          contract's EOFError, never resolve undefined. Past opts.timeoutMs reject with
    //          TimeoutError; timeoutMs 0 means "don't wait": try once, answer now.
    if (this.inbox.length === 0) await this.pull(Number.POSITIVE_INFINITY);
    return this.inbox.shift() as T;
  }

  async poll(_timeoutMs = 0): Promise<boolean> {
    // TODO(3): true as soon as a message (or EOF) is ready; pull for up to timeoutMs before false.
    return this.inbox.length > 0;
  }

  async close(): Promise<void> {
    // TODO(5): tell the peer (this.wire.end()): it reads what was sent, then EOF — even while this
    //          process lives on.
    this.closed = true;
  }

  /** Read one more chunk, waiting up to `ms`; false if nothing came in time. */
  private async pull(ms: number): Promise<boolean> {
    const chunk = await this.wire.read(ms);
    // TODO(4): a null chunk means the stream ended: the peer closed, or died. That is EOF.
    if (chunk) this.received(chunk);
    return chunk !== undefined;
  }

  /** A chunk of bytes arrived from the peer. */
  private received(chunk: Uint8Array): void {
    // TODO(1): a chunk is not a line. It may hold several lines and end in the middle of one (a
    //          10 MiB message arrives in many chunks) — even in the middle of a multi-byte
    //          character. Cut at the NEWLINE bytes and decode() whole lines only; keep the
    //          unfinished end in this.partial, in front of the next chunk's first line (concat).
    for (const line of new TextDecoder().decode(chunk).split("\n")) {
      if (line) this.inbox.push(JSON.parse(line) as T);
    }
  }
}

/** Like multiprocessing.Pipe(): two connected, duplex ends. */
export const Pipe = definePipe(import.meta.url, (wire) => new StreamConnection(wire));
