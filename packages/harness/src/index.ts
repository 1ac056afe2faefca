export * from "./cells.ts";
export { scenarioTitle } from "./compose.ts";
export { type GradeOptions, gradeCell, scenariosOf } from "./grade.ts";
export { coolDown } from "./pool.ts";
export { type CellResult, gradeMany, type ManyOptions } from "./report/grade-many.ts";
export * from "./report.ts";
export { type RunOptions, runScenario } from "./run-scenario.ts";
export { checkTypes, type TypeProblem } from "./typecheck.ts";
export type { Status, Verdict, WorkerReport } from "./verdict.ts";
