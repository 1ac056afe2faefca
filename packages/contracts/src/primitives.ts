// The primitives a learner implements, in Python's vocabulary. Timeouts are in milliseconds.

export interface Timeout {
  /**
   * How long to wait, in ms. Leave it out to wait as long as it takes. 0 means "don't wait at
   * all": try once and answer now (Python's `block=False`, `get_nowait()`, `put_nowait()`).
   */
  timeoutMs?: number;
}

/** Like multiprocessing.Lock, but owner-checked (like Java's ReentrantLock, without re-entry). */
export interface Lock {
  /** Resolves true once held; with a timeout, resolves false if it could not be had in time. */
  acquire(opts?: Timeout): Promise<boolean>;
  /** Throws (or rejects with) LockError when the caller is not the holder. */
  release(): void | Promise<void>;
}

/** Like multiprocessing.Value('i', 0): one shared integer. Not atomic by itself. */
export interface Value {
  get(): Promise<number>;
  set(v: number): Promise<void>;
}

/** One end of a duplex Pipe(). */
export interface Connection<T> {
  /** Rejects with EOFError once this end has been closed (Python: OSError "handle is closed"). */
  send(msg: T): Promise<void>;
  /**
   * The next message. Rejects with EOFError after the peer closed (or died) and everything it sent
   * was received — never resolves `undefined` for "no more"; TimeoutError past timeoutMs.
   */
  recv(opts?: Timeout): Promise<T>;
  /** True as soon as a message (or EOF) is ready to recv; false if none came within timeoutMs. */
  poll(timeoutMs?: number): Promise<boolean>;
  /** No more sends from this end: the peer drains what was sent, then gets EOFError — even while this process lives on. */
  close(): Promise<void>;
}

/** A multi-producer, multi-consumer FIFO queue, optionally bounded. */
export interface Queue<T> {
  /** Waits while full; rejects with Full past timeoutMs. After close() it rejects (EOFError, like Python's "Queue is closed"). */
  put(item: T, opts?: Timeout): Promise<void>;
  /** Waits while empty; rejects with Empty past timeoutMs, EOFError once closed and drained. */
  get(opts?: Timeout): Promise<T>;
  /** No more puts; getters drain what is left, then get EOFError. */
  close(): Promise<void>;
}

/** What each chapter's cell module exports; the grader imports exactly these. */
export interface LockCell {
  createLock(): Promise<Lock>;
  createValue(initial: number): Promise<Value>;
}
export interface PipeCell {
  Pipe<T>(): Promise<[Connection<T>, Connection<T>]>;
}
export interface QueueCell {
  createQueue<T>(opts?: { maxsize?: number }): Promise<Queue<T>>;
}
