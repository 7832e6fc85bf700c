import { defineConfig } from "vitest/config";
import path from "node:path";
import { testTiers } from "./tests/helpers/tiers.ts";

// Four tiers (README "Tests"): a file's tier follows from what it imports, so a new test lands in
// the right one without editing this list. Only the tiers that need them build the app or
// migrate a base database; `npm run test:pg` reruns just integration and server on PostgreSQL.
const tiers = testTiers(import.meta.dirname);

export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  test: {
    globals: true,
    environment: "node",
    setupFiles: ["tests/helpers/setup-test-env.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "unit", include: tiers.unit } },
      {
        extends: true,
        test: { name: "integration", include: tiers.integration, globalSetup: ["tests/helpers/global-setup.ts"] },
      },
      {
        extends: true,
        test: {
          name: "server",
          include: tiers.server,
          globalSetup: ["tests/helpers/build-app.ts", "tests/helpers/global-setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: tiers.browser,
          globalSetup: ["tests/helpers/build-app.ts", "tests/helpers/global-setup.ts"],
        },
      },
    ],
  },
});
