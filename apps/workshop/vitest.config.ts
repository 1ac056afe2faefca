// The app's own tests (npm test grades the workshop cells; it needs no vitest). Nothing here may
// fail because the machine is busy: the commands run in-process (test/support/cli.ts), and the one
// end-to-end session in a real terminal waits for what it expects to see, with deadlines that grow
// with the machine's load (test/support/patience.ts). The per-test timeout below is only a last
// resort against a hang, far above any of those deadlines.
import { defineConfig } from "vitest/config";

const LAST_RESORT_MS = 15 * 60_000;

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: LAST_RESORT_MS,
    hookTimeout: LAST_RESORT_MS,
  },
});
