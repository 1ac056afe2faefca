import { gradeCell } from "../../grade.ts";

await gradeCell("03-queue/bun");
