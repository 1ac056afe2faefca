// What every backend's index exports besides its own Process class.
export { beforeExit, signalParent, waitForParent } from "./child.ts";
export { type ReduceContext, type Reducible, type Reduction, type ReviveContext, reduce, registerReviver } from "./handles.ts";
export { currentProcess, type Identity } from "./identity.ts";
export { mark, traced } from "./journal.ts";
export { liveProcesses } from "./process-base.ts";
export type { Channel, ProcessLike, ProcessOptions, Runtime } from "./types.ts";
