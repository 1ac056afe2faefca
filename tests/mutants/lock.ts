// Mutants of the 01-lock solutions: each plants one bug the way a learner writes it; the scenarios
// must catch every one, and the first failing verdict must name it (`expect`). A mutant whose
// `find` no longer matches is reported, so they keep up with edits.
import type { Mutant } from "./mutant.ts";

/** The Node solution's guarded stale-lock recovery, as a block to replace. */
const NODE_GUARD = `    const guard = \`\${this.path}.recover\`;
    try {
      writeFileSync(guard, String(process.pid), { flag: "wx" });
    } catch {
      removeIfOlderThan(guard, STALE_GUARD_MS);
      return; // someone else is recovering; try again on the next round
    }
    try {
      if (this.owner() === owner) unlinkSync(this.path);
    } finally {
      unlinkSync(guard);
    }`;

export const mutants: Mutant[] = [
  // ---- Node: a lock file ----
  {
    runtime: "node",
    name: "acquire never waits",
    find: "if (this.tryCreate()) return true;",
    replace: "return true;",
    expect: ["lost update", "two processes held the lock at once", "must wait"],
  },
  {
    runtime: "node",
    name: "check, then create: not atomic",
    find: `    let fd: number;
    try {
      fd = openSync(this.path, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw err;
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;`,
    replace: `    try {
      readFileSync(this.path);
      return false; // it exists: someone holds it
    } catch {
      writeFileSync(this.path, String(process.pid));
      return true;
    }`,
    expect: ["two processes held the lock at once", "not atomic"],
  },
  {
    runtime: "node",
    name: "waits by spinning (setImmediate)",
    find: "await sleep(Math.min(left, backoff * (0.5 + Math.random())));",
    replace: "await new Promise((resolve) => setImmediate(resolve));",
    expect: ["CPU", "busy loop"],
  },
  {
    runtime: "node",
    name: "release does not check the owner",
    find: "if (owner !== process.pid) {",
    replace: "if (owner === -1) {",
    expect: ["LockError", "returned normally"],
  },
  {
    runtime: "node",
    name: "release removes the file before checking the owner",
    find: `    const owner = this.owner();
    if (owner !== process.pid) {
      throw new LockError(owner === undefined ? "release() of a lock that is not held" : \`release() by pid \${process.pid}, but pid \${owner} holds the lock\`);
    }
    unlinkSync(this.path);`,
    replace: `    const owner = this.owner();
    unlinkSync(this.path);
    if (owner !== process.pid) {
      throw new LockError(owner === undefined ? "release() of a lock that is not held" : \`release() by pid \${process.pid}, but pid \${owner} holds the lock\`);
    }`,
    expect: ["refused release must not free it"],
  },
  {
    runtime: "node",
    name: "release compares the pid as read (a string)",
    find: `  release(): void {
    const owner = this.owner();`,
    replace: `  release(): void {
    const owner: unknown = readFileSync(this.path, "utf8");`,
    expect: ["holder itself was refused", "process.pid"],
  },
  { runtime: "node", name: "acquire ignores its timeout", find: "if (left <= 0) return false;", replace: "", expect: ["had not returned", "timeout"] },
  {
    runtime: "node",
    name: "if (opts.timeoutMs): 0 waits forever",
    find: "const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);",
    replace: "const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : Number.POSITIVE_INFINITY;",
    expect: ["timeoutMs: 0", "no timeout"],
  },
  {
    runtime: "node",
    name: "a timeout raced against a retry loop that keeps going",
    find: `  async acquire(opts: { timeoutMs?: number } = {}): Promise<boolean> {
    const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);`,
    replace: `  acquire(opts: { timeoutMs?: number } = {}): Promise<boolean> {
    const forever = this.acquireForever();
    if (opts.timeoutMs === undefined) return forever;
    return Promise.race([forever, sleep(opts.timeoutMs).then(() => false)]);
  }

  async acquireForever(opts: { timeoutMs?: number } = {}): Promise<boolean> {
    const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);`,
    expect: ["waiter that gave up"],
  },
  {
    runtime: "node",
    name: "stale locks are never recovered",
    find: "      this.recoverIfStale();\n",
    replace: "",
    expect: ["killed", "could not acquire", "stale"],
  },
  {
    runtime: "node",
    name: "stale lock removed with a bare unlink (no guard)",
    find: NODE_GUARD,
    replace: "    unlinkSync(this.path);",
    expect: ["survivor", "guard the recovery"],
  },

  // ---- Deno: a mutex in shared memory ----
  // Found by a learner's trial (issue 8): each a bug class of its own.
  {
    runtime: "node",
    name: "guarded recovery that does not check the owner again under the guard",
    find: "      if (this.owner() === owner) unlinkSync(this.path);",
    replace: "      unlinkSync(this.path);",
    expect: ["survivor", "guard", "dead pid"],
  },
  {
    runtime: "deno",
    name: "acquire claims without compare-and-swap",
    find: "if (Atomics.compareExchange(this.word, STATE, FREE, this.me) === FREE) return GRANTED;",
    replace: "Atomics.store(this.word, STATE, this.me);\n    return GRANTED;",
    expect: ["lost update", "two processes held the lock at once", "must wait"],
  },
  {
    runtime: "deno",
    name: "a waiter that is woken takes the lock without claiming it",
    find: `        const wait = Atomics.waitAsync(this.word, STATE, holder, left);
        if (wait.async) await wait.value;`,
    replace: `        const wait = Atomics.waitAsync(this.word, STATE, holder, left);
        if ((wait.async ? await wait.value : wait.value) === "ok") {
          Atomics.store(this.word, STATE, this.me); // woken by a release: it must be ours
          return true;
        }`,
    expect: ["two processes held the lock at once", "woken"],
  },
  {
    runtime: "deno",
    name: "waits by spinning (await in a loop)",
    find: `        const wait = Atomics.waitAsync(this.word, STATE, holder, left);
        if (wait.async) await wait.value;`,
    replace: "        await Promise.resolve();",
    expect: ["CPU", "busy loop"],
  },
  {
    runtime: "deno",
    name: "release forgets to wake a sleeper",
    find: "if (Atomics.load(this.word, SLEEPERS) > 0) Atomics.notify(this.word, STATE, 1); // wake one sleeper",
    replace: "",
    expect: ["wake"],
  },
  {
    runtime: "deno",
    name: "release does not check the owner",
    find: "if (holder !== this.me) {",
    replace: "if (holder === -1) {",
    expect: ["LockError", "returned normally"],
  },
  {
    runtime: "deno",
    name: "release frees the word before checking the owner",
    find: "const holder = Atomics.compareExchange(this.word, STATE, this.me, FREE);",
    replace: "const holder = Atomics.exchange(this.word, STATE, FREE);",
    expect: ["refused release must not free it"],
  },
  { runtime: "deno", name: "acquire ignores its timeout", find: "if (left <= 0) return false;", replace: "", expect: ["had not returned", "timeout"] },
  {
    runtime: "deno",
    name: "if (opts.timeoutMs): 0 waits forever",
    find: "return this.acquireSlowly(opts.timeoutMs);",
    replace: "return this.acquireSlowly(opts.timeoutMs ? opts.timeoutMs : undefined);",
    expect: ["timeoutMs: 0", "no timeout"],
  },
  {
    runtime: "deno",
    name: "a timeout raced against a wait that keeps going",
    find: "return this.acquireSlowly(opts.timeoutMs);",
    replace: `const forever = this.acquireSlowly();
    if (opts.timeoutMs === undefined) return forever;
    return Promise.race([forever, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), opts.timeoutMs))]);`,
    expect: ["waiter that gave up"],
  },

  // ---- Bun: a lock server ----
  {
    runtime: "deno",
    name: "waits with a blocking Atomics.wait",
    find: "        const wait = Atomics.waitAsync(this.word, STATE, holder, left);\n        if (wait.async) await wait.value;",
    replace: "        Atomics.wait(this.word, STATE, holder, left);",
    expect: ["blocked", "Atomics.wait"],
  },
  {
    runtime: "deno",
    name: "release wakes a sleeper before it frees the word",
    find: `    // Free it only if we are the holder: the same atomic step checks and clears.
    const holder = Atomics.compareExchange(this.word, STATE, this.me, FREE);
    if (holder !== this.me) {
      throw new LockError(holder === FREE ? "release() of a lock that is not held" : \`release() by \${currentProcess().id}, which does not hold the lock\`);
    }
    if (Atomics.load(this.word, SLEEPERS) > 0) Atomics.notify(this.word, STATE, 1); // wake one sleeper`,
    replace: `    if (Atomics.load(this.word, SLEEPERS) > 0) Atomics.notify(this.word, STATE, 1); // wake one sleeper — before the word is free
    const holder = Atomics.compareExchange(this.word, STATE, this.me, FREE);
    if (holder !== this.me) {
      throw new LockError(holder === FREE ? "release() of a lock that is not held" : \`release() by \${currentProcess().id}, which does not hold the lock\`);
    }`,
    expect: ["wake", "once the word is free"],
  },
  {
    runtime: "bun",
    name: "the server grants to everyone",
    find: "if (this.holder === null && this.waiters.length === 0) {",
    replace: "if (true) {",
    expect: ["lost update", "two processes held the lock at once", "granted the lock while someone held it"],
  },
  {
    runtime: "bun",
    name: "the line is a stack: the last to come is served first",
    find: "    const next = this.waiters.shift();",
    replace: "    const next = this.waiters.pop();",
    expect: ["first come, first served", "in this order", "shift()"],
  },
  {
    runtime: "bun",
    name: "release frees the lock but nobody is told",
    find: `    const next = this.waiters.shift();
    this.holder = next?.who ?? null;
    if (next) {
      clearTimeout(next.timer);
      next.grant(true);
    }`,
    replace: "    this.holder = null;",
    expect: ["stays held", "hand it to a waiter"],
  },
  {
    runtime: "bun",
    name: "the server re-checks in a loop instead of queueing",
    find: `  acquire(who: string, timeoutMs?: number): Promise<boolean> {
    if (this.holder === null && this.waiters.length === 0) {`,
    replace: `  async acquire(who: string, timeoutMs?: number): Promise<boolean> {
    const deadline = Date.now() + (timeoutMs ?? Number.POSITIVE_INFINITY);
    while (this.holder !== null) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.holder = who;
    return true;
  }

  acquireInLine(who: string, timeoutMs?: number): Promise<boolean> {
    if (this.holder === null && this.waiters.length === 0) {`,
    expect: ["CPU", "busy loop"],
  },
  {
    runtime: "bun",
    name: "release does not check the owner",
    find: "if (this.holder !== who) {",
    replace: "if (this.holder === '-') {",
    expect: ["LockError", "returned normally"],
  },
  {
    runtime: "bun",
    name: "a refused release hands the lock on anyway",
    find: "    if (this.holder !== who) {\n      throw new LockError(",
    replace: "    if (this.holder !== who) {\n      this.handOver();\n      throw new LockError(",
    expect: ["refused release must not free it"],
  },
  { runtime: "bun", name: "waiters never time out", find: "grant(false);", replace: "", expect: ["had not returned", "timeout"] },
  {
    runtime: "bun",
    name: "if (timeoutMs): 0 waits forever",
    find: `    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.resolve(false); // try once, don't wait
    return new Promise((grant) => {
      const waiter: Waiter = { who, grant };
      if (timeoutMs !== undefined) {`,
    replace: `    return new Promise((grant) => {
      const waiter: Waiter = { who, grant };
      if (timeoutMs) {`,
    expect: ["timeoutMs: 0", "no timeout"],
  },
  {
    runtime: "bun",
    name: "a waiter that timed out stays in line",
    find: "          this.waiters = this.waiters.filter((w) => w !== waiter); // it gave up: out of the line\n",
    replace: "",
    expect: ["waiter that gave up", "this.waiters"],
  },
  {
    runtime: "bun",
    name: "a dead holder keeps the lock",
    find: "if (this.holder === who) this.handOver();",
    replace: "",
    expect: ["killed", "could not acquire"],
  },
  {
    runtime: "bun",
    name: "a dead waiter keeps its place in line",
    find: "    this.waiters = this.waiters.filter((w) => w.who !== who);\n    if (this.holder === who) this.handOver();",
    replace: "    if (this.holder === who) this.handOver();",
    expect: ["could not acquire", "drop"],
  },
  {
    runtime: "bun",
    name: "a dead holder's lock goes to every waiter",
    find: "    this.waiters = this.waiters.filter((w) => w.who !== who);\n    if (this.holder === who) this.handOver();",
    replace: `    this.waiters = this.waiters.filter((w) => w.who !== who);
    if (this.holder === who) for (const w of this.waiters.splice(0)) (this.holder = w.who), w.grant(true);`,
    expect: ["two survivors held the lock at once"],
  },
  {
    runtime: "bun",
    name: "release hands the lock over without recording the new holder",
    find: "    this.holder = next?.who ?? null;",
    replace: "    this.holder = null;",
    expect: ["record that waiter as the holder"], // refused at release, or two holders: it depends on who asks when
  },
];
