// The admin's Settings form: the shop settings as flat text values keyed by the CLI's setting
// names (SHOP_SETTING_NAMES), and back to the CLI's "name=value" assignments, so the admin and
// `joren settings --set` share one parser and one validation.
import { z } from "zod";
import type { ShopSettings } from "~/modules/platform/settings/shop-settings";

export const SETTINGS_FORM_NAMES = [
  "senderName",
  "senderEmail",
  "senderAddress",
  "senderContact",
  "frequencyCapHours",
  "holdoutPercent",
  "attributionDays",
  "openAttributionDays",
  "timezone",
  "pointsEarned",
  "pointsPerCurrencyUnits",
  "pointsExpiryDays",
  "loyaltyVariant",
  "regularMinOrders",
  "dormantAfterDays",
] as const;

export type SettingsFormName = (typeof SETTINGS_FORM_NAMES)[number];

export type SettingsFormValues = {
  text: Record<SettingsFormName, string>;
  quietHours: { on: boolean; startHour: string; endHour: string };
};

export function settingsToForm(settings: ShopSettings): SettingsFormValues {
  return {
    text: {
      senderName: settings.sender.name ?? "",
      senderEmail: settings.sender.email ?? "",
      senderAddress: settings.sender.postalAddress ?? "",
      senderContact: settings.sender.contact ?? "",
      frequencyCapHours: String(settings.frequencyCapHours),
      holdoutPercent: String(settings.holdoutPercent),
      attributionDays: String(settings.attributionDays),
      openAttributionDays: String(settings.openAttributionDays),
      timezone: settings.timezone ?? "",
      pointsEarned: String(settings.points.earnPoints),
      pointsPerCurrencyUnits: String(settings.points.perCurrencyUnits),
      pointsExpiryDays: String(settings.points.expiryDays),
      loyaltyVariant: settings.guard.loyaltyVariant,
      regularMinOrders: String(settings.phaseRules.regularMinOrders),
      dormantAfterDays: String(settings.phaseRules.dormantAfterDays),
    },
    quietHours: {
      on: settings.quietHours !== null,
      startHour: String(settings.quietHours?.startHour ?? 21),
      endHour: String(settings.quietHours?.endHour ?? 8),
    },
  };
}

/** An empty timezone means "follow Shopify" (the CLI's `timezone=shop`). */
export function formToAssignments(form: SettingsFormValues): string[] {
  const assignments = SETTINGS_FORM_NAMES.map((name) => {
    const value = form.text[name].trim();
    return `${name}=${name === "timezone" && value === "" ? "shop" : value}`;
  });
  assignments.push(
    `quietHours=${form.quietHours.on ? `${form.quietHours.startHour.trim()}-${form.quietHours.endHour.trim()}` : "off"}`,
  );
  return assignments;
}

const formText = z.string().max(2000);

/** What the Settings page may post; anything else is a 400 that writes nothing. */
export const settingsPageInput = z.discriminatedUnion("intent", [
  z.strictObject({
    intent: z.literal("save"),
    form: z.strictObject({
      text: z.strictObject(
        Object.fromEntries(SETTINGS_FORM_NAMES.map((name) => [name, formText])) as Record<
          SettingsFormName,
          typeof formText
        >,
      ),
      quietHours: z.strictObject({ on: z.boolean(), startHour: formText, endHour: formText }),
    }),
  }),
  z.strictObject({ intent: z.literal("sendgridKey"), key: z.string().max(500).nullable() }),
]);
