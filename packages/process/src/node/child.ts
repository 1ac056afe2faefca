// Entry point of every child the Node backend forks.
import { ChildSide } from "../common/child.ts";
import { realExit, watchExits } from "../common/faults.ts";
import type { ControlMessage } from "../common/process-base.ts";

// A forked child outlives a dead parent unless told otherwise: when the IPC channel goes, go too.
process.on("disconnect", () => realExit(1));
watchExits();

const side = new ChildSide({
  send: (msg, handle) =>
    new Promise((resolve, reject) => {
      if (!process.send || !process.connected) return reject(new Error("parent is gone"));
      process.send(msg, handle as never, undefined, (err) => (err ? reject(err) : resolve()));
    }),
  exit: (code) => realExit(code),
});

process.on("message", (msg, handle) => side.receive(msg as ControlMessage, handle));
