// Entry point of every child the Bun backend spawns.
import { ChildSide } from "../common/child.ts";
import { realExit, watchExits } from "../common/faults.ts";
import type { ControlMessage } from "../common/process-base.ts";

// Like a forked Node child, leave when the parent is gone rather than linger as an orphan.
process.on("disconnect", () => realExit(1));
watchExits();

const side = new ChildSide({
  send: (msg) => {
    process.send?.(msg);
    return Promise.resolve();
  },
  exit: (code) => {
    // Give the IPC channel a turn to flush the last message before the process ends.
    setTimeout(() => realExit(code), 0);
  },
});

process.on("message", (msg) => side.receive(msg as ControlMessage));
