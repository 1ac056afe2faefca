export * from "./errors.ts";
export * from "./primitives.ts";
