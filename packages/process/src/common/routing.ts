// What both ends of a Process link need, written once: tagged channels multiplexed on the one link,
// and named signals ("ready", "go") that one side sends and the other waits for, with a deadline.

type Listener = (msg: unknown, handle?: unknown) => void;

/** Routes each message to the listeners of its tag. */
export class TagRouter {
  private listeners = new Map<string, Set<Listener>>();
  private early = new Map<string, [unknown, unknown][]>();

  /** keepEarly: hold messages for a tag nobody listens to yet (a child's primitive is revived late). */
  constructor(private readonly keepEarly: boolean) {}

  deliver(tag: string, msg: unknown, handle?: unknown): void {
    const set = this.listeners.get(tag);
    if (set?.size) for (const listener of set) listener(msg, handle);
    else if (this.keepEarly) this.early.set(tag, [...(this.early.get(tag) ?? []), [msg, handle]]);
  }

  /** Returns an unsubscribe function; messages held for this tag are delivered at once. */
  subscribe(tag: string, listener: Listener): () => void {
    let set = this.listeners.get(tag);
    if (!set) this.listeners.set(tag, (set = new Set()));
    set.add(listener);
    const held = this.early.get(tag) ?? [];
    this.early.delete(tag);
    for (const [msg, handle] of held) listener(msg, handle);
    return () => set.delete(listener);
  }
}

/** Signals received so far, and waiters woken whenever one arrives (or `wake()` is called). */
export class Signals {
  private seen = new Set<string>();
  private waiters: (() => void)[] = [];

  add(what: string): void {
    this.seen.add(what);
    this.wake();
  }

  wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  /**
   * Resolves once `what` has arrived. Rejects after `timeoutMs` with `late()`'s message, or as soon
   * as `hopeless()` returns a reason (the sender is gone).
   */
  async waitFor(what: string, timeoutMs: number, late: () => string, hopeless: () => string | undefined = () => undefined): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.seen.has(what)) {
      const reason = hopeless();
      if (reason) throw new Error(reason);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(late());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
