// shopify.app.toml, read as the Shopify CLI reads it (a TOML parser) and checked against the CLI's
// app configuration schema, and against the app: every webhook topic has a handler, the scopes
// cover every Admin API call and webhook, the defaults in env.server.ts match.
import { readFileSync } from "node:fs";
import { parse } from "smol-toml";
import { z } from "zod";
import { COMPLIANCE_TOPICS, WEBHOOK_TOPICS } from "~/modules/ingest/topics";

const text = readFileSync("shopify.app.toml", "utf8");
const config = parse(text) as Record<string, unknown>;

// Shopify/cli's app configuration schema (packages/app/src/cli/models/app/app.ts `AppSchema` and
// the app_config_* specifications: app_access, app_home, app_proxy, webhooks, point_of_sale),
// transcribed to zod 4 — the CLI publishes it as zod code, not as a JSON Schema. Unknown build
// keys are refused here on purpose: `include_config_on_deploy` is no longer supported (the
// configuration is always deployed).
const httpsUrl = z.string().refine((v) => {
  try {
    return new URL(v).protocol === "https:";
  } catch {
    return false;
  }
}, "must be an https URL");
const relativeOrHttps = z
  .string()
  .refine((v) => v.startsWith("/") || httpsUrl.safeParse(v).success, "URL must be HTTPS URL or start with /");
const COMPLIANCE = ["customers/redact", "customers/data_request", "shop/redact"] as const;
const appConfigSchema = z.strictObject({
  name: z.string().max(30),
  client_id: z.string(),
  handle: z.string().optional(),
  application_url: httpsUrl,
  embedded: z.boolean(),
  build: z
    .strictObject({ automatically_update_urls_on_dev: z.boolean().optional(), dev_store_url: z.string().optional() })
    .optional(),
  access_scopes: z.strictObject({
    scopes: z.string().optional(),
    required_scopes: z.array(z.string()).optional(),
    optional_scopes: z.array(z.string()).optional(),
    use_legacy_install_flow: z.boolean().optional(),
  }),
  auth: z.strictObject({ redirect_urls: z.array(httpsUrl) }),
  webhooks: z.strictObject({
    api_version: z.string(),
    subscriptions: z.array(
      z.strictObject({
        topics: z.array(z.string()).optional(),
        compliance_topics: z.array(z.enum(COMPLIANCE)).optional(),
        uri: relativeOrHttps,
        include_fields: z.array(z.string()).optional(),
        filter: z.string().optional(),
      }),
    ),
  }),
  app_proxy: z.strictObject({ url: relativeOrHttps, subpath: z.string(), prefix: z.string() }).optional(),
  pos: z.strictObject({ embedded: z.boolean() }).optional(),
});

const parsed = appConfigSchema.parse(config);
const scopes = (parsed.access_scopes.scopes ?? "").split(",").map((s) => s.trim());

test("shopify.app.toml is valid for the Shopify CLI's app configuration schema", () => {
  expect(appConfigSchema.safeParse(config).success).toBe(true);
  // and the schema does refuse what the CLI no longer takes
  expect(appConfigSchema.safeParse({ ...config, build: { include_config_on_deploy: true } }).success).toBe(false);
});

test("every webhook topic has a handler and every handler a subscription", () => {
  const subscribed = parsed.webhooks.subscriptions
    .flatMap((s) => [...(s.topics ?? []), ...(s.compliance_topics ?? [])])
    .sort();
  expect(subscribed).toEqual([...WEBHOOK_TOPICS].sort());
});

test("the three compliance topics are declared as compliance_topics", () => {
  expect(parsed.webhooks.subscriptions.flatMap((s) => s.compliance_topics ?? []).sort()).toEqual(
    [...COMPLIANCE_TOPICS].sort(),
  );
});

test("every subscription is delivered to POST /webhooks, on API version 2026-04", () => {
  expect(new Set(parsed.webhooks.subscriptions.map((s) => s.uri))).toEqual(new Set(["/webhooks"]));
  expect(parsed.webhooks.api_version).toBe("2026-04");
});

test("the app proxy URL is relative, so the CLI prefixes the app's own URL (tunnel or production)", () => {
  expect(parsed.app_proxy).toEqual({ url: "/proxy", subpath: "joren", prefix: "apps" });
});

test("the scopes cover ingestion, the import, merges, the shop's language, the pixel, the guard and the proxy", () => {
  for (const scope of [
    "write_customers",
    "read_customer_merge",
    "read_orders",
    "read_all_orders",
    "read_products",
    "read_inventory",
    "read_locales",
    "write_discounts",
    "write_pixels",
    "read_customer_events",
    "write_app_proxy",
  ]) {
    expect(scopes).toContain(scope);
  }
});

test("no redundant scope: a write scope already grants its read, and nothing is listed twice", () => {
  expect(new Set(scopes).size).toBe(scopes.length);
  const redundant = scopes.filter((s) => s.startsWith("read_") && scopes.includes(`write_${s.slice("read_".length)}`));
  expect(redundant).toEqual([]);
});

test("the server's default SCOPES are the toml's scopes", async () => {
  const { getEnv } = await import("~/env.server");
  const env = getEnv({
    NODE_ENV: "test",
    SHOPIFY_API_KEY: "k",
    SHOPIFY_API_SECRET: "s",
    SHOPIFY_APP_URL: "https://example.com",
  });
  expect(env.SCOPES.split(",")).toEqual(scopes);
});
