// The template context the mail unit tests render with: a Tokyo tea shop, two products, a
// complete sender identity and tracking links that show where they point.
import type { Locale, TemplateContext } from "~/modules/delivery/mail/templates/types";

export const CLICK_PREFIX = "https://joren.example/mail/c?t=";
export const UNSUBSCRIBE_URL = "https://joren.example/mail/u?t=tok&x=1";
export const PIXEL_URL = "https://joren.example/mail/o?t=tok";
export const SHOP_URL = "https://tea.example";

export function templateContext(overrides: Partial<TemplateContext> = {}, locale: Locale = "en"): TemplateContext {
  return {
    locale,
    shop: { name: "Tea & Co", currency: "JPY", url: SHOP_URL, timezone: "Asia/Tokyo" },
    customer: { firstName: "Hana" },
    products: [
      {
        title: "Sencha",
        imageUrl: "https://cdn.shopify.com/s/files/sencha.jpg",
        price: 1_620_000n,
        url: `${SHOP_URL}/products/sencha`,
        quantity: 2,
      },
      { title: "Matcha", imageUrl: null, price: 3_240_000n, url: `${SHOP_URL}/products/matcha` },
    ],
    recoveryUrl: `${SHOP_URL}/checkouts/abc/recover?key=k&x=1`,
    incentive: null,
    sender: { name: "Tea & Co K.K.", postalAddress: "1-2-3 Shibuya, Tokyo 150-0002", contact: "support@tea.example" },
    links: {
      unsubscribeUrl: UNSUBSCRIBE_URL,
      clickUrl: (target) => CLICK_PREFIX + encodeURIComponent(target),
      openPixelUrl: PIXEL_URL,
    },
    ...overrides,
  };
}
