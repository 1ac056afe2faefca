// Who am I? Every process (and Deno worker) has an id a primitive can use as an owner.
// The child bootstrap sets it before any user code runs; in the top process it is "main".

export interface Identity {
  /** "main" in the top process, "w1", "w2", ... in children (unique within a run). */
  id: string;
  /** A number unique within the run (pid on Node/Bun, a counter on Deno): fits an Int32Array. */
  num: number;
  name: string;
}

let me: Identity = { id: "main", num: 1, name: "main" };

export function currentProcess(): Identity {
  return me;
}

export function setCurrentProcess(identity: Identity): void {
  me = identity;
}
