// Entry point of every worker the Deno backend starts.
import { ChildSide } from "../common/child.ts";
import type { ControlMessage } from "../common/process-base.ts";

// Inside a worker, `self` is the worker's global scope (typed here as the window's, so narrow it).
const scope = self as unknown as {
  postMessage(msg: unknown, transfer?: Transferable[]): void;
  close(): void;
  onmessage: ((event: MessageEvent<ControlMessage>) => void) | null;
};
const post = (msg: ControlMessage, transfer: Transferable[] = []) => scope.postMessage(msg, transfer);

const side = new ChildSide({
  send: (msg) => {
    post(msg);
    return Promise.resolve();
  },
  exit: (code) => {
    post({ t: "exit", code });
    scope.close();
  },
});

// Deno.exit() in a worker ends only the worker and tells nobody: report the code first.
const exitWorker = (code = 0): never => {
  post({ t: "exit", code });
  scope.close();
  throw new Error("worker closed");
};
Object.defineProperty(Deno, "exit", { value: exitWorker });

scope.onmessage = (event) => side.receive(event.data);
