// The shop's email wording (per scenario and language) and brand (the brand alone is in
// delivery/mail/content/email-brand.server.ts, for mail that is not a scenario's): read for the editor, saved
// after validation, and loaded once per dispatch so every send uses them. Every query is
// scoped to the shop.
import type { Db } from "~/db.server";
import { SCENARIO_SCHEMAS, type ScenarioKey } from "~/modules/engine/scenarios/scenario-settings";
import type { ContentOverrides, Locale } from "../../delivery/mail/templates/types";
import {
  BRAND_FIELDS,
  CONTENT_FIELDS,
  CONTENT_LOCALES,
  brandDraftSchema,
  contentDraftSchema,
  contentErrors,
  storedValue,
  type BrandDraft,
  type ContentDraft,
  type ContentError,
} from "../../delivery/mail/content/email-content-schema";
import { mergeFieldsFor, type MergeField } from "../../delivery/mail/content/merge-fields";
import { brandDraftOf, getEmailBrand } from "../../delivery/mail/content/email-brand.server";

export function mergeFieldsForScenario(key: ScenarioKey): MergeField[] {
  return mergeFieldsFor(key, "incentive" in SCENARIO_SCHEMAS[key].shape);
}

const emptyFields = () => Object.fromEntries(CONTENT_FIELDS.map((f) => [f, ""])) as ContentDraft["ja"];

export async function getEmailContent(db: Db, shopId: string, key: ScenarioKey): Promise<ContentDraft> {
  const rows = await db.emailContent.findMany({ where: { shopId, scenario: key } });
  const draft: ContentDraft = { ja: emptyFields(), en: emptyFields() };
  for (const row of rows) {
    if (row.locale !== "ja" && row.locale !== "en") continue;
    for (const field of CONTENT_FIELDS) draft[row.locale][field] = row[field] ?? "";
  }
  return draft;
}

export type SaveResult = { ok: true; content: ContentDraft; brand: BrandDraft } | { ok: false; errors: ContentError[] };

/**
 * The scenario's wording (both languages) and the shop's brand, saved together in one
 * transaction or not at all. A blank field goes back to the default.
 */
export async function saveEmailDesign(
  db: Db,
  shopId: string,
  key: ScenarioKey,
  input: { content: unknown; brand: unknown },
): Promise<SaveResult> {
  const content = contentDraftSchema(mergeFieldsForScenario(key)).safeParse(input.content);
  const brand = brandDraftSchema.safeParse(input.brand);
  if (!content.success || !brand.success) {
    return {
      ok: false,
      errors: [
        ...(content.success ? [] : contentErrors(content.error.issues)),
        ...(brand.success ? [] : contentErrors(brand.error.issues, "brand")),
      ],
    };
  }
  const brandData = Object.fromEntries(BRAND_FIELDS.map((f) => [f, storedValue(brand.data[f])])) as Record<
    (typeof BRAND_FIELDS)[number],
    string | null
  >;
  await db.$transaction([
    ...CONTENT_LOCALES.map((locale) => {
      const data = Object.fromEntries(CONTENT_FIELDS.map((f) => [f, storedValue(content.data[locale][f])])) as Record<
        (typeof CONTENT_FIELDS)[number],
        string | null
      >;
      return db.emailContent.upsert({
        where: { shopId_scenario_locale: { shopId, scenario: key, locale } },
        create: { shopId, scenario: key, locale, ...data },
        update: data,
      });
    }),
    db.emailBrand.upsert({ where: { shopId }, create: { shopId, ...brandData }, update: brandData }),
  ]);
  const [savedContent, savedBrand] = await Promise.all([getEmailContent(db, shopId, key), getEmailBrand(db, shopId)]);
  return { ok: true, content: savedContent, brand: savedBrand };
}

export function overridesOf(fields: ContentDraft[Locale] | undefined): ContentOverrides | undefined {
  if (!fields) return undefined;
  return Object.values(fields).some((v) => v.trim()) ? fields : undefined;
}

/** Everything a dispatch needs, in two queries per shop. */
export interface ShopEmailLook {
  brand: BrandDraft | null;
  content(scenario: string, locale: Locale): ContentOverrides | undefined;
}

export async function loadShopEmailLook(db: Db, shopId: string): Promise<ShopEmailLook> {
  const [brand, rows] = await Promise.all([
    db.emailBrand.findUnique({ where: { shopId } }),
    db.emailContent.findMany({ where: { shopId } }),
  ]);
  const byKey = new Map(rows.map((row) => [`${row.scenario}|${row.locale}`, row]));
  return {
    brand: brand ? brandDraftOf(brand) : null,
    content(scenario, locale) {
      const row = byKey.get(`${scenario}|${locale}`);
      if (!row) return undefined;
      return overridesOf(Object.fromEntries(CONTENT_FIELDS.map((f) => [f, row[f] ?? ""])) as ContentDraft[Locale]);
    },
  };
}
