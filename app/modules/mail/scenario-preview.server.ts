// The admin's email preview and test send for one scenario: the scenario's own template, filled
// with the merchant's sender identity, the scenario's incentive and sample products from the
// mirror. A preview carries no tracking (no signed links, no open pixel), so looking at it never
// counts as an open or a click; a test send goes through the shop's real transport.
import { randomUUID } from "node:crypto";
import type { Db } from "~/db.server";
import { engineDepsForShop } from "~/modules/engine/engine-deps.server";
import { productsForEmail } from "~/modules/scenarios/catalog-products.server";
import { getScenarioConfig } from "~/modules/scenarios/scenario-config.server";
import type { ScenarioKey } from "~/modules/settings/scenario-settings";
import { isSenderIdentityComplete, type ShopSettings } from "~/modules/settings/shop-settings";
import { getShopSettings } from "~/modules/shops/shop-settings.server";
import { listUnsubscribeHeaders } from "./headers";
import { buildMessageLinks } from "./links.server";
import { hasTemplate, renderMessage, type Locale, type MessageIncentive, type MessageLinks, type RenderedMessage, type TemplateContext, type TemplateProduct } from "./render-message";
import type { OutgoingMessage } from "./transport";

const SAMPLE_PRODUCT_COUNT = 3;
const TRANSPARENT_GIF = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
const DAY = 86_400_000;

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

const PLACEHOLDER: Record<Locale, { product: string; name: string; address: string; contact: string }> = {
  ja: { product: "サンプル商品", name: "（送信者名）", address: "（住所：設定画面で入力してください）", contact: "（問い合わせ先）" },
  en: { product: "Sample product", name: "(sender name)", address: "(postal address: add it in Settings)", contact: "(contact)" },
};

/** The newest active products of the mirror, as the emails show them. */
async function sampleProducts(db: Db, shopId: string, storefrontUrl: string): Promise<TemplateProduct[]> {
  const products = await db.product.findMany({
    where: { shopId, deletedAt: null, OR: [{ status: null }, { status: "active" }], variants: { some: {} } },
    orderBy: [{ updatedAt: "desc" }, { id: "asc" }],
    take: SAMPLE_PRODUCT_COUNT,
    select: { gid: true },
  });
  return productsForEmail(db, shopId, products.map((p) => ({ productGid: p.gid })), storefrontUrl);
}

function placeholderProducts(locale: Locale, storefrontUrl: string): TemplateProduct[] {
  return [1, 2].map((n) => ({ title: `${PLACEHOLDER[locale].product} ${n}`, imageUrl: null, price: BigInt(n * 1_500_000), url: `${storefrontUrl}/products` }));
}

function sampleIncentive(settings: unknown, now: Date): MessageIncentive | null {
  const incentive = (settings as { incentive?: { kind: string; value: number; expiresDays: number } }).incentive;
  if (!incentive) return null;
  const expiresAt = new Date(now.getTime() + incentive.expiresDays * DAY);
  if (incentive.kind === "percent") return { kind: "coupon", code: "JOREN-SAMPLE", percentOff: incentive.value, expiresAt };
  if (incentive.kind === "amount") return { kind: "coupon", code: "JOREN-SAMPLE", amountOff: BigInt(Math.round(incentive.value * 1000)), expiresAt };
  if (incentive.kind === "points") return { kind: "points", points: incentive.value };
  return null;
}

function context(input: {
  locale: Locale;
  shop: ShopForMail;
  settings: ShopSettings;
  timezone: string;
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
    shop: { name: input.shop.name ?? input.shop.domain, currency: input.shop.currency, url: storefrontUrl, timezone: input.timezone },
    customer: { firstName: input.locale === "ja" ? "花子" : "Hana" },
    products: input.products,
    recoveryUrl: `${storefrontUrl}/checkouts/sample`,
    incentive: input.incentive,
    sender: {
      name: sender.name ?? (input.placeholders ? fill.name : ""),
      postalAddress: sender.postalAddress ?? (input.placeholders ? fill.address : ""),
      contact: sender.contact ?? (input.placeholders ? fill.contact : ""),
    },
    links: input.links,
  };
}

async function loadShop(db: Db, shopId: string): Promise<ShopForMail> {
  return db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { id: true, domain: true, name: true, currency: true, locale: true } });
}

/** Both languages of the scenario's email; null when the scenario has no template yet. */
export async function previewScenarioEmails(db: Db, shopId: string, key: ScenarioKey, now: Date): Promise<ScenarioPreview | null> {
  if (!hasTemplate(key)) return null;
  const [shop, { settings, timezone }, config] = await Promise.all([loadShop(db, shopId), getShopSettings(db, shopId), getScenarioConfig(db, shopId, key)]);
  const storefrontUrl = `https://${shop.domain}`;
  const mirrored = await sampleProducts(db, shopId, storefrontUrl);
  const links: MessageLinks = { unsubscribeUrl: `${storefrontUrl}#unsubscribe`, clickUrl: (target) => target, openPixelUrl: TRANSPARENT_GIF };
  const incentive = sampleIncentive(config.settings, now);
  const render = (locale: Locale) =>
    renderMessage(key, context({ locale, shop, settings, timezone, products: mirrored.length > 0 ? mirrored : placeholderProducts(locale, storefrontUrl), incentive, links, placeholders: true }));
  return { ja: render("ja"), en: render("en"), products: mirrored.length > 0 ? "mirror" : "placeholder", senderComplete: isSenderIdentityComplete(settings) };
}

export type TestSendResult =
  | { ok: true; to: string; transport: string }
  | { ok: false; problem: "no_template" | "sender_incomplete" | "provider_unavailable" | "refused"; detail?: string };

/**
 * Sends the scenario's email once to the sender's own address through the shop's transport
 * (SendGrid, or the local outbox). Not a ledger row: it reaches no customer and counts nowhere.
 */
export async function sendTestEmail(
  db: Db,
  domain: string,
  key: ScenarioKey,
  options: { locale: Locale; now: Date; env?: NodeJS.ProcessEnv },
): Promise<TestSendResult> {
  if (!hasTemplate(key)) return { ok: false, problem: "no_template" };
  const deps = await engineDepsForShop(db, domain, options.env);
  const [shop, { settings, timezone }, config] = await Promise.all([loadShop(db, deps.shopId), getShopSettings(db, deps.shopId), getScenarioConfig(db, deps.shopId, key)]);
  if (!isSenderIdentityComplete(settings) || !settings.sender.email) return { ok: false, problem: "sender_incomplete" };
  const storefrontUrl = `https://${shop.domain}`;
  const messageId = `test-${randomUUID()}`;
  const links = buildMessageLinks({ appUrl: deps.appUrl, secret: deps.mailSecret, shopId: shop.id, messageId, customerId: "test-send", now: options.now });
  const mirrored = await sampleProducts(db, shop.id, storefrontUrl);
  const rendered = renderMessage(
    key,
    context({
      locale: options.locale,
      shop,
      settings,
      timezone,
      products: mirrored.length > 0 ? mirrored : placeholderProducts(options.locale, storefrontUrl),
      incentive: sampleIncentive(config.settings, options.now),
      links,
      placeholders: false,
    }),
  );
  const prefix = options.locale === "ja" ? "[テスト] " : "[Test] ";
  const message: OutgoingMessage = {
    messageId,
    to: { email: settings.sender.email },
    from: { email: settings.sender.email, name: settings.sender.name ?? shop.domain },
    subject: prefix + rendered.subject,
    html: rendered.html,
    text: rendered.text,
    headers: { ...listUnsubscribeHeaders(links.unsubscribeUrl) },
    customArgs: { shop_id: shop.id, scenario: key },
    categories: ["joren", "test", key],
  };
  const [result] = await deps.transport.send([message]);
  if (result?.status === "sent") return { ok: true, to: settings.sender.email, transport: deps.transportName };
  if (result?.status === "retry") return { ok: false, problem: "provider_unavailable" };
  return { ok: false, problem: "refused", detail: result?.status === "failed" ? result.error : "no result" };
}
