// The errors of the contract. Each has a stable `code` so that a verdict (or a caller in another
// runtime, where `instanceof` across realms is unreliable) can recognise it by name.

/** Base class: every workshop error carries a machine-readable code. */
export class WorkshopError extends Error {
  readonly code: string = "WORKSHOP_ERROR";
}

/** Releasing a lock you do not hold (Python raises ValueError / RuntimeError here). */
export class LockError extends WorkshopError {
  override readonly code = "LOCK_ERROR";
  override name = "LockError";
}

/** The other end of a pipe or queue is closed and nothing is left to read (Python's EOFError). */
export class EOFError extends WorkshopError {
  override readonly code = "EOF";
  override name = "EOFError";
}

/** `get()` on a queue that stayed empty past the timeout (Python's queue.Empty). */
export class Empty extends WorkshopError {
  override readonly code = "EMPTY";
  override name = "Empty";
}

/** `put()` on a bounded queue that stayed full past the timeout (Python's queue.Full). */
export class Full extends WorkshopError {
  override readonly code = "FULL";
  override name = "Full";
}

/** A wait with a deadline ran out (e.g. `recv({ timeoutMs })`). */
export class TimeoutError extends WorkshopError {
  override readonly code = "TIMEOUT";
  override name = "TimeoutError";
}

/** True when `err` is a workshop error with this code, even if it crossed a realm or process. */
export function hasCode(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}
