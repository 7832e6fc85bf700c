import { z } from "zod";
import { toGid } from "~/lib/gid";
import type { NormalizedInventoryLevel, NormalizedProduct } from "../../mirror/types";
import { date, gidString, idValue, money, optionalDate, optionalText, resolveGid } from "./primitives";

const variant = z.object({
  id: idValue,
  admin_graphql_api_id: gidString.nullish(),
  title: optionalText(500),
  sku: optionalText(255),
  price: money,
  inventory_item_id: idValue.nullish(),
  inventory_quantity: z.number().int().min(-1_000_000_000).max(1_000_000_000).nullish(),
  inventory_policy: optionalText(40),
  updated_at: optionalDate,
});

const image = z.object({ src: z.string().url().max(2000) }).nullish();

export const productPayload = z
  .object({
    id: idValue,
    admin_graphql_api_id: gidString.nullish(),
    title: z.string().min(1).max(1000),
    handle: optionalText(500),
    status: optionalText(40),
    product_type: optionalText(255),
    vendor: optionalText(255),
    tags: z.union([z.string().max(5000), z.array(z.string().max(255))]).nullish(),
    image,
    images: z
      .array(z.object({ src: z.string().url().max(2000) }))
      .max(250)
      .nullish(),
    published_at: optionalDate,
    updated_at: optionalDate,
    variants: z.array(variant).max(2048).default([]),
  })
  .transform((p, ctx): NormalizedProduct => {
    const gid = resolveGid("Product", p.admin_graphql_api_id, p.id);
    if (!gid) {
      ctx.addIssue({ code: "custom", message: "product has no usable id" });
      return z.NEVER;
    }
    return {
      gid,
      title: p.title,
      handle: p.handle,
      status: p.status?.toLowerCase() ?? null,
      productType: p.product_type,
      vendor: p.vendor,
      tags: Array.isArray(p.tags) ? p.tags.join(", ") : (p.tags ?? null),
      imageUrl: p.image?.src ?? p.images?.[0]?.src ?? null,
      publishedAt: p.published_at,
      updatedAt: p.updated_at,
      variants: p.variants.flatMap((v) => {
        const variantGid = resolveGid("ProductVariant", v.admin_graphql_api_id, v.id);
        if (!variantGid) return [];
        return [
          {
            gid: variantGid,
            title: v.title,
            sku: v.sku,
            price: v.price,
            inventoryItemGid: toGid("InventoryItem", v.inventory_item_id ?? null),
            inventoryQuantity: v.inventory_quantity ?? null,
            inventoryPolicy: v.inventory_policy,
            updatedAt: v.updated_at,
          },
        ];
      }),
    };
  });

export const productDeletePayload = z.object({ id: idValue }).transform((p, ctx) => {
  const gid = toGid("Product", p.id);
  if (!gid) {
    ctx.addIssue({ code: "custom", message: "product delete has no usable id" });
    return z.NEVER;
  }
  return { gid };
});

/**
 * inventory_levels/update. Shopify's example payload since API 2024-07 is `{}`: a level that
 * names no item and no location carries nothing to record (null, skipped by the topic); one that
 * names them must say when it changed, or newer-wins could not order it.
 */
export const inventoryLevelPayload = z
  .object({
    inventory_item_id: idValue.nullish(),
    location_id: idValue.nullish(),
    available: z.number().int().min(-1_000_000_000).max(1_000_000_000).nullish(),
    updated_at: date.nullish(),
  })
  .transform((l, ctx): NormalizedInventoryLevel | null => {
    if (l.inventory_item_id == null && l.location_id == null) return null;
    const inventoryItemGid = l.inventory_item_id == null ? null : toGid("InventoryItem", l.inventory_item_id);
    const locationGid = l.location_id == null ? null : toGid("Location", l.location_id);
    if (!inventoryItemGid || !locationGid || !l.updated_at) {
      ctx.addIssue({ code: "custom", message: "inventory level needs an inventory item, a location and updated_at" });
      return z.NEVER;
    }
    return { inventoryItemGid, locationGid, available: l.available ?? 0, updatedAt: l.updated_at };
  });
