// The storefront birthday form (theme block → app proxy → /proxy/birthday). The route verifies
// the proxy signature; this module decides what the request may do: only a logged-in customer
// (Shopify's logged_in_customer_id, which a visitor cannot forge under a valid signature) may
// register their own birth date, once — a change afterwards goes through the shop, so the yearly
// coupon cannot be farmed by moving the date.
import { z } from "zod";
import type { Db } from "~/db.server";
import { ensureCustomerByGid } from "~/modules/mirror/customers/upsert-customer.server";
import { parseLocalDate } from "~/modules/platform/time/local-dates";
import type { FormLocale } from "~/modules/ingest/storefront/proxy-form.server";

type Words = Record<FormLocale, string>;

export const BIRTHDAY_MESSAGES = {
  saved: {
    ja: "誕生日を登録しました。お誕生日にお祝いのメールをお届けします。",
    en: "Your birthday is saved. We will send you a birthday greeting.",
  },
  unchanged: { ja: "この誕生日はすでに登録されています。", en: "This birthday is already saved." },
  guest: {
    ja: "誕生日を登録するには、ログインしてください。",
    en: "Please log in to your account to save your birthday.",
  },
  conflict: {
    ja: "誕生日はすでに登録されています。変更をご希望の場合はショップにお問い合わせください。",
    en: "Your birthday is already saved. To change it, please contact the shop.",
  },
  invalid: {
    ja: "誕生日を正しく入力してください（例：1990-04-15）。",
    en: "Please enter a valid birth date, e.g. 1990-04-15.",
  },
  unavailable: {
    ja: "現在このショップでは誕生日を登録できません。",
    en: "Birthdays cannot be saved for this shop at the moment.",
  },
} satisfies Record<string, Words>;

export type BirthdayOutcome = keyof typeof BIRTHDAY_MESSAGES;

export const HTTP_STATUS: Record<BirthdayOutcome, number> = {
  saved: 200,
  unchanged: 200,
  guest: 401,
  conflict: 409,
  invalid: 400,
  unavailable: 404,
};

/** A real calendar date, from 1900 up to today (UTC+14, so no shop's "today" is refused). */
export function birthDateSchema(now: Date) {
  return z
    .string()
    .trim()
    .refine((text) => {
      const d = parseLocalDate(text);
      if (!d || d.year < 1900) return false;
      const utc = new Date(Date.UTC(d.year, d.month - 1, d.day));
      const real = utc.getUTCFullYear() === d.year && utc.getUTCMonth() === d.month - 1 && utc.getUTCDate() === d.day;
      return real && utc.getTime() <= now.getTime() + 14 * 3_600_000;
    });
}

export const birthdayFormSchema = z.object({
  birthDate: z.string().max(20),
  locale: z.string().max(20).optional(),
  return_to: z.string().max(500).optional(),
});

export async function saveStorefrontBirthDate(
  db: Db,
  input: { shopDomain: string | null; loggedInCustomerId: string | null; birthDate: string; now: Date },
): Promise<BirthdayOutcome> {
  const customerId = input.loggedInCustomerId?.trim() ?? "";
  if (!/^\d{1,20}$/.test(customerId)) return "guest";
  const parsed = birthDateSchema(input.now).safeParse(input.birthDate);
  if (!parsed.success) return "invalid";
  const shop = input.shopDomain
    ? await db.shop.findUnique({ where: { domain: input.shopDomain }, select: { id: true, uninstalledAt: true } })
    : null;
  if (!shop || shop.uninstalledAt) return "unavailable";
  const gid = `gid://shopify/Customer/${customerId}`;
  return db.$transaction(async (tx) => {
    // a customer not mirrored yet (the webhook is on its way) gets their row now
    const id = await ensureCustomerByGid(tx, { shopId: shop.id, now: input.now }, gid, null);
    const current = await tx.customer.findUniqueOrThrow({ where: { id }, select: { birthDate: true } });
    if (current.birthDate === parsed.data) return "unchanged";
    if (current.birthDate) return "conflict";
    await tx.customer.update({ where: { id }, data: { birthDate: parsed.data } });
    return "saved";
  });
}
