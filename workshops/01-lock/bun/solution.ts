// 01-lock on Bun — instructor solution.
// A lock server: the process that creates the lock keeps its state (who holds it, who waits, in
// arrival order) and answers every process's requests (server.ts carries them over the Bun.spawn
// IPC channel). Because one process decides everything, there is no race to win — and because the
// server hears when a child exits, a holder that dies loses the lock. The counter is in value.ts.
import { type Lock, LockError } from "@workshop/contracts";
import { type LockServerLike, serveLock, type Waiter } from "./server.ts";

/** The lock's state, kept in one process only: there is nothing to race on. */
class LockServer implements LockServerLike {
  private holder: string | null = null;
  private waiters: Waiter[] = []; // first come, first served

  acquire(who: string, timeoutMs?: number): Promise<boolean> {
    if (this.holder === null && this.waiters.length === 0) {
      this.holder = who;
      return Promise.resolve(true);
    }
    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.resolve(false); // try once, don't wait
    return new Promise((grant) => {
      const waiter: Waiter = { who, grant };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter); // it gave up: out of the line
          grant(false);
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  release(who: string): void {
    if (this.holder !== who) {
      throw new LockError(this.holder === null ? "release() of a lock that is not held" : `release() by ${who}, but ${this.holder} holds the lock`);
    }
    this.handOver();
  }

  forget(who: string): void {
    this.waiters = this.waiters.filter((w) => w.who !== who);
    if (this.holder === who) this.handOver();
  }

  /** The next waiter in line holds the lock now — or nobody does. */
  private handOver(): void {
    const next = this.waiters.shift();
    this.holder = next?.who ?? null;
    if (next) {
      clearTimeout(next.timer);
      next.grant(true);
    }
  }
}

export function createLock(): Promise<Lock> {
  return Promise.resolve(serveLock(new LockServer()));
}

export { createValue } from "./value.ts";
