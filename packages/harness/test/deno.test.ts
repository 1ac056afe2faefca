import { harnessKeepsItsPromises } from "./harness-cases.ts";

harnessKeepsItsPromises("deno");
