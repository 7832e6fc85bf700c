// The shop settings as flat "name=value" assignments, for the CLI and scripts:
//   applySettingAssignments(settings, ["senderName=Joren Tea", "quietHours=21-8", "holdoutPercent=10"])
// Every assignment is checked and the result validated as a whole; on any error nothing changes.
import { parseNumber, setAtPath, splitAssignment, type Parsed } from "./assignments";
import type { SettingError } from "./setting-errors";
import {
  updateShopSettings,
  type SettingsUpdate,
  type ShopSettings,
  type ShopSettingsPatch,
} from "./shop-settings-schema";

interface SettingName {
  path: readonly string[];
  parse: (raw: string) => Parsed<unknown>;
  hint: string;
}

const text = (raw: string): Parsed<unknown> => ({ ok: true, value: raw });

function parseTextList(raw: string): Parsed<unknown> {
  if (raw === "" || /^(none|off)$/i.test(raw)) return { ok: true, value: [] };
  return {
    ok: true,
    value: [
      ...new Set(
        raw
          .split(",")
          .map((part) => part.trim())
          .filter(Boolean),
      ),
    ],
  };
}

function parseQuietHours(raw: string): Parsed<unknown> {
  if (/^(off|none|false)$/i.test(raw)) return { ok: true, value: null };
  const match = /^(\d{1,2})(?::00)?\s*-\s*(\d{1,2})(?::00)?$/.exec(raw);
  if (!match) return { ok: false, message: `"${raw}" is not a window like 21-8, or off` };
  return { ok: true, value: { startHour: Number(match[1]), endHour: Number(match[2]) } };
}

function parseTimezone(raw: string): Parsed<unknown> {
  return { ok: true, value: raw === "" || /^shop$/i.test(raw) ? null : raw };
}

export const SHOP_SETTING_NAMES: Readonly<Record<string, SettingName>> = {
  senderName: { path: ["sender", "name"], parse: text, hint: "the From name" },
  senderEmail: { path: ["sender", "email"], parse: text, hint: "the From address" },
  senderAddress: { path: ["sender", "postalAddress"], parse: text, hint: "postal address" },
  senderContact: { path: ["sender", "contact"], parse: text, hint: "email, phone or form URL" },
  frequencyCapHours: { path: ["frequencyCapHours"], parse: parseNumber, hint: "hours, 1–168" },
  quietHours: { path: ["quietHours"], parse: parseQuietHours, hint: "e.g. 21-8, or off" },
  holdoutPercent: { path: ["holdoutPercent"], parse: parseNumber, hint: "percent, 0–50" },
  attributionDays: { path: ["attributionDays"], parse: parseNumber, hint: "days, 1–30" },
  openAttributionDays: {
    path: ["openAttributionDays"],
    parse: parseNumber,
    hint: "days, 0–30 (0: opens are not counted)",
  },
  timezone: { path: ["timezone"], parse: parseTimezone, hint: "e.g. Asia/Tokyo, or shop" },
  pointsEarned: {
    path: ["points", "earnPoints"],
    parse: parseNumber,
    hint: "points earned per pointsPerCurrencyUnits",
  },
  pointsPerCurrencyUnits: {
    path: ["points", "perCurrencyUnits"],
    parse: parseNumber,
    hint: "currency units per pointsEarned",
  },
  pointsExpiryDays: { path: ["points", "expiryDays"], parse: parseNumber, hint: "days" },
  loyaltyVariant: { path: ["guard", "loyaltyVariant"], parse: text, hint: "loyalty_coupon, bonus_points or none" },
  firstPurchaseCodes: {
    path: ["guard", "firstPurchaseCodes"],
    parse: parseTextList,
    hint: "comma-separated codes, e.g. WELCOME10,FIRST5, or none",
  },
  checkoutDiscountKind: { path: ["guard", "checkoutDiscount", "kind"], parse: text, hint: "percent or amount" },
  checkoutDiscountValue: {
    path: ["guard", "checkoutDiscount", "value"],
    parse: parseNumber,
    hint: "percent 1–100, or an amount in shop currency",
  },
  regularMinOrders: { path: ["phaseRules", "regularMinOrders"], parse: parseNumber, hint: "orders" },
  dormantAfterDays: { path: ["phaseRules", "dormantAfterDays"], parse: parseNumber, hint: "days" },
};

function nameForField(field: string): string {
  const match = Object.entries(SHOP_SETTING_NAMES).find(
    ([, s]) => field === s.path.join(".") || field.startsWith(`${s.path.join(".")}.`),
  );
  return match ? match[0] : field;
}

export function applySettingAssignments(
  settings: ShopSettings,
  assignments: readonly string[],
): SettingsUpdate<ShopSettings> {
  const errors: SettingError[] = [];
  let patch: ShopSettingsPatch = {};
  for (const assignment of assignments) {
    const split = splitAssignment(assignment);
    if (!split.ok) {
      errors.push({ field: assignment, message: split.message });
      continue;
    }
    const setting = Object.hasOwn(SHOP_SETTING_NAMES, split.name) ? SHOP_SETTING_NAMES[split.name] : undefined;
    if (!setting) {
      errors.push({
        field: split.name,
        message: `unknown setting; known: ${Object.keys(SHOP_SETTING_NAMES).join(", ")}`,
      });
      continue;
    }
    const parsed = setting.parse(split.value);
    if (!parsed.ok) errors.push({ field: split.name, message: `${parsed.message} (${setting.hint})` });
    else patch = setAtPath(patch, setting.path, parsed.value) as ShopSettingsPatch;
  }
  if (errors.length > 0) return { ok: false, errors };
  const result = updateShopSettings(settings, patch);
  if (result.ok) return result;
  return { ok: false, errors: result.errors.map((e) => ({ field: nameForField(e.field), message: e.message })) };
}
