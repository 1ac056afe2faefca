export * from "./cells.ts";
export { runScenario, type RunOptions } from "./run-scenario.ts";
export type { Status, Verdict, WorkerReport } from "./verdict.ts";
export { formatVerdict, type Paint } from "./report.ts";
