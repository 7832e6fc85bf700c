// The shop's settings (Shop.settings, a JSON string) with docs/product.md's defaults. Every field has a
// default except the sender identity, which only the merchant can supply; until it is complete no
// marketing email may go out (senderIdentityProblems says what is missing).
import { z } from "zod";
import { canonicalTimeZone, isValidTimeZone } from "~/modules/platform/time/shop-time";
import { oneOf, optionalText, singleLineText, wholeNumber } from "./setting-fields";
import { issuesToErrors, type SettingError } from "./setting-errors";
import { deepMerge, parseWithDefaults } from "./settings-json";

export const LOYALTY_VARIANTS = ["loyalty_coupon", "bonus_points", "none"] as const;
export type LoyaltyVariant = (typeof LOYALTY_VARIANTS)[number];
export const GUARD_CHECKOUT_KINDS = ["percent", "amount"] as const;

const senderSchema = z.strictObject({
  /** the "From" name: one line, because it goes into the From header */
  name: singleLineText(100),
  email: z.preprocess(
    (value) => (typeof value === "string" ? value.trim() || undefined : value),
    z.email({ error: "must be an email address such as shop@example.com" }).optional(),
  ),
  /** required in every marketing email (特定電子メール法, CAN-SPAM) */
  postalAddress: optionalText(300),
  /** where recipients can reach the sender: email, phone or a contact form URL */
  contact: optionalText(200),
});

const quietHoursSchema = z
  .strictObject({ startHour: wholeNumber(0, 23).default(21), endHour: wholeNumber(0, 23).default(8) })
  .refine((q) => q.startHour !== q.endHour, { error: "start and end must differ (turn quiet hours off instead)" });

const timezoneSchema = z
  .string({ error: "must be a timezone name such as Asia/Tokyo" })
  .refine(isValidTimeZone, { error: "must be a timezone name such as Asia/Tokyo or America/New_York" })
  .transform(canonicalTimeZone);

export const shopSettingsSchema = z.strictObject({
  sender: senderSchema.prefault({}),
  /** at most one marketing email per customer per this many hours */
  frequencyCapHours: wholeNumber(1, 168, "hours").default(16),
  /** shop-local hours without marketing email; null = off */
  quietHours: quietHoursSchema.nullable().default({ startHour: 21, endHour: 8 }),
  /** share of each scenario's audience kept as a control group */
  holdoutPercent: wholeNumber(0, 50, "percent").default(10),
  /** an order within this many days of a click is attributed to the email */
  attributionDays: wholeNumber(1, 30, "days").default(5),
  /** an order within this many days of an open is attributed to the email (last touch, with clicks); 0 = opens are not counted */
  openAttributionDays: wholeNumber(0, 30, "days").default(5),
  /** overrides the shop's Shopify timezone (Shop.timezone); null = follow Shopify */
  timezone: timezoneSchema.nullable().default(null),
  // Earning is a ratio (points per so many currency units), not a float like 0.01, so point
  // totals are exact for every amount.
  points: z
    .strictObject({
      earnPoints: wholeNumber(1, 1000, "points").default(1),
      perCurrencyUnits: wholeNumber(1, 1_000_000, "currency units").default(100),
      expiryDays: wholeNumber(1, 3650, "days").default(365),
    })
    .prefault({}),
  guard: z
    .strictObject({
      /** what a customer who is not new gets instead of a first-purchase offer */
      loyaltyVariant: oneOf(LOYALTY_VARIANTS).default("loyalty_coupon"),
      /** the merchant's own first-purchase code names (e.g. WELCOME10): redemptions by repeat customers are counted */
      firstPurchaseCodes: z
        .array(
          z
            .string({ error: "must be text" })
            .trim()
            .min(1, { error: "a code cannot be empty" })
            .max(255, { error: "a code is at most 255 characters" }),
          {
            error: "must be a list of discount codes",
          },
        )
        .max(100, { error: "at most 100 codes" })
        .default([]),
      /** what the checkout Discount Function grants a logged-in customer with no orders */
      checkoutDiscount: z
        .strictObject({
          kind: oneOf(GUARD_CHECKOUT_KINDS).default("percent"),
          value: z.number({ error: "must be a number" }).positive({ error: "must be above 0" }).default(10),
        })
        .refine((d) => d.kind !== "percent" || (Number.isInteger(d.value) && d.value <= 100), {
          error: "a percent off must be a whole number from 1 to 100",
          path: ["value"],
        })
        .prefault({}),
    })
    .prefault({}),
  phaseRules: z
    .strictObject({
      regularMinOrders: wholeNumber(2, 100, "orders").default(5),
      dormantAfterDays: wholeNumber(30, 1095, "days").default(180),
    })
    .prefault({}),
});

export type ShopSettings = z.output<typeof shopSettingsSchema>;

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;
export type ShopSettingsPatch = DeepPartial<ShopSettings>;

export type SettingsUpdate<T> = { ok: true; settings: T } | { ok: false; errors: SettingError[] };

export const DEFAULT_SHOP_SETTINGS: ShopSettings = shopSettingsSchema.parse({});

/** Never throws: unreadable JSON gives the defaults, an invalid field its default. */
export function parseShopSettings(json: string): ShopSettings {
  return parseWithDefaults(shopSettingsSchema, json);
}

export function serializeShopSettings(settings: ShopSettings): string {
  return JSON.stringify(settings);
}

/** Applies a partial update; nothing changes unless the whole result is valid. */
export function updateShopSettings(current: ShopSettings, patch: ShopSettingsPatch): SettingsUpdate<ShopSettings> {
  const result = shopSettingsSchema.safeParse(deepMerge(current, patch));
  return result.success
    ? { ok: true, settings: result.data }
    : { ok: false, errors: issuesToErrors(result.error.issues) };
}

/** The timezone every shop-time rule uses: the merchant's override, else Shopify's, else Tokyo. */
export function effectiveTimezone(settings: ShopSettings, shopTimezone: string | null | undefined): string {
  if (settings.timezone) return settings.timezone;
  return shopTimezone && isValidTimeZone(shopTimezone) ? shopTimezone : "Asia/Tokyo";
}
