import { DEFAULT_SHOP_SETTINGS } from "~/modules/platform/settings/shop-settings";
import { applySettingAssignments } from "~/modules/platform/settings/shop-setting-assignments";
import { localizeSettingError } from "~/i18n/setting-errors";

describe("applySettingAssignments", () => {
  test("sets every documented name", () => {
    const result = applySettingAssignments(DEFAULT_SHOP_SETTINGS, [
      "senderName=Joren Tea",
      "senderEmail=shop@joren.jp",
      "senderAddress=東京都渋谷区1-2-3",
      "senderContact=https://joren.jp/contact?from=mail",
      "quietHours=22-7",
      "holdoutPercent=20",
      "frequencyCapHours=24",
      "timezone=Asia/Tokyo",
      "attributionDays=7",
      "openAttributionDays=2",
      "pointsEarned=2",
      "pointsPerCurrencyUnits=100",
      "pointsExpiryDays=730",
      "loyaltyVariant=bonus_points",
      "firstPurchaseCodes=WELCOME10, FIRST5,WELCOME10",
      "checkoutDiscountKind=amount",
      "checkoutDiscountValue=500",
      "regularMinOrders=4",
      "dormantAfterDays=120",
    ]);
    expect(result).toEqual({
      ok: true,
      settings: {
        sender: {
          name: "Joren Tea",
          email: "shop@joren.jp",
          postalAddress: "東京都渋谷区1-2-3",
          contact: "https://joren.jp/contact?from=mail",
        },
        frequencyCapHours: 24,
        quietHours: { startHour: 22, endHour: 7 },
        holdoutPercent: 20,
        attributionDays: 7,
        openAttributionDays: 2,
        timezone: "Asia/Tokyo",
        points: { earnPoints: 2, perCurrencyUnits: 100, expiryDays: 730 },
        guard: {
          loyaltyVariant: "bonus_points",
          firstPurchaseCodes: ["WELCOME10", "FIRST5"],
          checkoutDiscount: { kind: "amount", value: 500 },
        },
        phaseRules: { regularMinOrders: 4, dormantAfterDays: 120 },
      },
    });
  });

  test.each([
    ["quietHours=21-8", { startHour: 21, endHour: 8 }],
    ["quietHours=21:00-08:00", { startHour: 21, endHour: 8 }],
    ["quietHours = 12 - 14", { startHour: 12, endHour: 14 }],
    ["quietHours=off", null],
    ["quietHours=OFF", null],
  ])("%s", (assignment, expected) => {
    const result = applySettingAssignments(DEFAULT_SHOP_SETTINGS, [assignment]);
    expect(result.ok && result.settings.quietHours).toEqual(expected);
  });

  test("timezone=shop (or empty) follows Shopify's timezone again", () => {
    const tokyo = applySettingAssignments(DEFAULT_SHOP_SETTINGS, ["timezone=Asia/Tokyo"]);
    const settings = tokyo.ok ? tokyo.settings : DEFAULT_SHOP_SETTINGS;
    expect(applySettingAssignments(settings, ["timezone=shop"])).toMatchObject({
      ok: true,
      settings: { timezone: null },
    });
    expect(applySettingAssignments(settings, ["timezone="])).toMatchObject({ ok: true, settings: { timezone: null } });
  });

  test("an empty sender value clears it", () => {
    const named = applySettingAssignments(DEFAULT_SHOP_SETTINGS, ["senderName=Joren"]);
    const result = applySettingAssignments(named.ok ? named.settings : DEFAULT_SHOP_SETTINGS, ["senderName="]);
    expect(result.ok && result.settings.sender).toEqual({});
  });

  test("the last assignment of a name wins", () => {
    expect(applySettingAssignments(DEFAULT_SHOP_SETTINGS, ["holdoutPercent=5", "holdoutPercent=15"])).toMatchObject({
      ok: true,
      settings: { holdoutPercent: 15 },
    });
  });

  test("unknown names and malformed assignments are named, with the known names", () => {
    const result = applySettingAssignments(DEFAULT_SHOP_SETTINGS, ["holdout=5", "holdoutPercent", "=5", "toString=1"]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual(["holdout", "holdoutPercent", "=5", "toString"]);
    expect(result.errors[0]!.message).toMatch(/^unknown setting; known: senderName, senderEmail/);
    expect(result.errors[1]!.message).toBe('expected name=value, got "holdoutPercent"');
  });

  test("bad values are explained with the setting's name and range", () => {
    const result = applySettingAssignments(DEFAULT_SHOP_SETTINGS, [
      "holdoutPercent=ten",
      "quietHours=night",
      "frequencyCapHours=1e3",
    ]);
    expect(result).toEqual({
      ok: false,
      errors: [
        { field: "holdoutPercent", message: '"ten" is not a number (percent, 0–50)' },
        { field: "quietHours", message: '"night" is not a window like 21-8, or off (e.g. 21-8, or off)' },
        { field: "frequencyCapHours", message: '"1e3" is not a number (hours, 1–168)' },
      ],
    });
  });

  test("out-of-range values report the assignment name, not the internal path", () => {
    expect(
      applySettingAssignments(DEFAULT_SHOP_SETTINGS, [
        "holdoutPercent=60",
        "quietHours=25-8",
        "senderEmail=nope",
        "timezone=Mars/Base",
        "loyaltyVariant=cash",
      ]),
    ).toEqual({
      ok: false,
      errors: expect.arrayContaining([
        { field: "holdoutPercent", message: "must be a whole number from 0 to 50 percent" },
        { field: "quietHours", message: "must be a whole number from 0 to 23" },
        { field: "senderEmail", message: "must be an email address such as shop@example.com" },
        { field: "timezone", message: "must be a timezone name such as Asia/Tokyo or America/New_York" },
        { field: "loyaltyVariant", message: "must be one of: loyalty_coupon, bonus_points, none" },
      ]),
    });
  });

  test("nothing changes when any assignment fails", () => {
    const before = structuredClone(DEFAULT_SHOP_SETTINGS);
    expect(applySettingAssignments(DEFAULT_SHOP_SETTINGS, ["senderName=Joren", "holdoutPercent=60"]).ok).toBe(false);
    expect(DEFAULT_SHOP_SETTINGS).toEqual(before);
  });

  test("no assignments, no change", () => {
    expect(applySettingAssignments(DEFAULT_SHOP_SETTINGS, [])).toEqual({ ok: true, settings: DEFAULT_SHOP_SETTINGS });
  });

  test("the open attribution window: 0–30 days (0 counts clicks only), refused outside with what to enter, in English and Japanese", () => {
    const set = applySettingAssignments(DEFAULT_SHOP_SETTINGS, ["openAttributionDays=0"]);
    expect(set.ok && set.settings.openAttributionDays).toBe(0);
    const refused = applySettingAssignments(DEFAULT_SHOP_SETTINGS, ["openAttributionDays=31"]);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.errors).toEqual([
      { field: "openAttributionDays", message: "must be a whole number from 0 to 30 days" },
    ]);
    expect(localizeSettingError(refused.errors[0]!.message, "ja")).toBe("0〜30日の整数で入力してください");
  });
});
