// Entry point of every worker the Deno backend starts.
import { ChildSide } from "../common/child.ts";
import { watchExits } from "../common/faults.ts";
import type { ControlMessage } from "../common/process-base.ts";

// Inside a worker, `self` is the worker's global scope (typed here as the window's, so narrow it).
const scope = self as unknown as {
  postMessage(msg: unknown, transfer?: Transferable[]): void;
  close(): void;
  onmessage: ((event: MessageEvent<ControlMessage>) => void) | null;
};
const post = (msg: ControlMessage, transfer: Transferable[] = []) => scope.postMessage(msg, transfer);

/** A worker cannot end its process: it tells the parent its code and closes its own scope. */
const endWorker = (code: number) => {
  post({ t: "exit", code });
  scope.close();
};

// Deno.exit() / process.exit() in a worker would end only the worker and tell nobody: record it,
// report the code, and stop the caller right there.
watchExits((code = 0): never => {
  endWorker(code);
  throw new Error("worker closed");
});

const side = new ChildSide({
  send: (msg) => {
    post(msg);
    return Promise.resolve();
  },
  exit: endWorker,
});

scope.onmessage = (event) => side.receive(event.data);
