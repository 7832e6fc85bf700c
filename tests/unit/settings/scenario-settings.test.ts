import fc from "fast-check";
import {
  DEFAULT_SCENARIO_SETTINGS,
  SCENARIO_KEYS,
  SCENARIO_SCHEMAS,
  applyScenarioAssignments,
  defaultScenarioSettings,
  parseScenarioSettings,
  scenarioSettingNames,
  updateScenarioSettings,
} from "~/modules/engine/scenarios/scenario-settings";

const percentCoupon = (audience: string) => ({ audience, kind: "percent", value: 10, expiresDays: 14 });

describe("defaults", () => {
  test("are docs/product.md's, every scenario off", () => {
    expect(DEFAULT_SCENARIO_SETTINGS).toEqual({
      cart_abandonment: {
        enabled: false,
        delayMinutes: 60,
        secondReminder: { enabled: false, delayHours: 24 },
        incentive: { audience: "anyone", kind: "none", value: 0, expiresDays: 14 },
      },
      browse_abandonment: { enabled: false, delayMinutes: 120, suppressAfterAbandonmentDays: 14, maxProducts: 3 },
      back_in_stock: { enabled: false, threshold: 1, recipientMultiple: 5, viewerLookbackDays: 30 },
      birthday: { enabled: false, hour: 9, incentive: percentCoupon("anyone") },
      points_expiry: { enabled: false, daysBefore: [30, 7], hour: 10 },
      second_purchase: { enabled: false, fallbackDays: 14 },
      replenishment: { enabled: false, daysBefore: 3 },
      winback: {
        enabled: false,
        dormantDays: 180,
        adaptive: { enabled: false, multiplier: 3, minDays: 90, maxDays: 365 },
        hour: 10,
        incentive: percentCoupon("anyone"),
      },
      welcome: {
        enabled: false,
        delayMinutes: 10,
        reminder: { enabled: false, delayDays: 3 },
        incentive: percentCoupon("first_purchase"),
      },
      points_statement: { enabled: false, dayOfMonth: 1, hour: 10 },
      recommendations: {
        enabled: false,
        cadence: "monthly",
        postVisitDays: 3,
        minRecommendations: 2,
        recentEmailDays: 3,
        hour: 10,
      },
    });
  });

  test.each(SCENARIO_KEYS)("%s: there is a schema, and its defaults are valid and stable", (key) => {
    expect(Object.keys(SCENARIO_SCHEMAS)).toContain(key);
    expect(SCENARIO_SCHEMAS[key].parse(defaultScenarioSettings(key))).toEqual(DEFAULT_SCENARIO_SETTINGS[key]);
    expect(defaultScenarioSettings(key).enabled).toBe(false);
  });
});

describe("parseScenarioSettings", () => {
  test.each(SCENARIO_KEYS)("%s: garbage gives the defaults", (key) => {
    for (const json of ["", "null", "[]", "{", "7", '"x"'])
      expect(parseScenarioSettings(key, json)).toEqual(DEFAULT_SCENARIO_SETTINGS[key]);
  });

  test("keeps valid values, restores the default of invalid or unknown ones", () => {
    expect(
      parseScenarioSettings(
        "cart_abandonment",
        JSON.stringify({
          enabled: true,
          delayMinutes: 5,
          secondReminder: { enabled: true, color: "red" },
          incentive: { kind: "cash" },
        }),
      ),
    ).toEqual({
      ...DEFAULT_SCENARIO_SETTINGS.cart_abandonment,
      enabled: true,
      secondReminder: { enabled: true, delayHours: 24 },
    });
  });

  test("an invalid list element restores the whole list", () => {
    expect(parseScenarioSettings("points_expiry", '{"enabled":true,"daysBefore":[7,"x"]}')).toEqual({
      enabled: true,
      daysBefore: [30, 7],
      hour: 10,
    });
  });

  test("lists are kept in a canonical order (furthest reminder first)", () => {
    expect(parseScenarioSettings("points_expiry", '{"daysBefore":[7,14,30]}').daysBefore).toEqual([30, 14, 7]);
  });

  test("contradicting values are repaired without losing the rest", () => {
    // a first reminder 24 h after activity cannot precede a second one at 24 h
    expect(
      parseScenarioSettings(
        "cart_abandonment",
        '{"enabled":true,"delayMinutes":1440,"secondReminder":{"enabled":true,"delayHours":24}}',
      ),
    ).toMatchObject({
      enabled: true,
      delayMinutes: 60,
      secondReminder: { enabled: true, delayHours: 24 },
    });
    expect(
      parseScenarioSettings("winback", '{"enabled":true,"adaptive":{"enabled":true,"minDays":400,"maxDays":200}}'),
    ).toMatchObject({
      enabled: true,
      adaptive: { enabled: true, multiplier: 3, minDays: 90, maxDays: 365 },
    });
  });

  test("an incentive whose value does not fit its kind falls back to the scenario's value", () => {
    expect(parseScenarioSettings("welcome", '{"incentive":{"kind":"percent","value":250}}').incentive).toEqual(
      percentCoupon("first_purchase"),
    );
  });

  test.each(SCENARIO_KEYS)("%s: never throws, always valid", (key) => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (json) => {
          expect(SCENARIO_SCHEMAS[key].safeParse(parseScenarioSettings(key, json)).success).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("updateScenarioSettings", () => {
  test("merges objects, replaces lists", () => {
    expect(
      updateScenarioSettings("points_expiry", DEFAULT_SCENARIO_SETTINGS.points_expiry, { daysBefore: [14] }),
    ).toEqual({
      ok: true,
      settings: { enabled: false, daysBefore: [14], hour: 10 },
    });
  });

  test("reports invalid fields by path", () => {
    expect(
      updateScenarioSettings("winback", DEFAULT_SCENARIO_SETTINGS.winback, {
        adaptive: { minDays: 400, maxDays: 200 },
        hour: 24,
      }),
    ).toEqual({
      ok: false,
      errors: expect.arrayContaining([
        { field: "hour", message: "must be a whole number from 0 to 23 o'clock" },
        { field: "adaptive.minDays", message: "must not be above maxDays" },
        { field: "adaptive.maxDays", message: "must not be below minDays" },
      ]),
    });
  });

  test.each([
    ["percent", 0, false],
    ["percent", 100, true],
    ["percent", 12.5, false],
    ["amount", 500, true],
    ["amount", 0, false],
    ["points", 100, true],
    ["points", 1.5, false],
    ["none", 0, true],
  ] as const)("incentive %s %d → ok %s", (kind, value, ok) => {
    expect(
      updateScenarioSettings("birthday", DEFAULT_SCENARIO_SETTINGS.birthday, { incentive: { kind, value } }).ok,
    ).toBe(ok);
  });
});

describe("applyScenarioAssignments", () => {
  test("sets values by dotted path, read as the setting's type", () => {
    expect(
      applyScenarioAssignments("cart_abandonment", DEFAULT_SCENARIO_SETTINGS.cart_abandonment, [
        "delayMinutes=30",
        "secondReminder.enabled=true",
        "enabled=on",
      ]),
    ).toEqual({
      ok: true,
      settings: {
        ...DEFAULT_SCENARIO_SETTINGS.cart_abandonment,
        enabled: true,
        delayMinutes: 30,
        secondReminder: { enabled: true, delayHours: 24 },
      },
    });
  });

  test("strings, lists and nested incentives", () => {
    expect(
      applyScenarioAssignments("recommendations", DEFAULT_SCENARIO_SETTINGS.recommendations, ["cadence=weekly"]),
    ).toMatchObject({ ok: true, settings: { cadence: "weekly" } });
    expect(
      applyScenarioAssignments("points_expiry", DEFAULT_SCENARIO_SETTINGS.points_expiry, ["daysBefore=7, 30, 14"]),
    ).toMatchObject({
      ok: true,
      settings: { daysBefore: [30, 14, 7] },
    });
    expect(
      applyScenarioAssignments("welcome", DEFAULT_SCENARIO_SETTINGS.welcome, [
        "incentive.kind=amount",
        "incentive.value=500",
        "incentive.expiresDays=30",
      ]),
    ).toMatchObject({
      ok: true,
      settings: { incentive: { audience: "first_purchase", kind: "amount", value: 500, expiresDays: 30 } },
    });
  });

  test("unknown names list the known ones", () => {
    const result = applyScenarioAssignments("cart_abandonment", DEFAULT_SCENARIO_SETTINGS.cart_abandonment, [
      "delay=30",
      "secondReminder=true",
    ]);
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          field: "delay",
          message:
            "unknown setting for cart_abandonment; known: enabled, delayMinutes, secondReminder.enabled, secondReminder.delayHours, incentive.audience, incentive.kind, incentive.value, incentive.expiresDays",
        },
        { field: "secondReminder", message: expect.stringMatching(/^unknown setting for cart_abandonment/) },
      ],
    });
  });

  test("values of the wrong kind are explained", () => {
    expect(
      applyScenarioAssignments("cart_abandonment", DEFAULT_SCENARIO_SETTINGS.cart_abandonment, [
        "delayMinutes=soon",
        "secondReminder.enabled=maybe",
        "bad",
      ]),
    ).toEqual({
      ok: false,
      errors: [
        { field: "delayMinutes", message: '"soon" is not a number' },
        { field: "secondReminder.enabled", message: '"maybe" is not true or false' },
        { field: "bad", message: 'expected name=value, got "bad"' },
      ],
    });
    expect(
      applyScenarioAssignments("points_expiry", DEFAULT_SCENARIO_SETTINGS.points_expiry, ["daysBefore=7,x"]),
    ).toEqual({
      ok: false,
      errors: [{ field: "daysBefore", message: '"7,x" is not a comma-separated list of numbers' }],
    });
  });

  test("values out of range are refused by the schema", () => {
    expect(
      applyScenarioAssignments("browse_abandonment", DEFAULT_SCENARIO_SETTINGS.browse_abandonment, [
        "maxProducts=10",
        "delayMinutes=5",
      ]),
    ).toEqual({
      ok: false,
      errors: expect.arrayContaining([
        { field: "maxProducts", message: "must be a whole number from 1 to 6 products" },
        { field: "delayMinutes", message: "must be a whole number from 30 to 1440 minutes" },
      ]),
    });
    expect(
      applyScenarioAssignments("recommendations", DEFAULT_SCENARIO_SETTINGS.recommendations, ["cadence=daily"]),
    ).toEqual({
      ok: false,
      errors: [{ field: "cadence", message: "must be one of: weekly, monthly" }],
    });
    expect(
      applyScenarioAssignments("points_expiry", DEFAULT_SCENARIO_SETTINGS.points_expiry, ["daysBefore=7,7"]),
    ).toEqual({
      ok: false,
      errors: [{ field: "daysBefore", message: "must not repeat a day" }],
    });
  });

  test.each(SCENARIO_KEYS)("%s: every listed name can be assigned its current value", (key) => {
    const settings = defaultScenarioSettings(key);
    const assignments = scenarioSettingNames(key).map((name) => {
      const value = name.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], settings);
      return `${name}=${Array.isArray(value) ? value.join(",") : String(value)}`;
    });
    expect(applyScenarioAssignments(key, settings, assignments)).toEqual({ ok: true, settings });
  });
});
