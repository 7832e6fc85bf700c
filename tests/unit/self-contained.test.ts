// `npm test` on a clone with nothing beside it: no code or test may read from the workspace's
// shared folder (fixtures live in tests/fixtures, copied with their licence notice).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { FIXTURES } from "../helpers/webhooks";

test("nothing in app, scripts or tests reaches outside the repository for files", () => {
  let hits = "";
  try {
    hits = execFileSync(
      "git",
      ["grep", "-n", "-e", "\\.\\./shared", "--", "app", "scripts", "tests", ":!tests/unit/self-contained.test.ts"],
      { encoding: "utf8" },
    );
  } catch (error) {
    // git grep exits 1 when nothing matches
    if ((error as { status?: number }).status !== 1) throw error;
  }
  expect(hits).toBe("");
});

test("the webhook fixtures live inside the repository", () => {
  expect(FIXTURES.startsWith(process.cwd())).toBe(true);
  expect(existsSync(`${FIXTURES}/2026-04/orders__create.json`)).toBe(true);
  expect(existsSync(`${FIXTURES}/README.md`)).toBe(true);
});
