import { gradeCell } from "../../grade.ts";

await gradeCell("01-lock/deno");
