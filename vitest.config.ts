// `npm test` and verify's grading runs: one test file per cell, so a path filter picks cells.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/cells/**/*.test.ts"],
    pool: "forks",
    // Each test starts a runtime and its workers; two cells at a time keeps 2 cores honest.
    maxWorkers: 2,
    // A cell's scenarios run one after another, so their timing checks are not starved.
    sequence: { concurrent: false },
  },
});
