// The shop's email brand (logo, colours, footer, the name customers know): one per shop, used by
// every email the app sends, scenario or transactional. Every query is scoped to the shop.
import type { EmailBrand } from "@prisma/client";
import type { Db } from "~/db.server";
import type { BrandStyle, Locale } from "../templates/types";
import { BRAND_FIELDS, type BrandDraft } from "./email-content-schema";

export function brandDraftOf(row: EmailBrand | null): BrandDraft {
  return Object.fromEntries(BRAND_FIELDS.map((f) => [f, row?.[f] ?? ""])) as BrandDraft;
}

export async function getEmailBrand(db: Db, shopId: string): Promise<BrandDraft> {
  return brandDraftOf(await db.emailBrand.findUnique({ where: { shopId } }));
}

/** The brand as the layout applies it, in one language. */
export function brandStyle(brand: BrandDraft | null, locale: Locale): BrandStyle | undefined {
  if (!brand) return undefined;
  return {
    logoUrl: brand.logoUrl || null,
    headerColor: brand.headerColor || null,
    buttonColor: brand.buttonColor || null,
    footer: (locale === "ja" ? brand.footerJa : brand.footerEn) || null,
  };
}

/** The name customers know: the merchant's own for emails, else Shopify's shop name, else the domain. */
export function emailShopName(shop: { name: string | null; domain: string }, brand: BrandDraft | null): string {
  return brand?.shopName.trim() || shop.name?.trim() || shop.domain.replace(/\.myshopify\.com$/, "");
}
