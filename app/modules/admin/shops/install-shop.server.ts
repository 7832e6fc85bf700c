import type { Db } from "~/db.server";

export const LOCAL_ACCESS_TOKEN = "local-shop-placeholder-token";

/** OAuth finished (or a re-install): the shop is active again. */
export async function onShopInstalled(input: {
  db: Db;
  domain: string;
  scopes: string | null;
}): Promise<{ shopId: string }> {
  const shop = await input.db.shop.upsert({
    where: { domain: input.domain },
    create: { domain: input.domain, scopes: input.scopes },
    update: { uninstalledAt: null, scopes: input.scopes },
  });
  return { shopId: shop.id };
}

/**
 * A local shop: no real Shopify behind it. It gets an offline session with a placeholder
 * token so its webhooks are accepted, and its Admin API port is the in-process fake.
 */
export async function registerLocalShop(input: {
  db: Db;
  domain: string;
  currency?: string;
  timezone?: string;
  locale?: string;
}): Promise<{ shopId: string; created: boolean }> {
  if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(input.domain)) {
    throw new Error(`"${input.domain}" is not a shop domain: use the form your-store.myshopify.com`);
  }
  return input.db.$transaction(async (tx) => {
    const existing = await tx.shop.findUnique({ where: { domain: input.domain } });
    if (existing && !existing.isLocal) {
      throw new Error(`${input.domain} is installed from Shopify already; a local shop must use another domain`);
    }
    const shop = await tx.shop.upsert({
      where: { domain: input.domain },
      create: {
        domain: input.domain,
        isLocal: true,
        name: input.domain.replace(/\.myshopify\.com$/, ""),
        ...(input.currency ? { currency: input.currency } : {}),
        ...(input.timezone ? { timezone: input.timezone } : {}),
        ...(input.locale ? { locale: input.locale } : {}),
      },
      update: { uninstalledAt: null },
    });
    await tx.session.upsert({
      where: { id: `offline_${input.domain}` },
      create: {
        id: `offline_${input.domain}`,
        shop: input.domain,
        state: "local",
        isOnline: false,
        accessToken: LOCAL_ACCESS_TOKEN,
        scope: "local",
      },
      update: { accessToken: LOCAL_ACCESS_TOKEN },
    });
    return { shopId: shop.id, created: !existing };
  });
}
