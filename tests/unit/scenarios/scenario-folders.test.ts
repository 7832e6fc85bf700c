// One folder per scenario (docs/add-a-scenario.md): the list in all.ts is complete by type, each
// row schema accepts what its scenario plans and refuses anything else, and templates read their
// facts field by field.
import { describe, expect, test } from "vitest";
import { parseRowData, SCENARIO_MODULES } from "~/modules/engine/scenarios/all";
import { SCENARIO_DEFINITIONS } from "~/modules/engine/scenarios/all.server";
import { readExtra } from "~/modules/engine/scenarios/scenario-data";
import type { ScenarioModule } from "~/modules/engine/scenarios/scenario-module";
import { SCENARIO_KEYS, type ScenarioKey } from "~/modules/platform/settings/scenario-keys";

describe("the scenario list", () => {
  test("has one module and one definition per key, each under its own key", () => {
    expect(Object.keys(SCENARIO_MODULES).sort()).toEqual([...SCENARIO_KEYS].sort());
    expect(Object.keys(SCENARIO_DEFINITIONS).sort()).toEqual([...SCENARIO_KEYS].sort());
    for (const key of SCENARIO_KEYS) {
      expect(SCENARIO_MODULES[key].key).toBe(key);
      expect(SCENARIO_DEFINITIONS[key].key).toBe(key);
    }
  });

  test("a list missing a scenario does not compile", () => {
    const { welcome, ...rest } = SCENARIO_MODULES;
    // @ts-expect-error welcome is missing
    const partial: { [K in ScenarioKey]: ScenarioModule<K> } = rest;
    expect(Object.keys(partial)).not.toContain("welcome");
    expect(welcome.key).toBe("welcome");
  });
});

describe("parseRowData", () => {
  test("reads what the scenario plans", () => {
    const row = parseRowData(
      "cart_abandonment",
      JSON.stringify({ source: "checkout", token: "t1", since: "2026-01-01T00:00:00.000Z" }),
    );
    expect(row).toEqual({ ok: true, data: { source: "checkout", token: "t1", since: "2026-01-01T00:00:00.000Z" } });
  });

  test("refuses data of another shape, naming the field", () => {
    const row = parseRowData("welcome", JSON.stringify({ month: "2026-01" }));
    expect(row.ok).toBe(false);
    if (!row.ok) expect(row.reason).toMatch(/welcome scenario's: since/);
  });

  test("refuses data that is not JSON", () => {
    expect(parseRowData("welcome", "{")).toEqual({ ok: false, reason: "its stored trigger data is not JSON" });
  });
});

describe("readExtra", () => {
  test("keeps the fields that match and drops the rest", () => {
    const schema = SCENARIO_MODULES.points_expiry.data.extra;
    expect(readExtra(schema, { pointsBalance: 1250, expiringPoints: "300", expiringOn: "" })).toEqual({
      pointsBalance: 1250,
    });
    expect(readExtra(schema, undefined)).toEqual({});
  });
});
