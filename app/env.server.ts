// The environment, parsed once with zod. A missing or malformed variable fails at boot with a
// message that says what to set.
import { z } from "zod";

const schema = z.object({
  SHOPIFY_API_KEY: z
    .string()
    .min(1, "set SHOPIFY_API_KEY to the app's client id (Partner dashboard → App → Client credentials)"),
  SHOPIFY_API_SECRET: z
    .string()
    .min(1, "set SHOPIFY_API_SECRET to the app's client secret; webhooks are verified with it"),
  SHOPIFY_APP_URL: z
    .string()
    .url("set SHOPIFY_APP_URL to the public https URL of this app (e.g. the Shopify CLI tunnel)"),
  SCOPES: z
    .string()
    .default(
      "write_customers,read_customer_merge,read_orders,read_all_orders,read_products,read_inventory,read_locales,write_discounts,write_pixels,read_customer_events,write_app_proxy",
    ),
  DATABASE_URL: z.string().default("file:./prisma/dev.sqlite"),
  PORT: z.coerce.number().int().positive().default(3000),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
});

export type Env = z.infer<typeof schema>;
let cached: Env | undefined;

export function getEnv(source: NodeJS.ProcessEnv = process.env): Env {
  if (cached && source === process.env) return cached;
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(
      `Joren cannot start: the environment is incomplete.\n${problems}\nSee README.md → "Environment variables".`,
    );
  }
  if (source === process.env) cached = parsed.data;
  return parsed.data;
}
