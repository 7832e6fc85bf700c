// What a template needs to render one email. The scenario engine builds it; templates only
// format. Money is bigint milli-units (app/lib/money.ts) in the shop's currency.
export type Locale = "ja" | "en";

export interface TemplateProduct {
  title: string;
  imageUrl: string | null;
  /** unit price, milli-units of the shop currency */
  price: bigint;
  url: string;
  quantity?: number;
}

export type CouponIncentive = {
  kind: "coupon";
  code: string;
  expiresAt: Date;
} & ({ percentOff: number; amountOff?: undefined } | { amountOff: bigint; percentOff?: undefined });

export interface PointsIncentive {
  kind: "points";
  points: number;
}

export type MessageIncentive = CouponIncentive | PointsIncentive;

/** Required in every marketing email by Japan's Specified Electronic Mail Act and CAN-SPAM. */
export interface SenderIdentity {
  name: string;
  postalAddress: string;
  /** where recipients can reach the sender: an email address, phone number or URL */
  contact: string;
}

export interface MessageLinks {
  unsubscribeUrl: string;
  /** wraps a shop URL in a click-tracking redirect; every link to the shop goes through it */
  clickUrl(target: string): string;
  openPixelUrl: string;
}

export interface TemplateContext {
  locale: Locale;
  /** timezone: IANA name, so a coupon's expiry date is the shop's calendar date */
  shop: { name: string; currency: string; url: string; timezone: string };
  customer: { firstName: string | null };
  products: TemplateProduct[];
  /** the checkout's recovery link (cart abandonment) */
  recoveryUrl: string | null;
  incentive: MessageIncentive | null;
  /** scenario-specific facts (points balance, expiring amount and date, …); money as milli-unit strings */
  extra?: MessageExtra;
  sender: SenderIdentity;
  links: MessageLinks;
  /** the merchant's wording for this scenario in ctx.locale; a missing or null field keeps the default */
  content?: ContentOverrides;
  brand?: BrandStyle;
}

/** Plain text with merge fields ({{first_name}}, app/modules/delivery/mail/content/merge-fields.ts). */
export interface ContentOverrides {
  subject?: string | null;
  preheader?: string | null;
  heading?: string | null;
  /** paragraphs separated by a blank line */
  body?: string | null;
  buttonLabel?: string | null;
}

/** The shop's brand, the same in every email. Colours are "#rrggbb", the logo an https URL. */
export interface BrandStyle {
  logoUrl: string | null;
  headerColor: string | null;
  buttonColor: string | null;
  /** an extra footer line in ctx.locale */
  footer: string | null;
}

export type MessageExtra = Record<string, string | number | null>;

export interface RenderedMessage {
  subject: string;
  preheader: string;
  html: string;
  text: string;
  /** Joren's own wording for this recipient, before the merchant's (the editor shows it as the default) */
  defaults: Record<keyof ContentOverrides, string>;
}

export type Template = (ctx: TemplateContext) => RenderedMessage;
