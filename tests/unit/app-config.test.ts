// shopify.app.toml and the ingest topic registry must agree: a subscription without a handler
// would be refused, a handler without a subscription would never run.
import { readFileSync } from "node:fs";
import { COMPLIANCE_TOPICS, WEBHOOK_TOPICS } from "~/modules/ingest/topics";

const toml = readFileSync("shopify.app.toml", "utf8");
const arrays = (key: string) =>
  [...toml.matchAll(new RegExp(`^\\s*${key}\\s*=\\s*\\[([^\\]]*)\\]`, "gm"))].flatMap((m) => [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]));

test("every webhook topic has a handler and every handler a subscription", () => {
  const subscribed = [...arrays("topics"), ...arrays("compliance_topics")].sort();
  expect(subscribed).toEqual([...WEBHOOK_TOPICS].sort());
});

test("the three compliance topics are declared as compliance_topics", () => {
  expect(arrays("compliance_topics").sort()).toEqual([...COMPLIANCE_TOPICS].sort());
});

test("every subscription is delivered to POST /webhooks, on API version 2026-04", () => {
  const uris = [...toml.matchAll(/^\s*uri\s*=\s*"([^"]+)"/gm)].map((m) => m[1]);
  expect(uris.length).toBeGreaterThan(0);
  expect(new Set(uris)).toEqual(new Set(["/webhooks"]));
  expect(toml).toMatch(/api_version\s*=\s*"2026-04"/);
});

test("the scopes include what ingestion, the import, the pixel and the guard need", () => {
  const scopes = /scopes\s*=\s*"([^"]+)"/.exec(toml)?.[1].split(",") ?? [];
  for (const scope of ["read_customers", "write_customers", "read_orders", "read_all_orders", "read_products", "read_inventory", "write_discounts", "write_pixels", "read_customer_events"]) {
    expect(scopes).toContain(scope);
  }
});
