// The app's own tests (the root config grades the workshop cells). The end-to-end tests drive the
// real app in a pseudo-terminal on a copy of the repo: slow on a 2-core box, so they run one at a
// time with room in the timeouts; every wait inside them has its own, shorter deadline.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
