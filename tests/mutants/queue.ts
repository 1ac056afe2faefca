// Mutants of the 03-queue solutions: each plants one bug a learner really writes, and names the
// words the first failing verdict must contain. Node's Broker and Bun's QueueServer are the same
// lesson (a waiting line in one process), so they share most bugs; Deno's ring has its own.
import type { Mutant } from "./mutant.ts";

type Bug = Omit<Mutant, "runtime">;

/** The waiting-line bugs, written against Node's Broker; `who` becomes `conn` on Bun. */
const lineBugs: Bug[] = [
  {
    name: "maxsize ignored",
    find: "if (this.maxsize > 0 && this.items.length >= this.maxsize) {",
    replace: "if (false) {",
    expect: ["fail", "maxsize", "must wait"],
  },
  {
    name: "maxsize off by one",
    find: "this.items.length >= this.maxsize) {",
    replace: "this.items.length > this.maxsize) {",
    expect: ["fail", "maxsize", "must wait"],
  },
  {
    name: "every waiting putter admitted at once",
    find: "while (this.putters.length > 0 && this.items.length < this.maxsize) {",
    replace: "while (this.putters.length > 0) {",
    expect: ["fail", "at once", "only while there is room"],
  },
  {
    name: "a get() makes room but lets no waiting putter in",
    find: "while (this.putters.length > 0 && this.items.length < this.maxsize) {",
    replace: "while (this.putters.length > 0 && this.items.length < 0) {",
    expect: ["fail", "made room", "got in"],
  },
  {
    name: "a timed-out getter stays in line",
    find: "          this.getters = this.getters.filter((g) => g !== getter);\n",
    replace: "",
    expect: ["fail", "given up", "leave the line"],
  },
  {
    name: "a timed-out putter stays in line",
    find: "            this.putters = this.putters.filter((p) => p !== putter);\n",
    replace: "",
    expect: ["fail", "gave up", "anyway"],
  },
  {
    name: "get: if (timeoutMs) treats 0 as no timeout",
    find: "      if (timeoutMs !== undefined) {\n        getter.timer",
    replace: "      if (timeoutMs) {\n        getter.timer",
    expect: ["fail", "timeoutMs 0", "don't wait"],
  },
  {
    name: "put: if (timeoutMs) treats 0 as no timeout",
    find: "        if (timeoutMs !== undefined) {\n          putter.timer",
    replace: "        if (timeoutMs) {\n          putter.timer",
    expect: ["fail", "timeoutMs 0", "don't wait"],
  },
  {
    name: "close does not wake waiting getters",
    find: '    for (const g of this.getters.splice(0)) {\n      clearTimeout(g.timer);\n      g.refuse(new EOFError("the queue was closed"));\n    }\n',
    replace: "",
    expect: ["fail", "still blocked", "after close()"],
  },
  {
    // notify where notify_all was needed: only the first getter in line hears of the close.
    name: "close wakes only the first waiting getter",
    find: "    for (const g of this.getters.splice(0)) {",
    replace: "    for (const g of this.getters.splice(0, 1)) {",
    expect: ["fail", "still blocked", "after close()"],
  },
  {
    name: "close does not wake waiting putters",
    find: '    for (const p of this.putters.splice(0)) {\n      clearTimeout(p.timer);\n      p.done(new EOFError("the queue was closed while put() waited"));\n    }\n',
    replace: "",
    expect: ["fail", "waiting in put()", "still blocked", "after close()"],
  },
  {
    name: "close drops what is left (EOF checked before items)",
    find: '    if (this.items.length > 0) return Promise.resolve(this.take(max));\n    if (this.closed) return Promise.reject(new EOFError("the queue is closed and drained"));',
    replace:
      '    if (this.closed) return Promise.reject(new EOFError("the queue is closed and drained"));\n    if (this.items.length > 0) return Promise.resolve(this.take(max));',
    expect: ["fail", "lost", "close()"],
  },
  {
    name: "an item handed to a waiting getter is also stored (duplicates)",
    find: "    } else this.items.push(item);",
    replace: "    }\n    this.items.push(item);",
    expect: ["fail", "more than once"],
  },
  {
    name: "put after close accepted",
    find: '    if (this.closed) return Promise.reject(new EOFError("put() on a closed queue"));\n',
    replace: "",
    expect: ["fail", "put() after close()", "succeeded"],
  },
  {
    name: "a dead consumer's waiting get is not forgotten",
    find: "    this.getters = this.getters.filter((g) => g.who !== who);\n",
    replace: "",
    expect: ["fail", "lost", "died"],
  },
  {
    // The learner checks for room first and for close() only on the way in: a closed, full queue makes put() wait.
    name: "put checks for close() only when there is room",
    find: '    if (this.closed) return Promise.reject(new EOFError("put() on a closed queue"));\n',
    replace:
      '    if (this.closed && !(this.maxsize > 0 && this.items.length >= this.maxsize)) return Promise.reject(new EOFError("put() on a closed queue"));\n',
    expect: ["fail", "closed", "full or not"],
  },
  {
    name: "a timed-out putter leaves the line but is never refused",
    find: "            reject(new Full(",
    replace: "            void (new Full(",
    expect: ["fail", "never gave up", "reject it"],
  },
  {
    name: "get busy-waits (polls until an item comes)",
    find: "    return new Promise((give, refuse) => {\n      const getter: Getter = { who, give, refuse };",
    replace: `    const deadline = performance.now() + (timeoutMs ?? Number.POSITIVE_INFINITY);
    const poll = (give: (items: never[]) => void, refuse: (err: Error) => void): void => {
      if (this.items.length > 0) give(this.take(max) as never[]);
      else if (this.closed) refuse(new EOFError("the queue is closed and drained"));
      else if (performance.now() >= deadline) refuse(new Empty("queue still empty"));
      else setImmediate(() => poll(give, refuse));
    };
    if (deadline > 0) return new Promise(poll);
    return new Promise((give, refuse) => {
      const getter: Getter = { who, give, refuse };`,
    expect: ["fail", "cpu", "% of a core"],
  },
];

const onBun = (bug: Bug): Bug => ({
  ...bug,
  find: bug.find.replaceAll("g.who !== who", "g.conn !== conn").replaceAll("{ who, give, refuse }", "{ conn, give, refuse }"),
  replace: bug.replace.replaceAll("{ who, give, refuse }", "{ conn, give, refuse }"),
});

/** The ring's bugs: signals, checks under the mutex, deadlines. */
const ringBugs: Bug[] = [
  {
    name: "maxsize ignored",
    find: "if ((this.maxsize <= 0 || this.h[COUNT]! < this.maxsize) && this.fits(bytes)) {",
    replace: "if (this.fits(bytes)) {",
    expect: ["fail", "maxsize", "must wait"],
  },
  {
    name: "maxsize off by one",
    find: "this.h[COUNT]! < this.maxsize)",
    replace: "this.h[COUNT]! <= this.maxsize)",
    expect: ["fail", "maxsize", "must wait"],
  },
  {
    name: "put signals NOT_FULL instead of NOT_EMPTY (a waiting get never wakes)",
    find: "          this.writeFrame(bytes);\n          this.signal(NOT_EMPTY, GETTERS_WAITING);",
    replace: "          this.writeFrame(bytes);\n          this.signal(NOT_FULL, PUTTERS_WAITING);",
    expect: ["fail", "never woken"], // close() wakes everyone, so only a get() waiting while items come shows it
  },
  {
    name: "get does not signal NOT_FULL (a waiting put never wakes)",
    find: "          bytes = this.takeFrames();\n          this.signal(NOT_FULL, PUTTERS_WAITING);\n",
    replace: "          bytes = this.takeFrames();\n",
    expect: ["fail", "made room", "got in"],
  },
  {
    name: "close does not wake waiting getters",
    find: "    this.unlock();\n    this.signal(NOT_EMPTY, GETTERS_WAITING);\n",
    replace: "    this.unlock();\n",
    expect: ["fail", "still blocked", "after close()"],
  },
  {
    name: "close does not wake waiting putters",
    find: "    this.signal(NOT_FULL, PUTTERS_WAITING);\n    return Promise.resolve();",
    replace: "    return Promise.resolve();",
    expect: ["fail", "waiting in put()", "still blocked", "after close()"],
  },
  {
    name: "get: if (timeoutMs) treats 0 as no timeout",
    find: "const deadline = performance.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);",
    replace: "const deadline = opts.timeoutMs ? performance.now() + opts.timeoutMs : Number.POSITIVE_INFINITY;",
    expect: ["fail", "timeoutMs 0", "don't wait"],
  },
  {
    name: "get ignores its timeout",
    find: "await this.waitChange(NOT_EMPTY, GETTERS_WAITING, seen, deadline,",
    replace: "await this.waitChange(NOT_EMPTY, GETTERS_WAITING, seen, Number.POSITIVE_INFINITY,",
    expect: ["fail", "Empty"],
  },
  {
    name: "close drops what is left (EOF checked before items)",
    find: "        if (this.h[COUNT]! > 0) {\n          bytes = this.takeFrames();",
    replace: '        if (this.h[CLOSED]) throw new EOFError("closed");\n        if (this.h[COUNT]! > 0) {\n          bytes = this.takeFrames();',
    expect: ["fail", "lost", "close()"],
  },
  {
    name: "put after close accepted",
    find: '        if (this.h[CLOSED]) throw new EOFError("put() on a closed queue");\n',
    replace: "",
    expect: ["fail", "put() after close()", "succeeded"],
  },
  {
    name: "get takes its item without the mutex",
    find: "      let bytes: Uint8Array | undefined;\n      this.lock();\n      try {",
    replace: "      let bytes: Uint8Array | undefined;\n      try {",
    expect: ["mutex"], // garbled bytes (a crash) or items taken twice (a fail), whichever the race produces
    race: 3, // two getters inside the take at once: caught in about 3 gradings of 4
  },
  {
    name: "get busy-waits (polls instead of sleeping)",
    find: "      await this.waitChange(NOT_EMPTY, GETTERS_WAITING, seen, deadline, () =>",
    replace:
      '      if (performance.now() >= deadline) throw new Empty("timed out");\n      await Promise.resolve(); // look again\n      void seen;\n      void (() =>',
    expect: ["busy", "polls"], // the spinning get() is also the main process's own: it never yields
  },
  {
    name: "put busy-waits (polls instead of sleeping)",
    find: "      await this.waitChange(NOT_FULL, PUTTERS_WAITING, seen, deadline, () =>",
    replace:
      '      if (performance.now() >= deadline) throw new Full("timed out");\n      await Promise.resolve(); // look again\n      void seen;\n      void (() =>',
    expect: ["fail", "cpu", "% of a core"],
  },
];

export const mutants: Mutant[] = [
  ...lineBugs.map((bug): Mutant => ({ runtime: "node", ...bug })),
  ...ringBugs.map((bug): Mutant => ({ runtime: "deno", ...bug })),
  ...lineBugs.map((bug): Mutant => ({ runtime: "bun", ...onBun(bug) })),
];
