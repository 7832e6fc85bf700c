// What the merchant may type as an email's wording and the shop's brand, checked before
// anything is stored. Errors carry a code and values; the admin words them in ja/en.
import { z } from "zod";
import { FOOTER_FIELDS, mergeProblems, type MergeField } from "./merge-fields";

export const CONTENT_FIELDS = ["subject", "preheader", "heading", "body", "buttonLabel"] as const;
export type ContentField = (typeof CONTENT_FIELDS)[number];
export const CONTENT_LOCALES = ["ja", "en"] as const;
export type ContentLocale = (typeof CONTENT_LOCALES)[number];

/** "" (or only spaces) means "use the default". */
export type ContentFields = Record<ContentField, string>;
export type ContentDraft = Record<ContentLocale, ContentFields>;

export const BRAND_FIELDS = ["shopName", "logoUrl", "headerColor", "buttonColor", "footerJa", "footerEn"] as const;
export type BrandField = (typeof BRAND_FIELDS)[number];
export type BrandDraft = Record<BrandField, string>;

export type ContentErrorCode =
  "invalid" | "too_long" | "line_break" | "merge_unknown" | "merge_broken" | "colour" | "logo_url";
export interface ContentError {
  /** "ja.subject", "en.body", "brand.logoUrl" … */
  field: string;
  code: ContentErrorCode;
  vars: Record<string, string | number>;
}

const MAX: Record<ContentField, number> = { subject: 150, preheader: 200, heading: 200, body: 5000, buttonLabel: 60 };
const ONE_LINE = new Set<ContentField>(["subject", "preheader", "heading", "buttonLabel"]);
const LINE_BREAK = /[\r\n\u2028\u2029]/;

type IssueSink = {
  addIssue: (issue: {
    code: "custom";
    path: (string | number)[];
    message: string;
    params: Record<string, unknown>;
  }) => void;
};

function report(ctx: IssueSink, path: string[], code: ContentErrorCode, vars: Record<string, string | number> = {}) {
  ctx.addIssue({ code: "custom", path, message: code, params: { code, vars } });
}

function checkText(
  ctx: IssueSink,
  path: string[],
  text: string,
  rules: { max: number; oneLine: boolean; fields: readonly MergeField[] },
) {
  if (text.length > rules.max) report(ctx, path, "too_long", { max: rules.max });
  if (rules.oneLine && LINE_BREAK.test(text)) report(ctx, path, "line_break");
  for (const problem of mergeProblems(text, rules.fields)) {
    if (problem.kind === "unknown")
      report(ctx, path, "merge_unknown", {
        field: `{{${problem.field}}}`,
        allowed: rules.fields.map((f) => `{{${f}}}`).join(" "),
      });
    else report(ctx, path, "merge_broken", { near: problem.near });
  }
}

const text = z.string().max(20_000).default("");
const fieldsSchema = z.strictObject(
  Object.fromEntries(CONTENT_FIELDS.map((f) => [f, text])) as Record<ContentField, typeof text>,
);

/** The wording of one scenario in both languages; `fields` are the merge fields that scenario fills. */
export function contentDraftSchema(fields: readonly MergeField[]) {
  return z.strictObject({ ja: fieldsSchema.prefault({}), en: fieldsSchema.prefault({}) }).superRefine((draft, ctx) => {
    for (const locale of CONTENT_LOCALES) {
      for (const field of CONTENT_FIELDS) {
        checkText(ctx, [locale, field], draft[locale][field], {
          max: MAX[field],
          oneLine: ONE_LINE.has(field),
          fields,
        });
      }
    }
  });
}

const HEX = /^#[0-9a-fA-F]{6}$/;

export const brandDraftSchema = z
  .strictObject(Object.fromEntries(BRAND_FIELDS.map((f) => [f, text])) as Record<BrandField, typeof text>)
  .superRefine((brand, ctx) => {
    checkText(ctx, ["shopName"], brand.shopName, { max: 100, oneLine: true, fields: [] });
    for (const colour of ["headerColor", "buttonColor"] as const) {
      if (brand[colour].trim() && !HEX.test(brand[colour].trim())) report(ctx, [colour], "colour");
    }
    const logo = brand.logoUrl.trim();
    if (logo && !isHttpsUrl(logo)) report(ctx, ["logoUrl"], "logo_url");
    for (const footer of ["footerJa", "footerEn"] as const)
      checkText(ctx, [footer], brand[footer], { max: 500, oneLine: false, fields: FOOTER_FIELDS });
  });

function isHttpsUrl(value: string): boolean {
  if (value.length > 2000 || /\s/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" && url.hostname.length > 0;
  } catch {
    return false;
  }
}

/** zod's issues as the admin shows them; `prefix` names the group ("brand"). */
export function contentErrors(issues: z.core.$ZodIssue[], prefix?: string): ContentError[] {
  return issues.map((issue) => {
    const params = (issue as { params?: { code?: ContentErrorCode; vars?: Record<string, string | number> } }).params;
    const field = [prefix, ...issue.path.map(String)].filter(Boolean).join(".");
    return { field, code: params?.code ?? "invalid", vars: params?.vars ?? {} };
  });
}

/** Stored form: a blank field is null (the default); everything else trimmed as typed. */
export function storedValue(value: string): string | null {
  const trimmed = value.trim();
  return trimmed ? trimmed : null;
}
