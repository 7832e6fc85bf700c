// The admin's email preview and test send for one scenario: the scenario's own template with
// the merchant's wording and brand, the sender identity, the scenario's incentive and products
// from the mirror. A preview carries no tracking (no signed links, no open pixel), so looking at
// it never counts as an open or a click; a test send goes through the shop's real transport.
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { engineDepsForShop } from "~/modules/engine/engine-deps.server";
import { pointsBalance } from "~/modules/mirror/points/points-ledger.server";
import { productsForEmail } from "~/modules/delivery/mail/catalog-products.server";
import { formatLocalDate, localDate } from "~/modules/platform/time/local-dates";
import { getScenarioConfig } from "~/modules/engine/scenarios/scenario-config.server";
import type { ScenarioKey } from "~/modules/engine/scenarios/scenario-settings";
import { isSenderIdentityComplete, type ShopSettings } from "~/modules/platform/settings/shop-settings";
import { getShopSettings } from "~/modules/platform/settings/shop-settings.server";
import { getEmailContent, mergeFieldsForScenario, overridesOf } from "../../engine/scenarios/email-content.server";
import { brandStyle, emailShopName, getEmailBrand } from "~/modules/delivery/mail/content/email-brand.server";
import {
  brandDraftSchema,
  contentDraftSchema,
  contentErrors,
  type BrandDraft,
  type ContentDraft,
  type ContentError,
} from "../../delivery/mail/content/email-content-schema";
import { listUnsubscribeHeaders } from "../../delivery/mail/headers";
import { buildMessageLinks } from "../../delivery/mail/links.server";
import { hasTemplate, renderMessage } from "../../engine/scenarios/render-message";
import type {
  Locale,
  MessageExtra,
  MessageIncentive,
  MessageLinks,
  RenderedMessage,
  TemplateContext,
  TemplateProduct,
} from "~/modules/delivery/mail/templates/types";
import type { OutgoingMessage } from "../../delivery/mail/transport";

const SAMPLE_PRODUCT_COUNT = 3;
const TRANSPARENT_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
const DAY = 86_400_000;
/** test sends per shop per hour: enough to try wording, too few to use the admin as a mailer */
export const TEST_SENDS_PER_HOUR = 10;
const POINTS_SCENARIOS = new Set<string>(["points_statement", "points_expiry"]);

export interface ScenarioPreview {
  ja: RenderedMessage;
  en: RenderedMessage;
  /** mirror: the shop's own products; placeholder: the mirror holds none yet */
  products: "mirror" | "placeholder";
  senderComplete: boolean;
}

interface ShopForMail {
  id: string;
  domain: string;
  name: string | null;
  currency: string;
  locale: string;
}

/** Who the email is rendered for: the preview's sample person, or a real customer of the mirror. */
interface Recipient {
  firstName: Record<Locale, string | null>;
  extra: MessageExtra | undefined;
  products: TemplateProduct[] | null;
}

const PLACEHOLDER: Record<Locale, { product: string; name: string; address: string; contact: string }> = {
  ja: {
    product: "サンプル商品",
    name: "（送信者名）",
    address: "（住所：設定画面で入力してください）",
    contact: "（問い合わせ先）",
  },
  en: {
    product: "Sample product",
    name: "(sender name)",
    address: "(postal address: add it in Settings)",
    contact: "(contact)",
  },
};

/** The newest active products of the mirror, as the emails show them. */
async function sampleProducts(db: Db, shopId: string, storefrontUrl: string): Promise<TemplateProduct[]> {
  const products = await db.product.findMany({
    where: { shopId, deletedAt: null, OR: [{ status: null }, { status: "active" }], variants: { some: {} } },
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
    take: SAMPLE_PRODUCT_COUNT,
    select: { gid: true },
  });
  return productsForEmail(
    db,
    shopId,
    products.map((p) => ({ productGid: p.gid })),
    storefrontUrl,
  );
}

function placeholderProducts(locale: Locale, storefrontUrl: string): TemplateProduct[] {
  return [1, 2].map((n) => ({
    title: `${PLACEHOLDER[locale].product} ${n}`,
    imageUrl: null,
    price: BigInt(n * 1_500_000),
    url: `${storefrontUrl}/products`,
  }));
}

function sampleIncentive(settings: unknown, now: Date): MessageIncentive | null {
  const incentive = (settings as { incentive?: { kind: string; value: number; expiresDays: number } }).incentive;
  if (!incentive) return null;
  const expiresAt = new Date(now.getTime() + incentive.expiresDays * DAY);
  if (incentive.kind === "percent")
    return { kind: "coupon", code: "JOREN-SAMPLE", percentOff: incentive.value, expiresAt };
  if (incentive.kind === "amount")
    return { kind: "coupon", code: "JOREN-SAMPLE", amountOff: BigInt(Math.round(incentive.value * 1000)), expiresAt };
  if (incentive.kind === "points") return { kind: "points", points: incentive.value };
  return null;
}

/** A points email about nothing looks broken: the sample person holds points, some expiring in 30 days. */
function samplePointsExtra(key: ScenarioKey, now: Date, timezone: string): MessageExtra | undefined {
  if (!POINTS_SCENARIOS.has(key)) return undefined;
  return {
    pointsBalance: 1250,
    expiringPoints: 300,
    expiringOn: formatLocalDate(localDate(new Date(now.getTime() + 30 * DAY), timezone)),
  };
}

const SAMPLE_PERSON = (key: ScenarioKey, now: Date, timezone: string): Recipient => ({
  firstName: { ja: "花子", en: "Hana" },
  extra: samplePointsExtra(key, now, timezone),
  products: null,
});

function context(input: {
  locale: Locale;
  shop: ShopForMail;
  brand: BrandDraft;
  content: ContentDraft;
  settings: ShopSettings;
  timezone: string;
  recipient: Recipient;
  products: TemplateProduct[];
  incentive: MessageIncentive | null;
  links: MessageLinks;
  placeholders: boolean;
}): TemplateContext {
  const storefrontUrl = `https://${input.shop.domain}`;
  const sender = input.settings.sender;
  const fill = PLACEHOLDER[input.locale];
  return {
    locale: input.locale,
    shop: {
      name: emailShopName(input.shop, input.brand),
      currency: input.shop.currency,
      url: storefrontUrl,
      timezone: input.timezone,
    },
    customer: { firstName: input.recipient.firstName[input.locale] },
    products: input.recipient.products ?? input.products,
    recoveryUrl: `${storefrontUrl}/checkouts/sample`,
    incentive: input.incentive,
    ...(input.recipient.extra ? { extra: input.recipient.extra } : {}),
    sender: {
      name: sender.name ?? (input.placeholders ? fill.name : ""),
      postalAddress: sender.postalAddress ?? (input.placeholders ? fill.address : ""),
      contact: sender.contact ?? (input.placeholders ? fill.contact : ""),
    },
    links: input.links,
    content: overridesOf(input.content[input.locale]),
    brand: brandStyle(input.brand, input.locale),
  };
}

async function loadShop(db: Db, shopId: string): Promise<ShopForMail> {
  return db.shop.findUniqueOrThrow({
    where: { id: shopId },
    select: { id: true, domain: true, name: true, currency: true, locale: true },
  });
}

/** The editor's unsaved wording and brand, checked as a save would check them. */
export interface PreviewDraft {
  content?: unknown;
  brand?: unknown;
}

export type PreviewResult = { ok: true; preview: ScenarioPreview } | { ok: false; errors: ContentError[] };

/** Both languages of the scenario's email; null when the scenario has no template yet. */
export async function previewScenarioEmails(
  db: Db,
  shopId: string,
  key: ScenarioKey,
  now: Date,
): Promise<ScenarioPreview | null> {
  const result = await previewWithDraft(db, shopId, key, now, {});
  return result && result.ok ? result.preview : null;
}

/** The preview as the editor's draft would make it (stored wording where the draft says nothing). */
export async function previewWithDraft(
  db: Db,
  shopId: string,
  key: ScenarioKey,
  now: Date,
  draft: PreviewDraft,
): Promise<PreviewResult | null> {
  if (!hasTemplate(key)) return null;
  const [shop, { settings, timezone }, config, storedContent, storedBrand] = await Promise.all([
    loadShop(db, shopId),
    getShopSettings(db, shopId),
    getScenarioConfig(db, shopId, key),
    draft.content === undefined ? getEmailContent(db, shopId, key) : null,
    draft.brand === undefined ? getEmailBrand(db, shopId) : null,
  ]);
  const content = storedContent ?? contentDraftSchema(mergeFieldsForScenario(key)).safeParse(draft.content);
  const brand = storedBrand ?? brandDraftSchema.safeParse(draft.brand);
  const errors = [
    ...("success" in content && !content.success ? contentErrors(content.error.issues) : []),
    ...("success" in brand && !brand.success ? contentErrors(brand.error.issues, "brand") : []),
  ];
  if (errors.length > 0) return { ok: false, errors };
  const contentDraft = ("success" in content ? content.data : content) as ContentDraft;
  const brandDraft = ("success" in brand ? brand.data : brand) as BrandDraft;
  const storefrontUrl = `https://${shop.domain}`;
  const mirrored = await sampleProducts(db, shopId, storefrontUrl);
  const links: MessageLinks = {
    unsubscribeUrl: `${storefrontUrl}#unsubscribe`,
    clickUrl: (target) => target,
    openPixelUrl: TRANSPARENT_GIF,
  };
  const incentive = sampleIncentive(config.settings, now);
  const recipient = SAMPLE_PERSON(key, now, timezone);
  const render = (locale: Locale) =>
    renderMessage(
      key,
      context({
        locale,
        shop,
        brand: brandDraft,
        content: contentDraft,
        settings,
        timezone,
        recipient,
        products: mirrored.length > 0 ? mirrored : placeholderProducts(locale, storefrontUrl),
        incentive,
        links,
        placeholders: true,
      }),
    );
  return {
    ok: true,
    preview: {
      ja: render("ja"),
      en: render("en"),
      products: mirrored.length > 0 ? "mirror" : "placeholder",
      senderComplete: isSenderIdentityComplete(settings),
    },
  };
}

/**
 * A mirror customer as the test email's recipient-to-be: their first name, their points (the
 * sample figures when they hold none, so a points email still reads as one) and what they
 * last ordered. Scoped to the shop; redacted people are not offered.
 */
async function mirrorRecipient(
  db: Db,
  shopId: string,
  customerId: string,
  key: ScenarioKey,
  now: Date,
  timezone: string,
  storefrontUrl: string,
): Promise<Recipient | null> {
  const customer = await db.customer.findFirst({
    where: { id: customerId, shopId, redactedAt: null },
    select: { id: true, firstName: true },
  });
  if (!customer) return null;
  const [balances, lines] = await Promise.all([
    pointsBalance(db, shopId, [customer.id], now),
    db.orderLine.findMany({
      where: { shopId, order: { customerId: customer.id }, productGid: { not: null } },
      orderBy: [{ order: { shopifyCreatedAt: "desc" } }, { id: "asc" }],
      take: 10,
      select: { productGid: true },
    }),
  ]);
  const balance = balances.get(customer.id);
  const extra =
    POINTS_SCENARIOS.has(key) && balance && balance.balance > 0
      ? {
          pointsBalance: balance.balance,
          expiringPoints: balance.nextExpiry?.points ?? null,
          expiringOn: balance.nextExpiry ? formatLocalDate(localDate(balance.nextExpiry.at, timezone)) : null,
        }
      : samplePointsExtra(key, now, timezone);
  const gids = [...new Set(lines.map((l) => l.productGid))].slice(0, SAMPLE_PRODUCT_COUNT);
  const products = await productsForEmail(
    db,
    shopId,
    gids.map((productGid) => ({ productGid })),
    storefrontUrl,
  );
  return {
    firstName: { ja: customer.firstName, en: customer.firstName },
    extra,
    products: products.length > 0 ? products : null,
  };
}

export type TestSendResult =
  | { ok: true; to: string; transport: string }
  | {
      ok: false;
      problem:
        "no_template" | "sender_incomplete" | "provider_unavailable" | "refused" | "rate_limited" | "unknown_customer";
      detail?: string;
    };

/**
 * Sends the scenario's email once to the address the merchant typed, through the shop's
 * transport (SendGrid, or the local outbox), rendered in the chosen language for the chosen
 * customer (or the sample person). It is not a ledger row: it reaches no customer, counts in no
 * report, and its coupon code is the sample one — no discount is created in Shopify, so a test
 * can never hand out a working code. Rate-limited per shop across instances (EmailTestSend).
 */
export async function sendTestEmail(
  db: Db,
  domain: string,
  key: ScenarioKey,
  options: { locale: Locale; now: Date; to?: string; customerId?: string | null; env?: NodeJS.ProcessEnv },
): Promise<TestSendResult> {
  if (!hasTemplate(key)) return { ok: false, problem: "no_template" };
  const deps = await engineDepsForShop(db, domain, options.env);
  const [shop, { settings, timezone }, config, content, brand] = await Promise.all([
    loadShop(db, deps.shopId),
    getShopSettings(db, deps.shopId),
    getScenarioConfig(db, deps.shopId, key),
    getEmailContent(db, deps.shopId, key),
    getEmailBrand(db, deps.shopId),
  ]);
  if (!isSenderIdentityComplete(settings) || !settings.sender.email) return { ok: false, problem: "sender_incomplete" };
  const to = options.to?.trim() || settings.sender.email;
  const storefrontUrl = `https://${shop.domain}`;
  const recipient = options.customerId
    ? await mirrorRecipient(db, shop.id, options.customerId, key, options.now, timezone, storefrontUrl)
    : SAMPLE_PERSON(key, options.now, timezone);
  if (!recipient) return { ok: false, problem: "unknown_customer" };
  // Count first, then check: two concurrent sends cannot both slip under the limit.
  const attempt = await db.emailTestSend.create({ data: { shopId: shop.id, scenario: key, sentAt: options.now } });
  const recent = await db.emailTestSend.count({
    where: { shopId: shop.id, sentAt: { gt: new Date(options.now.getTime() - 3_600_000), lte: options.now } },
  });
  if (recent > TEST_SENDS_PER_HOUR) {
    await db.emailTestSend.deleteMany({ where: { id: attempt.id, shopId: shop.id } });
    return { ok: false, problem: "rate_limited" };
  }
  const messageId = `test-${randomUUID()}`;
  const links = buildMessageLinks({
    appUrl: deps.appUrl,
    secret: deps.mailSecret,
    shopId: shop.id,
    messageId,
    customerId: "test-send",
    now: options.now,
  });
  const mirrored = recipient.products ? [] : await sampleProducts(db, shop.id, storefrontUrl);
  const rendered = renderMessage(
    key,
    context({
      locale: options.locale,
      shop,
      brand,
      content,
      settings,
      timezone,
      recipient,
      products: mirrored.length > 0 ? mirrored : placeholderProducts(options.locale, storefrontUrl),
      incentive: sampleIncentive(config.settings, options.now),
      links,
      placeholders: false,
    }),
  );
  const prefix = options.locale === "ja" ? "[テスト] " : "[Test] ";
  const message: OutgoingMessage = {
    messageId,
    to: { email: to },
    from: { email: settings.sender.email, name: settings.sender.name ?? shop.domain },
    subject: prefix + rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: { ...listUnsubscribeHeaders(links.unsubscribeUrl) },
    customArgs: { shop_id: shop.id, scenario: key, joren_test: "1" },
    categories: ["joren", "test", key],
  };
  const [result] = await deps.transport.send([message]);
  if (result?.status === "sent") return { ok: true, to, transport: deps.transportName };
  if (result?.status === "retry") return { ok: false, problem: "provider_unavailable" };
  return { ok: false, problem: "refused", detail: result?.status === "failed" ? result.error : "no result" };
}
