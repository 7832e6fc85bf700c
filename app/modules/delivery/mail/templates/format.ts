import { formatMoney } from "~/lib/money";
import type { MessageIncentive, Locale } from "./types";

export function formatPrice(milli: bigint, currency: string, locale: Locale): string {
  return formatMoney(milli, currency, locale);
}

export function formatDate(date: Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone }).format(date);
}

export function greeting(firstName: string | null, locale: Locale): string {
  const name = firstName?.trim();
  if (locale === "ja") return name ? `${name}様` : "お客様";
  return name ? `Hi ${name},` : "Hello,";
}

/** One line describing the offer, in the customer's language. */
export function incentiveLine(incentive: MessageIncentive, locale: Locale, currency: string, timeZone: string): string {
  if (incentive.kind === "points") {
    const points = new Intl.NumberFormat(locale).format(incentive.points);
    return locale === "ja"
      ? `次回のご注文で${points}ポイントをプレゼントします。`
      : `Earn ${points} bonus points on your next order.`;
  }
  const off =
    incentive.percentOff !== undefined
      ? `${incentive.percentOff}%`
      : formatPrice(incentive.amountOff, currency, locale);
  const until = formatDate(incentive.expiresAt, locale, timeZone);
  return locale === "ja"
    ? `クーポンコード「${incentive.code}」で${off}OFF（${until}まで有効）`
    : `Use code ${incentive.code} for ${off} off, valid until ${until}.`;
}

/** Subjects are one line; a long product title is cut so the subject stays readable. */
export function oneLine(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
