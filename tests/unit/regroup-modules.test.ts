// The module regrouping codemod (scripts/regroup-modules.mjs, ADR 0027) on a small fixture tree
// in a temporary folder: it moves, rewrites every kind of specifier and path mention, handles
// files it was never told about, and a second run changes nothing.
// This file holds old paths on purpose — regroup-modules: leave
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { MOVES, mapPath, regroup, validateMoves } from "../../scripts/regroup-modules.mjs";

const FIXTURE_MOVES: [string, string][] = [
  ["app/modules/engine/rules/shop-time.ts", "app/modules/platform/time/shop-time.ts"],
  ["app/modules/scenarios", "app/modules/engine/scenarios"],
  ["app/modules/mail", "app/modules/delivery/mail"],
  ["app/modules/mail/unsubscribe.server.ts", "app/modules/tracking/unsubscribe.server.ts"],
];

const FIXTURE: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { paths: { "~/*": ["./app/*"] } } }),
  "app/modules/engine/rules/shop-time.ts": "export const zone = 1;\n",
  "app/modules/engine/tick.server.ts": [
    'import { SCENARIOS } from "~/modules/scenarios/registry";',
    'import { zone } from "./rules/shop-time";',
    'import type { Render } from "../mail";',
    "",
  ].join("\n"),
  "app/modules/scenarios/registry.ts": [
    'import { zone } from "~/modules/engine/rules/shop-time";',
    'import { render } from "../mail/render.js";',
    "// the times come from app/modules/engine/rules/shop-time (time zones)",
    "export const SCENARIOS = [zone, render];",
    "",
  ].join("\n"),
  // a file no list names: found by walking the moved folder
  "app/modules/scenarios/added-today.server.ts": 'export { applyUnsubscribe } from "../mail/unsubscribe.server";\n',
  "app/modules/mail/index.ts": 'export * from "./render";\n',
  "app/modules/mail/render.ts": "export type Render = string;\nexport const render = 1;\n",
  "app/modules/mail/unsubscribe.server.ts":
    'import { render } from "./render";\nexport const applyUnsubscribe = render;\n',
  "app/modules/mail/logo.png": "not text",
  "tests/unit/x.test.ts": [
    'import { zone } from "../../app/modules/engine/rules/shop-time";',
    'import mail from "~/modules/mail";',
    'vi.mock("~/modules/mail/unsubscribe.server", () => ({}));',
    'const { SCENARIOS } = await import("~/modules/scenarios/registry");',
    'const source = "app/modules/scenarios/registry.ts";',
    "",
  ].join("\n"),
  "scripts/tool.mjs": 'import "../app/modules/mail/render.ts";\n',
  "README.md": [
    "The scenarios are listed in [the registry](app/modules/scenarios/registry.ts); one opts out in",
    "`app/modules/mail/unsubscribe.server.ts`. `app/modules/mail/templates/<name>.ts` is a template.",
    "",
  ].join("\n"),
};

const NEW_TREE: Record<string, string> = {
  "app/modules/platform/time/shop-time.ts": "export const zone = 1;\n",
  "app/modules/engine/tick.server.ts": [
    'import { SCENARIOS } from "~/modules/engine/scenarios/registry";',
    'import { zone } from "../platform/time/shop-time";',
    'import type { Render } from "../delivery/mail";',
    "",
  ].join("\n"),
  "app/modules/engine/scenarios/registry.ts": [
    'import { zone } from "~/modules/platform/time/shop-time";',
    'import { render } from "../../delivery/mail/render.js";',
    "// the times come from app/modules/platform/time/shop-time (time zones)",
    "export const SCENARIOS = [zone, render];",
    "",
  ].join("\n"),
  "app/modules/engine/scenarios/added-today.server.ts":
    'export { applyUnsubscribe } from "../../tracking/unsubscribe.server";\n',
  "app/modules/delivery/mail/index.ts": 'export * from "./render";\n',
  "app/modules/delivery/mail/render.ts": "export type Render = string;\nexport const render = 1;\n",
  "app/modules/tracking/unsubscribe.server.ts":
    'import { render } from "../delivery/mail/render";\nexport const applyUnsubscribe = render;\n',
  "app/modules/delivery/mail/logo.png": "not text",
  "tests/unit/x.test.ts": [
    'import { zone } from "../../app/modules/platform/time/shop-time";',
    'import mail from "~/modules/delivery/mail";',
    'vi.mock("~/modules/tracking/unsubscribe.server", () => ({}));',
    'const { SCENARIOS } = await import("~/modules/engine/scenarios/registry");',
    'const source = "app/modules/engine/scenarios/registry.ts";',
    "",
  ].join("\n"),
  "scripts/tool.mjs": 'import "../app/modules/delivery/mail/render.ts";\n',
  "README.md": [
    "The scenarios are listed in [the registry](app/modules/engine/scenarios/registry.ts); one opts out in",
    "`app/modules/tracking/unsubscribe.server.ts`. `app/modules/delivery/mail/templates/<name>.ts` is a template.",
    "",
  ].join("\n"),
};

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "regroup-"));
  roots.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

function snapshot(root: string, dir = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.join(root, dir))) {
    if (name === ".git") continue;
    const rel = dir ? `${dir}/${name}` : name;
    if (statSync(path.join(root, rel)).isDirectory()) Object.assign(out, snapshot(root, rel));
    else out[rel] = readFileSync(path.join(root, rel), "utf8");
  }
  return out;
}

describe("regroup on a fixture tree", () => {
  test("moves files, folders and files it was never told about, and rewrites what points at them", () => {
    const root = fixture(FIXTURE);
    const result = regroup({ root, moves: FIXTURE_MOVES, useGit: false });
    expect(snapshot(root)).toEqual({ "tsconfig.json": FIXTURE["tsconfig.json"], ...NEW_TREE });
    expect(result.moved).toHaveLength(7);
    expect(existsSync(path.join(root, "app/modules/scenarios"))).toBe(false);
    expect(existsSync(path.join(root, "app/modules/mail"))).toBe(false);
  });

  test("a second run, on the regrouped tree, changes nothing", () => {
    const root = fixture(FIXTURE);
    regroup({ root, moves: FIXTURE_MOVES, useGit: false });
    const regrouped = snapshot(root);
    expect(regroup({ root, moves: FIXTURE_MOVES, check: true, useGit: false })).toEqual({
      edited: [],
      moved: [],
      unplaced: [],
    });
    regroup({ root, moves: FIXTURE_MOVES, useGit: false });
    expect(snapshot(root)).toEqual(regrouped);
  });

  test("--check reports what it would do and writes nothing", () => {
    const root = fixture(FIXTURE);
    const result = regroup({ root, moves: FIXTURE_MOVES, check: true, useGit: false });
    expect(result.moved).toContainEqual([
      "app/modules/scenarios/added-today.server.ts",
      "app/modules/engine/scenarios/added-today.server.ts",
    ]);
    expect(result.edited).toContain("README.md");
    expect(snapshot(root)).toEqual(FIXTURE);
  });

  test("moves tracked files with git mv, so git sees renames", () => {
    const root = fixture(FIXTURE);
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: root, encoding: "utf8" });
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "fixture");
    regroup({ root, moves: FIXTURE_MOVES });
    const status = git("status", "--porcelain");
    expect(status).toContain("R  app/modules/mail/logo.png -> app/modules/delivery/mail/logo.png");
    expect(status).toMatch(
      /R. app\/modules\/engine\/rules\/shop-time\.ts -> app\/modules\/platform\/time\/shop-time\.ts/,
    );
  });

  test("warns about a module folder that is in no group", () => {
    const root = fixture({ ...FIXTURE, "app/modules/loyalty/tiers.ts": "export const tiers = [];\n" });
    const warnings: string[] = [];
    const result = regroup({ root, moves: FIXTURE_MOVES, useGit: false, log: (line: string) => warnings.push(line) });
    expect(result.unplaced).toEqual(["app/modules/loyalty"]);
    expect(warnings.join("\n")).toContain("app/modules/loyalty is in no group");
  });
});

describe("the project's move map", () => {
  test("can be re-run: no new path lies inside an old one", () => {
    expect(() => validateMoves(MOVES)).not.toThrow();
    expect(() => validateMoves([["app/modules/ingest", "app/modules/ingest/webhooks"]])).toThrow(/cannot be re-run/);
  });

  test("takes the longest entry, so a file leaves with its own entry and not its folder's", () => {
    expect(mapPath("app/modules/mail/templates/welcome.ts", MOVES)).toBe(
      "app/modules/delivery/mail/templates/welcome.ts",
    );
    expect(mapPath("app/modules/mail/unsubscribe.server.ts", MOVES)).toBe("app/modules/tracking/unsubscribe.server.ts");
    expect(mapPath("app/modules/engine/rules/shop-time.ts", MOVES)).toBe("app/modules/platform/time/shop-time.ts");
    expect(mapPath("app/modules/engine/rules/quiet-hours.ts", MOVES)).toBe("app/modules/engine/rules/quiet-hours.ts");
    expect(mapPath("app/modules/mailbox/x.ts", MOVES)).toBe("app/modules/mailbox/x.ts");
  });
});
