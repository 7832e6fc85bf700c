// Merge fields in the merchant's own email wording: {{first_name}}, or {{first_name|fallback}}
// for when the value is unknown. The wording is plain text; the layout escapes the filled
// result, so neither the merchant's text nor a customer's name can inject HTML.
import { formatLocalDay, formatPoints, extraNumber, extraText } from "../templates/points-format";
import type { Locale, TemplateContext } from "../templates/types";

export const MERGE_FIELDS = [
  "first_name",
  "shop_name",
  "products",
  "coupon",
  "points",
  "expiring_points",
  "expiry_date",
] as const;
export type MergeField = (typeof MERGE_FIELDS)[number];

const BASE_FIELDS: MergeField[] = ["first_name", "shop_name", "products"];
const POINTS_FIELDS: MergeField[] = ["points", "expiring_points", "expiry_date"];
const POINTS_SCENARIOS = new Set(["points_statement", "points_expiry"]);

/** The brand footer is the same in every email, so only what every email knows fits there. */
export const FOOTER_FIELDS: MergeField[] = ["shop_name"];

/**
 * Which fields a scenario's email can fill: points figures only in the points emails (no other
 * email carries a balance), the coupon only where the scenario has an incentive setting.
 */
export function mergeFieldsFor(scenario: string, hasIncentive: boolean): MergeField[] {
  return [
    ...BASE_FIELDS,
    ...(hasIncentive ? (["coupon"] as MergeField[]) : []),
    ...(POINTS_SCENARIOS.has(scenario) ? POINTS_FIELDS : []),
  ];
}

const TOKEN = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|([^{}|]*))?\}\}/g;

export type MergeProblem = { kind: "broken"; near: string } | { kind: "unknown"; field: string };

/** Every problem in a text: a brace pair that is not a well-formed field, or a field not allowed here. */
export function mergeProblems(text: string, allowed: readonly string[]): MergeProblem[] {
  const problems: MergeProblem[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const field = match[1]!;
    if (!allowed.includes(field)) problems.push({ kind: "unknown", field });
  }
  const rest = text.replace(TOKEN, "");
  const stray = /\{\{|\}\}|\{|\}/.exec(rest);
  if (stray)
    problems.push({ kind: "broken", near: rest.slice(Math.max(0, stray.index - 10), stray.index + 12).trim() });
  return problems;
}

const FALLBACK: Record<Locale, Partial<Record<MergeField, string>>> = {
  ja: { first_name: "お客様" },
  en: { first_name: "there" },
};

/** What each field says for this recipient; empty when the email has no such value. */
export function mergeValues(ctx: TemplateContext): Record<MergeField, string> {
  const separator = ctx.locale === "ja" ? "、" : ", ";
  const balance =
    extraNumber(ctx.extra, "pointsBalance") ?? (ctx.incentive?.kind === "points" ? ctx.incentive.points : null);
  const expiring = extraNumber(ctx.extra, "expiringPoints");
  const expiringOn = extraText(ctx.extra, "expiringOn");
  return {
    first_name: ctx.customer.firstName?.trim() ?? "",
    shop_name: ctx.shop.name,
    products: ctx.products.map((p) => p.title).join(separator),
    coupon: ctx.incentive?.kind === "coupon" ? ctx.incentive.code : "",
    points: balance !== null ? formatPoints(balance, ctx.locale) : "",
    expiring_points: expiring !== null ? formatPoints(expiring, ctx.locale) : "",
    expiry_date: expiringOn ? formatLocalDay(expiringOn, ctx.locale) : "",
  };
}

/** Fills the fields; an empty value takes the text's own fallback, else Joren's. Unknown fields stay as typed. */
export function fillMergeFields(text: string, values: Record<MergeField, string>, locale: Locale): string {
  return text.replace(TOKEN, (whole, name: string, fallback: string | undefined) => {
    if (!Object.hasOwn(values, name)) return whole;
    const value = values[name as MergeField];
    if (value) return value;
    return fallback?.trim() ?? FALLBACK[locale][name as MergeField] ?? "";
  });
}
