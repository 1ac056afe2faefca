// Mutants of the 02-pipe solutions: each plants one bug a learner really writes, and names the
// words the first failing verdict (scenario order) must contain. Node and Bun read a byte stream
// through the same recv/poll/pull shape, so they share the waiting and closing bugs; the framing
// bugs are each their own (length prefix on Node, lines on Bun), and Deno's are about its inbox,
// its sentinel and a dead peer.
import type { Mutant } from "./mutant.ts";

type Bug = Omit<Mutant, "runtime">;

const RECV_DEADLINE = "const deadline = performance.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);";
/** The solutions' TimeoutError message, a template literal in their source (spelt in two parts here, as plain text). */
const GOT_NOTHING = ["`recv() got nothing within $", "{opts.timeoutMs} ms`"].join("");
const STREAM_RECV_WAIT = `if (!(await this.pull(deadline - performance.now()))) throw new TimeoutError(${GOT_NOTHING});`;
const PORT_RECV_WAIT = `if (!(await this.wire.wait(deadline - performance.now()))) throw new TimeoutError(${GOT_NOTHING});`;

/** recv, poll, send and close as every runtime writes them (the wait differs: `wait` is pull or wire.wait). */
function connectionBugs(wait: string, waitCall: (ms: string) => string): Bug[] {
  return [
    {
      name: "recv ignores its timeout",
      find: wait,
      replace: `await ${waitCall("Number.POSITIVE_INFINITY")};`,
      expect: ["fail", "timeoutMs: 500", "still waiting", "give up"],
    },
    {
      name: "timeoutMs 0 taken for no timeout (if (opts.timeoutMs))",
      find: RECV_DEADLINE,
      replace: "const deadline = opts.timeoutMs ? performance.now() + opts.timeoutMs : Number.POSITIVE_INFINITY;",
      expect: ["fail", "timeoutMs: 0", "don't wait"],
    },
    {
      name: "recv busy-waits (setImmediate loop)",
      find: wait,
      replace:
        `if (performance.now() >= deadline) throw new TimeoutError("recv() timed out");\n` +
        `      await ${waitCall("0")};\n      await new Promise((resolve) => setImmediate(resolve));`,
      expect: ["fail", "of a core"],
    },
    {
      name: "poll never waits",
      find: "  async poll(timeoutMs = 0): Promise<boolean> {\n",
      replace: "  async poll(timeoutMs = 0): Promise<boolean> {\n    if (this.inbox.length === 0 && !this.eof) return false;\n",
      expect: ["fail", "poll(500)", "after only"],
    },
    {
      name: "poll always true",
      find: "  async poll(timeoutMs = 0): Promise<boolean> {\n",
      replace: "  async poll(timeoutMs = 0): Promise<boolean> {\n    if (timeoutMs >= 0) return true;\n",
      expect: ["fail", "poll(0)", "returned true"],
    },
    {
      name: "poll takes the message (calls recv() to look)",
      find: "  async poll(timeoutMs = 0): Promise<boolean> {\n",
      replace:
        "  async poll(timeoutMs = 0): Promise<boolean> {\n    if (timeoutMs >= 0) {\n      try {\n        await this.recv({ timeoutMs });\n" +
        "        return true;\n      } catch {\n        return false;\n      }\n    }\n",
      expect: ["fail", "poll()", "take it out"],
    },
    {
      name: "poll sleeps out its timeout instead of waking",
      find: "  async poll(timeoutMs = 0): Promise<boolean> {\n",
      replace:
        "  async poll(timeoutMs = 0): Promise<boolean> {\n    await new Promise((resolve) => setTimeout(resolve, timeoutMs));\n" +
        `    await ${waitCall("0")};\n    return this.inbox.length > 0 || this.eof;\n`,
      expect: ["fail", "poll(5000)", "wake up"],
    },
    {
      name: "recv resolves undefined at EOF",
      find: 'throw new EOFError("the other end closed, and everything it sent has been received");',
      replace: "return undefined as T;",
      expect: ["fail", "resolved undefined", "EOFError"],
    },
    {
      name: "recv at EOF rejects with a plain Error, not EOFError",
      find: 'throw new EOFError("the other end closed, and everything it sent has been received");',
      replace: 'throw new Error("EOF: the other end closed");',
      expect: ["fail", "contract's EOFError", "Error: EOF"],
    },
    {
      name: "send after close accepted",
      find: '    if (this.closed) throw new EOFError("send() after close(): this end is closed");\n',
      replace: "",
      expect: ["fail", "after close()", "EOFError"],
    },
  ];
}

const streamBugs: Bug[] = [
  ...connectionBugs(STREAM_RECV_WAIT, (ms) => `this.pull(${ms})`),
  {
    name: "the end of the stream is never EOF",
    find: "    if (chunk === null) this.eof = true;\n    else this.received(chunk);",
    replace: "    if (chunk === null) return false;\n    this.received(chunk);",
    expect: ["fail", "EOFError", "TimeoutError"],
  },
  {
    name: "'nothing yet' taken for EOF",
    find: "    if (chunk === undefined) return false;\n    if (chunk === null) this.eof = true;",
    replace: "    if (!chunk) this.eof = true;",
    expect: ["fail", "EOFError", "nothing arrived in time"],
  },
  {
    name: "close() does not end the stream",
    find: "    await this.wire.end(); // the peer reads what we sent, then the end of the stream: EOF\n",
    replace: "",
    expect: ["fail", "closed its end", "EOFError", "close() must end the stream"],
  },
];

export const mutants: Mutant[] = [
  ...streamBugs.map((b) => ({ ...b, runtime: "node" as const })),
  {
    runtime: "node",
    name: "no length prefix",
    find: "    const header = Buffer.alloc(HEADER_BYTES);\n    header.writeUInt32BE(body.length);\n    await this.wire.write([header, body]);",
    replace: "    await this.wire.write([body]);",
    expect: ["fail", "framing"],
  },
  {
    runtime: "node",
    name: "a frame taken before all its bytes are there",
    find: "      if (this.bytes.length < HEADER_BYTES + size) break; // the rest of this frame is on its way\n",
    replace: "",
    expect: ["fail", "framing"],
  },
  {
    runtime: "node",
    name: "one frame taken per chunk",
    find: "      this.inbox.push(deserialize(this.bytes.take(size)) as T);\n    }",
    replace: "      this.inbox.push(deserialize(this.bytes.take(size)) as T);\n      break; // the rest waits for the next chunk\n    }",
    expect: ["fail", "lost", "framing"],
  },
  {
    runtime: "node",
    name: "send() does not wait for the kernel to take the bytes",
    find: "    await this.wire.write([header, body]);",
    replace: "    void this.wire.write([header, body]);",
    expect: ["fail", "3 MiB", "backpressure"],
  },
  {
    runtime: "node",
    name: "a chunk deserialized as one message",
    find: "    this.bytes.push(chunk);\n",
    replace: "    this.inbox.push(deserialize(chunk) as T);\n    return;\n",
    expect: ["fail", "framing"],
  },

  // Bun's wire paces every read with a timer, so a setImmediate loop costs only ~5 % there (the
  // polling check sees it, but a loaded machine can hide it): Bun's busy loop is the one that never yields.
  ...streamBugs.filter((b) => !b.name.startsWith("recv busy-waits")).map((b) => ({ ...b, runtime: "bun" as const })),
  {
    runtime: "bun",
    name: "recv spins on await without ever reading",
    find: STREAM_RECV_WAIT,
    replace:
      'if (performance.now() >= deadline) throw new TimeoutError("recv() timed out");\n      await Promise.resolve(); // "let the data come in" — but no I/O runs between microtasks',
    expect: ["busy"],
  },
  {
    runtime: "bun",
    name: "each chunk split into lines on its own",
    find: "    let start = 0;\n",
    replace:
      '    for (const line of new TextDecoder().decode(chunk).split("\\n")) if (line) this.inbox.push(decode(new TextEncoder().encode(line)) as T);\n    return;\n    let start = 0;\n',
    expect: ["fail", "framing"],
  },
  {
    runtime: "bun",
    name: "the unfinished end of a chunk dropped",
    find: "    if (start < chunk.length) this.partial.push(chunk.subarray(start));\n",
    replace: "",
    expect: ["fail", "framing"],
  },
  {
    runtime: "bun",
    name: "send() only queues (no flush)",
    find: "    await this.wire.flush(); // waits while the pipe is full: a slow reader slows us down\n",
    replace: "",
    expect: ["fail", "3 MiB", "backpressure", "flush"],
  },
  {
    runtime: "bun",
    name: "UTF-8 decoded per chunk",
    find: "this.inbox.push(decode(this.partial.length ? concat([...this.partial, piece]) : piece) as T);",
    replace:
      'const text = this.partial.map((p) => new TextDecoder().decode(p)).join("") + new TextDecoder().decode(piece);\n      this.inbox.push(decode(new TextEncoder().encode(text)) as T);',
    expect: ["fail", "UTF-8", "chunk"],
  },
  {
    runtime: "bun",
    name: "lines parsed with JSON.parse, not decode() (bytes stay { $bytes })",
    find: "this.inbox.push(decode(this.partial.length ? concat([...this.partial, piece]) : piece) as T);",
    replace: "this.inbox.push(JSON.parse(new TextDecoder().decode(this.partial.length ? concat([...this.partial, piece]) : piece)) as T);",
    expect: ["fail", "$bytes", "decode()"],
  },

  ...connectionBugs(PORT_RECV_WAIT, (ms) => `this.wire.wait(${ms})`).map((b) => ({ ...b, runtime: "deno" as const })),
  {
    runtime: "deno",
    name: "a message that arrives replaces the one before",
    find: "      this.inbox.push(frame.msg);",
    replace: "      this.inbox = [frame.msg];",
    expect: ["fail", "lost", "inbox"],
  },
  {
    runtime: "deno",
    name: "the newest message taken first (pop)",
    find: "    if (this.inbox.length > 0) return this.inbox.shift() as T;",
    replace: "    if (this.inbox.length > 0) return this.inbox.pop() as T;",
    expect: ["fail", "out of order"],
  },
  {
    runtime: "deno",
    name: "close() posts no sentinel",
    find: "    this.wire.post({ eof: true }); // a closing port tells the other one nothing: say it, after the last message\n",
    replace: "",
    expect: ["fail", "EOFError", "sentinel"],
  },
  {
    runtime: "deno",
    name: "the sentinel taken for a message",
    find: '    if ("eof" in frame) this.eof = true;\n    else {',
    replace: "    {",
    expect: ["fail", "undefined"],
  },
  {
    runtime: "deno",
    name: "EOF before the inbox is drained",
    find: `    ${RECV_DEADLINE}\n`,
    replace: `    if (this.eof) throw new EOFError("the other end closed");\n    ${RECV_DEADLINE}\n`,
    expect: ["fail", "EOFError", "delivered"],
  },
  {
    runtime: "deno",
    name: "a dead peer never becomes EOF",
    find: "    this.peerSent = sent; // what it sent before it died may still be on its way\n    if (this.received >= sent) this.eof = true;\n",
    replace: "",
    expect: ["fail", "killed", "peerGone"],
  },
];
