import fc from "fast-check";
import {
  DEFAULT_SHOP_SETTINGS,
  effectiveTimezone,
  parseShopSettings,
  serializeShopSettings,
  shopSettingsSchema,
  updateShopSettings,
} from "~/modules/platform/settings/shop-settings";

describe("defaults", () => {
  test("are docs/product.md's", () => {
    expect(DEFAULT_SHOP_SETTINGS).toEqual({
      sender: {},
      frequencyCapHours: 16,
      quietHours: { startHour: 21, endHour: 8 },
      holdoutPercent: 10,
      attributionDays: 5,
      openAttributionDays: 5,
      timezone: null,
      points: { earnPoints: 1, perCurrencyUnits: 100, expiryDays: 365 },
      guard: {
        loyaltyVariant: "loyalty_coupon",
        firstPurchaseCodes: [],
        checkoutDiscount: { kind: "percent", value: 10 },
      },
      phaseRules: { regularMinOrders: 5, dormantAfterDays: 180 },
    });
  });
});

describe("parseShopSettings", () => {
  test.each(["", "{}", "null", "[]", "42", '"text"', "{", "not json", "[1,2]", "true"])(
    "%j gives the defaults",
    (json) => {
      expect(parseShopSettings(json)).toEqual(DEFAULT_SHOP_SETTINGS);
    },
  );

  test("keeps valid values and restores the default of each invalid one", () => {
    const parsed = parseShopSettings(
      JSON.stringify({
        sender: { name: "Joren Tea", email: "not-an-email" },
        frequencyCapHours: 24,
        holdoutPercent: 99,
        quietHours: { startHour: 22, endHour: "x" },
        timezone: "Mars/Base",
        points: { expiryDays: 730, perCurrencyUnits: -1 },
        guard: { loyaltyVariant: "free_car" },
      }),
    );
    expect(parsed).toEqual({
      ...DEFAULT_SHOP_SETTINGS,
      sender: { name: "Joren Tea" },
      frequencyCapHours: 24,
      quietHours: { startHour: 22, endHour: 8 },
      points: { earnPoints: 1, perCurrencyUnits: 100, expiryDays: 730 },
    });
  });

  test("drops keys it does not know (older or newer versions) and keeps the rest", () => {
    expect(parseShopSettings(JSON.stringify({ legacy: true, attributionDays: 7, sender: { fax: "03" } }))).toEqual({
      ...DEFAULT_SHOP_SETTINGS,
      attributionDays: 7,
    });
  });

  test("quiet hours off (null) is kept; an empty window goes back to the default", () => {
    expect(parseShopSettings('{"quietHours":null}').quietHours).toBeNull();
    expect(parseShopSettings('{"quietHours":{"startHour":5,"endHour":5}}').quietHours).toEqual({
      startHour: 21,
      endHour: 8,
    });
  });

  test("a timezone is stored in its canonical spelling", () => {
    expect(parseShopSettings('{"timezone":"america/new_york"}').timezone).toBe("America/New_York");
  });

  test("round-trips through serializeShopSettings", () => {
    const settings = {
      ...DEFAULT_SHOP_SETTINGS,
      sender: { name: "Joren", email: "a@joren.jp" },
      quietHours: null,
      timezone: "Asia/Tokyo",
    };
    expect(parseShopSettings(serializeShopSettings(settings))).toEqual(settings);
  });

  test("never throws and always returns valid settings, whatever is stored", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (json) => {
          const parsed = parseShopSettings(json);
          expect(shopSettingsSchema.safeParse(parsed).success).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("a stored object with random wrong values keeps every right one", () => {
    const wrong = fc.oneof(
      fc.string(),
      fc.integer({ min: -1000, max: -1 }),
      fc.constant(null),
      fc.boolean(),
      fc.constant([]),
    );
    fc.assert(
      fc.property(wrong, fc.integer({ min: 1, max: 30 }), (bad, days) => {
        const parsed = parseShopSettings(
          JSON.stringify({ holdoutPercent: bad, attributionDays: days, frequencyCapHours: bad }),
        );
        expect(parsed.attributionDays).toBe(days);
        expect(parsed.holdoutPercent).toBe(10);
        expect(parsed.frequencyCapHours).toBe(16);
      }),
    );
  });
});

describe("updateShopSettings", () => {
  test("applies a partial, nested patch", () => {
    const result = updateShopSettings(DEFAULT_SHOP_SETTINGS, {
      points: { expiryDays: 180 },
      sender: { name: "Joren Tea" },
      quietHours: null,
    });
    expect(result).toEqual({
      ok: true,
      settings: {
        ...DEFAULT_SHOP_SETTINGS,
        points: { ...DEFAULT_SHOP_SETTINGS.points, expiryDays: 180 },
        sender: { name: "Joren Tea" },
        quietHours: null,
      },
    });
  });

  test("trims text, and blank text clears a sender field", () => {
    const filled = updateShopSettings(DEFAULT_SHOP_SETTINGS, {
      sender: { name: "  Joren  ", email: " shop@joren.jp ", contact: "03-0000-0000" },
    });
    expect(filled.ok && filled.settings.sender).toEqual({
      name: "Joren",
      email: "shop@joren.jp",
      contact: "03-0000-0000",
    });
    const cleared = filled.ok ? updateShopSettings(filled.settings, { sender: { contact: "  " } }) : filled;
    expect(cleared.ok && cleared.settings.sender).toEqual({ name: "Joren", email: "shop@joren.jp" });
  });

  test("reports every invalid field with a message a merchant understands; nothing changes", () => {
    const current = { ...DEFAULT_SHOP_SETTINGS };
    const result = updateShopSettings(current, {
      holdoutPercent: 60,
      frequencyCapHours: 0.5,
      quietHours: { startHour: 24, endHour: 8 },
      timezone: "Tokyo",
      sender: { email: "shop at joren" },
      guard: { loyaltyVariant: "cash" as "none" },
    });
    expect(result).toEqual({
      ok: false,
      errors: expect.arrayContaining([
        { field: "holdoutPercent", message: "must be a whole number from 0 to 50 percent" },
        { field: "frequencyCapHours", message: "must be a whole number from 1 to 168 hours" },
        { field: "quietHours.startHour", message: "must be a whole number from 0 to 23" },
        { field: "timezone", message: "must be a timezone name such as Asia/Tokyo or America/New_York" },
        { field: "sender.email", message: "must be an email address such as shop@example.com" },
        { field: "guard.loyaltyVariant", message: "must be one of: loyalty_coupon, bonus_points, none" },
      ]),
    });
    expect(current).toEqual(DEFAULT_SHOP_SETTINGS);
  });

  test("an empty quiet-hours window is refused with advice", () => {
    expect(updateShopSettings(DEFAULT_SHOP_SETTINGS, { quietHours: { startHour: 8, endHour: 8 } })).toEqual({
      ok: false,
      errors: [{ field: "quietHours", message: "start and end must differ (turn quiet hours off instead)" }],
    });
  });

  test("unknown settings are refused", () => {
    const patch = JSON.parse('{"holdout":5,"points":{"rate":2}}') as Parameters<typeof updateShopSettings>[1];
    expect(updateShopSettings(DEFAULT_SHOP_SETTINGS, patch)).toEqual({
      ok: false,
      errors: expect.arrayContaining([
        { field: "holdout", message: "is not a known setting" },
        { field: "points.rate", message: "is not a known setting" },
      ]),
    });
  });

  test.each([
    [{ holdoutPercent: 0 }, true],
    [{ holdoutPercent: 50 }, true],
    [{ holdoutPercent: 51 }, false],
    [{ holdoutPercent: -1 }, false],
    [{ attributionDays: 0 }, false],
    [{ attributionDays: 30 }, true],
    [{ frequencyCapHours: 168 }, true],
    [{ frequencyCapHours: 169 }, false],
    [{ phaseRules: { regularMinOrders: 1 } }, false],
    [{ phaseRules: { dormantAfterDays: 365 } }, true],
    [{ points: { earnPoints: 0 } }, false],
    [{ timezone: "UTC" }, true],
    [{ timezone: null }, true],
  ])("%j → ok %s", (patch, ok) => {
    expect(updateShopSettings(DEFAULT_SHOP_SETTINGS, patch).ok).toBe(ok);
  });
});

describe("effectiveTimezone", () => {
  test("the merchant's override, else Shopify's zone, else Tokyo", () => {
    expect(effectiveTimezone({ ...DEFAULT_SHOP_SETTINGS, timezone: "Europe/Paris" }, "Asia/Tokyo")).toBe(
      "Europe/Paris",
    );
    expect(effectiveTimezone(DEFAULT_SHOP_SETTINGS, "America/New_York")).toBe("America/New_York");
    expect(effectiveTimezone(DEFAULT_SHOP_SETTINGS, "Nowhere/Land")).toBe("Asia/Tokyo");
    expect(effectiveTimezone(DEFAULT_SHOP_SETTINGS, null)).toBe("Asia/Tokyo");
  });
});
