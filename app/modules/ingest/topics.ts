// Every webhook topic Joren subscribes to: its payload schema (validation + normalisation) and
// the domain function that applies it. shopify.app.toml declares the same list; a test checks
// that they agree.
import type { z } from "zod";
import type { Db, Tx } from "~/db.server";
import { deleteCheckout, recordCheckout } from "~/modules/mirror/checkouts/record-checkout.server";
import { deleteProduct, recordProduct } from "~/modules/mirror/catalog/record-product.server";
import { recordInventoryLevel } from "~/modules/mirror/catalog/record-inventory-level.server";
import { exportCustomerData } from "~/modules/mirror/compliance/export-customer-data.server";
import { redactCustomer } from "~/modules/ingest/compliance/redact-customer.server";
import {
  eraseFreedPages,
  isCustomerTombstoned,
  personOfRecord,
  type PersonRef,
} from "~/modules/mirror/compliance/tombstones.server";
import { markCustomerDeleted, mergeCustomers } from "~/modules/mirror/customers/merge-customers.server";
import { recordEmailConsent } from "~/modules/mirror/customers/record-consent.server";
import { recomputeCustomerRollups } from "~/modules/mirror/customers/recompute-rollups.server";
import { ensureCustomerByGid, upsertCustomer } from "~/modules/mirror/customers/upsert-customer.server";
import { deleteOrder, recordOrder } from "~/modules/mirror/orders/record-order.server";
import { recordRefund } from "~/modules/mirror/orders/record-refund.server";
import { redactShop, uninstallShop } from "~/modules/mirror/uninstall-shop.server";
import { checkoutDeletePayload, checkoutPayload } from "./normalize/checkout";
import {
  anyPayload,
  customerRedactPayload,
  dataRequestPayload,
  sameShopDomain,
  shopRedactPayload,
} from "./normalize/compliance";
import { consentPayload, customerDeletePayload, customerPayload, mergePayload } from "./normalize/customer";
import { orderDeletePayload, orderPayload, refundPayload } from "./normalize/order";
import { inventoryLevelPayload, productDeletePayload, productPayload } from "./normalize/product";
import type { ShopScope } from "../mirror/types";

export interface TopicContext extends ShopScope {
  shopDomain: string;
}

/** What applying a webhook came to: stored, or skipped with a reason the inbox records. */
export type ApplyOutcome = { status: "done"; note?: string } | { status: "skipped"; reason: string };

/** Thrown when a webhook depends on a record not mirrored yet (e.g. a refund before its order). */
export class RetryLater extends Error {}

interface TopicDefinition<S extends z.ZodType> {
  schema: S;
  /** compliance and uninstall topics are accepted for shops that are no longer installed */
  whenUninstalled?: boolean;
  apply(tx: Tx, ctx: TopicContext, data: z.output<S>): Promise<ApplyOutcome>;
  /** after the apply transaction committed ("done"): work that cannot run inside it */
  afterCommit?(db: Db): Promise<void>;
}

function topic<S extends z.ZodType>(definition: TopicDefinition<S>): TopicDefinition<S> {
  return definition;
}

const done = (note?: string): ApplyOutcome => ({ status: "done", ...(note ? { note } : {}) });
const skipped = (reason: string): ApplyOutcome => ({ status: "skipped", reason });

const REDACTED = "the customer was redacted; a webhook not newer than the redaction does not bring them back";

/**
 * A topic whose payload is upserted if newer: stored, or skipped as older than what we hold —
 * or as naming a redacted person (`person`: who the record is about, and as of when).
 */
function upsertTopic<S extends z.ZodType>(
  schema: S,
  record: string,
  write: (tx: Tx, ctx: TopicContext, data: z.output<S>) => Promise<{ applied: boolean }>,
  person?: (data: z.output<S>) => PersonRef,
) {
  return topic({
    schema,
    async apply(tx, ctx, data) {
      if (person && (await isCustomerTombstoned(tx, ctx.shopId, person(data)))) return skipped(REDACTED);
      return (await write(tx, ctx, data)).applied ? done() : skipped(`older than the stored ${record}`);
    },
  });
}

const upsertOrderTopic = upsertTopic(orderPayload, "order", recordOrder, personOfRecord);
const upsertCheckoutTopic = upsertTopic(checkoutPayload, "checkout", recordCheckout, personOfRecord);
const upsertCustomerTopic = upsertTopic(
  customerPayload,
  "customer",
  (tx, ctx, customer) => upsertCustomer(tx, ctx, customer),
  (c) => personOfRecord({ ...c, customerGid: c.gid }),
);
const upsertProductTopic = upsertTopic(productPayload, "product", recordProduct);

export const TOPICS = {
  "app/uninstalled": topic({
    schema: anyPayload,
    whenUninstalled: true,
    async apply(tx, ctx) {
      await uninstallShop(tx, ctx.shopId, ctx.shopDomain, ctx.now);
      return done();
    },
  }),
  "app/scopes_update": topic({
    schema: anyPayload,
    async apply(tx, ctx, payload) {
      const current = (payload as { current?: unknown }).current;
      const scopes = Array.isArray(current)
        ? current.filter((s): s is string => typeof s === "string").join(",")
        : null;
      if (scopes !== null) await tx.shop.update({ where: { id: ctx.shopId }, data: { scopes } });
      return done();
    },
  }),
  "orders/create": upsertOrderTopic,
  "orders/updated": upsertOrderTopic,
  "orders/paid": upsertOrderTopic,
  "orders/cancelled": upsertOrderTopic,
  "orders/delete": topic({
    schema: orderDeletePayload,
    async apply(tx, ctx, { gid }) {
      return (await deleteOrder(tx, ctx, gid)) ? done() : skipped("order not mirrored");
    },
  }),
  "refunds/create": topic({
    schema: refundPayload,
    async apply(tx, ctx, { orderGid, refund }) {
      const order = await tx.order.findUnique({
        where: { shopId_gid: { shopId: ctx.shopId, gid: orderGid } },
        select: { id: true, customerId: true },
      });
      if (!order) throw new RetryLater(`order ${orderGid} is not mirrored yet`);
      const stored = await recordRefund(tx, ctx, order.id, refund);
      if (stored && order.customerId) await recomputeCustomerRollups(tx, ctx, order.customerId);
      return stored ? done() : skipped("refund already recorded");
    },
  }),
  "checkouts/create": upsertCheckoutTopic,
  "checkouts/update": upsertCheckoutTopic,
  "checkouts/delete": topic({
    schema: checkoutDeletePayload,
    async apply(tx, ctx, ref) {
      return (await deleteCheckout(tx, ctx, ref)) > 0 ? done() : skipped("checkout not mirrored");
    },
  }),
  "customers/create": upsertCustomerTopic,
  "customers/update": upsertCustomerTopic,
  "customers/delete": topic({
    schema: customerDeletePayload,
    async apply(tx, ctx, { gid }) {
      return (await markCustomerDeleted(tx, ctx, gid)) ? done() : skipped("customer not mirrored");
    },
  }),
  "customers/merge": topic({
    schema: mergePayload,
    async apply(tx, ctx, merge) {
      if (merge.status !== "completed") return skipped(`merge status ${merge.status}`);
      if (!merge.keptGid || !merge.deletedGid) return skipped("merge without both customer ids");
      return (await mergeCustomers(tx, ctx, merge.keptGid, merge.deletedGid))
        ? done()
        : skipped("merged customer not mirrored");
    },
  }),
  "customers_email_marketing_consent/update": topic({
    schema: consentPayload,
    async apply(tx, ctx, { consent, ...input }) {
      if (
        await isCustomerTombstoned(tx, ctx.shopId, {
          customerGid: input.customerGid,
          email: input.email,
          at: consent?.updatedAt ?? null,
        })
      )
        return skipped(REDACTED);
      if (!consent) {
        await ensureCustomerByGid(tx, ctx, input.customerGid, input.email);
        return skipped("no consent state in the payload (null): the stored consent stays as it is");
      }
      return (await recordEmailConsent(tx, ctx, { ...input, consent }))
        ? done()
        : skipped("consent not newer than the stored one");
    },
  }),
  "products/create": upsertProductTopic,
  "products/update": upsertProductTopic,
  "products/delete": topic({
    schema: productDeletePayload,
    async apply(tx, ctx, { gid }) {
      return (await deleteProduct(tx, ctx, gid)) ? done() : skipped("product not mirrored");
    },
  }),
  "inventory_levels/update": topic({
    schema: inventoryLevelPayload,
    async apply(tx, ctx, level) {
      if (!level) return skipped("the payload names no inventory item or location (Shopify's example payload is {})");
      return (await recordInventoryLevel(tx, ctx, level)) ? done() : skipped("older than the stored level");
    },
  }),
  "customers/data_request": topic({
    schema: dataRequestPayload,
    whenUninstalled: true,
    async apply(tx, ctx, input) {
      if (!sameShopDomain(input.shopDomain, ctx.shopDomain)) return skipped("payload names another shop");
      const result = await exportCustomerData(tx, ctx, input);
      return done(`export ${result.dataRequestId} (${result.customers} customer records)`);
    },
  }),
  "customers/redact": topic({
    schema: customerRedactPayload,
    whenUninstalled: true,
    afterCommit: eraseFreedPages,
    async apply(tx, ctx, input) {
      if (!sameShopDomain(input.shopDomain, ctx.shopDomain)) return skipped("payload names another shop");
      const result = await redactCustomer(tx, ctx, input);
      return done(`redacted ${result.customers} customer records`);
    },
  }),
  "shop/redact": topic({
    schema: shopRedactPayload,
    whenUninstalled: true,
    async apply(tx, ctx, input) {
      if (!sameShopDomain(input.shopDomain, ctx.shopDomain)) return skipped("payload names another shop");
      // Shopify sends shop/redact 48 h after app/uninstalled and never to an installed shop:
      // erasing an installed shop on request would let one replayed body wipe a live store.
      const shop = await tx.shop.findUniqueOrThrow({ where: { id: ctx.shopId }, select: { uninstalledAt: true } });
      if (!shop.uninstalledAt) return skipped("shop is installed: shop/redact is honoured only after app/uninstalled");
      await redactShop(tx, ctx.shopId, ctx.shopDomain);
      return done();
    },
  }),
} as const;

export type WebhookTopic = keyof typeof TOPICS;
export const WEBHOOK_TOPICS = Object.keys(TOPICS) as WebhookTopic[];
export const COMPLIANCE_TOPICS: WebhookTopic[] = ["customers/data_request", "customers/redact", "shop/redact"];

const byStorageName = new Map(WEBHOOK_TOPICS.map((t) => [t.replace("/", "_").toUpperCase(), t]));

/** Accepts Shopify's header form ("orders/create") or the library's storage form ("ORDERS_CREATE"). */
export function resolveTopic(name: string): WebhookTopic | null {
  if (name in TOPICS) return name as WebhookTopic;
  return byStorageName.get(name.toUpperCase()) ?? null;
}

export function getTopic(name: WebhookTopic): TopicDefinition<z.ZodType> {
  return TOPICS[name] as unknown as TopicDefinition<z.ZodType>;
}
