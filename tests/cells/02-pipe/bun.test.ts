import { gradeCell } from "../../grade.ts";

await gradeCell("02-pipe/bun");
