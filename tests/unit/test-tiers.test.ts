// The tier a test file runs in decides whether it gets a database and a built app (vitest.config.ts).
import path from "node:path";
import { expect, test } from "vitest";
import { testTiers, tierOf } from "../helpers/tiers";

const root = path.resolve(__dirname, "../..");

test("a file's tier follows from what it imports", () => {
  expect(tierOf(path.join(root, "tests/unit/engine/quiet-hours.test.ts"), root)).toBe("unit");
  // msw against the real transport, but no database: unit, although it sits in tests/integration
  expect(tierOf(path.join(root, "tests/integration/sendgrid-transport.test.ts"), root)).toBe("unit");
  expect(tierOf(path.join(root, "tests/integration/lease.test.ts"), root)).toBe("integration");
  expect(tierOf(path.join(root, "app/modules/ingest/smoke.test.ts"), root)).toBe("integration");
  expect(tierOf(path.join(root, "tests/integration/guard-admin-port.test.ts"), root)).toBe("integration");
  expect(tierOf(path.join(root, "tests/integration/webhooks.test.ts"), root)).toBe("server");
  expect(tierOf(path.join(root, "tests/browser/admin.test.ts"), root)).toBe("browser");
});

test("every test file is in exactly one tier", () => {
  const tiers = testTiers(root);
  const all = Object.values(tiers).flat();
  expect(new Set(all).size).toBe(all.length);
  expect(all).toContain("extensions/joren-pixel/src/build-body.test.ts");
  expect(tiers.unit).toContain("tests/unit/test-tiers.test.ts");
  for (const file of tiers.unit) expect(file, `${file} is a unit test`).not.toMatch(/^tests\/browser\//);
});
