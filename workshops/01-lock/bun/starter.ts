// 01-lock on Bun — your exercise. Run `npm test -- 01-lock/bun` to grade it.
//
// The lock is a server: the process that creates it keeps the state (who holds it, who waits) and
// decides. The messaging is given (server.ts): requests from every process arrive here as calls,
// with `who` naming the process; what you return or throw goes back. The Value is given (value.ts).
// Read workshops/01-lock/README.md first; `npm start -- hint 01-lock/bun` helps.
import { type Lock, LockError } from "@workshop/contracts";
import { type LockServerLike, serveLock, type Waiter } from "./server.ts";

/** The lock's state, kept in one process only: there is nothing to race on. */
class LockServer implements LockServerLike {
  private holder: string | null = null;
  private waiters: Waiter[] = []; // first come, first served

  acquire(who: string, _timeoutMs?: number): Promise<boolean> {
    // TODO(1): if the lock is free, `who` holds it now. If not, `who` waits its turn: add a Waiter
    //          to this.waiters and return its promise, which release() will resolve later.
    // TODO(3): with a timeout, a waiter gives up when it runs out: it leaves the line and gets
    //          false. timeoutMs 0 means try once, no wait.
    this.holder = who;
    return Promise.resolve(true);
  }

  release(_who: string): void {
    // TODO(2): only the holder may release: otherwise throw the contract's LockError. Then the
    //          next waiter in line holds the lock (tell it), or nobody does.
  }

  forget(_who: string): void {
    // TODO(4): `who` exited or was killed: drop its waits, and if it held the lock, hand it on.
  }
}

export function createLock(): Promise<Lock> {
  return Promise.resolve(serveLock(new LockServer()));
}

export { createValue } from "./value.ts";
