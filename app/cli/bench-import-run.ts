// Child process of `bench --import-orders`: the history import of a synthetic store (N orders,
// ten per customer, one line item each; N/10 customers, two in three subscribed) from bulk JSONL
// generated as it is read, so the file is never held in memory and the peak RSS is the
// importer's own. Prints JSON (wall and CPU seconds, each stage's wall seconds, peak RSS).
import { readFileSync } from "node:fs";
import { createDb } from "~/db.server";
import { BULK_QUERIES } from "~/modules/ingest/import/bulk-queries";
import { runHistoryImport } from "~/modules/ingest/import/run-history-import.server";
import type { AdminPort } from "~/modules/platform/shopify/admin-port";
import { createFakeAdminPort } from "~/modules/platform/shopify/fake-admin-port";

const [file, shopId, ordersText] = process.argv.slice(2);
if (!file || !shopId || !ordersText) throw new Error("usage: bench-import-run <sqlite file> <shop id> <orders>");
const orders = Number(ordersText);
const START = Date.parse("2024-11-23T00:00:00Z");
const SPAN = 2 * 365 * 86_400_000;
const customers = Math.max(1, Math.floor(orders / 10));

function* customerLines(): Generator<string> {
  for (let k = 0; k < customers; k++) {
    const at = new Date(START + Math.floor((k / customers) * SPAN)).toISOString();
    const consent =
      k % 3 === 2
        ? `{"marketingState":"NOT_SUBSCRIBED","marketingOptInLevel":null,"consentUpdatedAt":null}`
        : `{"marketingState":"SUBSCRIBED","marketingOptInLevel":"SINGLE_OPT_IN","consentUpdatedAt":"${at}"}`;
    const birth = k % 4 === 0 ? `{"value":"19${70 + (k % 30)}-0${1 + (k % 9)}-1${k % 10}"}` : "null";
    yield `{"id":"gid://shopify/Customer/${1 + k}","email":"c${k}@example.jp","firstName":"Hanako","lastName":"Sato${k % 100}","phone":null,"locale":"ja","state":"ENABLED","tags":["vip"],"createdAt":"${at}","updatedAt":"${at}","emailMarketingConsent":${consent},"metafield":${birth}}`;
  }
}

function* orderLines(): Generator<string> {
  for (let n = 0; n < orders; n++) {
    const gid = `gid://shopify/Order/${10_000_000 + n}`;
    const at = new Date(START + Math.floor((n / orders) * SPAN)).toISOString();
    const money = (amount: number) => `{"shopMoney":{"amount":"${amount}"}}`;
    yield `{"id":"${gid}","name":"#${n + 1}","email":"c${n % Math.max(1, Math.floor(orders / 10))}@example.jp","customer":{"id":"gid://shopify/Customer/${1 + (n % Math.max(1, Math.floor(orders / 10)))}"},"currencyCode":"JPY","totalPriceSet":${money(1000 + (n % 50) * 100)},"subtotalPriceSet":${money(1000 + (n % 50) * 100)},"totalDiscountsSet":${money(0)},"displayFinancialStatus":"PAID","displayFulfillmentStatus":"FULFILLED","cancelledAt":null,"cancelReason":null,"processedAt":"${at}","createdAt":"${at}","updatedAt":"${at}","discountCodes":[],"sourceName":"web","customerLocale":"ja","test":false,"refunds":[]}`;
    yield `{"id":"gid://shopify/LineItem/${20_000_000 + n}","title":"Sencha","variantTitle":null,"sku":"S1","quantity":1,"originalUnitPriceSet":${money(1000 + (n % 50) * 100)},"totalDiscountSet":${money(0)},"product":{"id":"gid://shopify/Product/1"},"variant":{"id":"gid://shopify/ProductVariant/1"},"__parentId":"${gid}"}`;
  }
}

// Shopify's side stands in: products empty, customers and orders streamed from the generators.
const fake = createFakeAdminPort({});
const roots = new Map<string, "products" | "customers" | "orders">();
const admin: AdminPort = {
  ...fake,
  async runBulkQuery(query) {
    const root = query === BULK_QUERIES.orders ? "orders" : query === BULK_QUERIES.customers ? "customers" : "products";
    const id = `gid://shopify/BulkOperation/${roots.size + 1}`;
    roots.set(id, root);
    return { id };
  },
  async getBulkOperation(id) {
    const root = roots.get(id);
    const lines = root === "orders" ? orders * 2 : root === "customers" ? customers : 0;
    return {
      id,
      status: "COMPLETED",
      errorCode: null,
      objectCount: lines,
      url: lines > 0 ? `https://bench.invalid/${encodeURIComponent(id)}` : null,
    };
  },
  async *fetchJsonl(url) {
    const root = roots.get(decodeURIComponent(url.slice(url.lastIndexOf("/") + 1)));
    yield* root === "customers" ? customerLines() : orderLines();
  },
};

const db = await createDb(`file:${file}`);
// BENCH_IMPORT_PRAGMAS="cache_size=-65536;wal_autocheckpoint=10000": connection pragmas to try
for (const pragma of (process.env.BENCH_IMPORT_PRAGMAS ?? "").split(";").filter(Boolean))
  await db.$queryRawUnsafe(`PRAGMA ${pragma}`);
const started = performance.now();
const cpuAtStart = process.cpuUsage();
const stageStarted = new Map<string, number>();
let lastReport = 0;
const batchSize = process.env.BENCH_IMPORT_BATCH ? Number(process.env.BENCH_IMPORT_BATCH) : undefined;
const result = await runHistoryImport({
  db,
  shopId,
  admin,
  batchSize,
  pollIntervalMs: 0,
  sleep: async () => undefined,
  onProgress: (p) => {
    if (!stageStarted.has(p.stage)) stageStarted.set(p.stage, performance.now());
    if (p.stage !== "orders" || performance.now() - lastReport < 10_000) return;
    lastReport = performance.now();
    process.stderr.write(
      `import: ${p.linesDone} / ${p.objectCount ?? "?"} lines, ${Math.round(p.linesPerSecond)}/s, ${p.secondsLeft ?? "?"} s left\n`,
    );
  },
});
const finished = performance.now();
const seconds = (finished - started) / 1000;
const cpu = process.cpuUsage(cpuAtStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const customersStarted = stageStarted.get("customers") ?? started;
const ordersStarted = stageStarted.get("orders") ?? finished;
const stageSeconds = {
  customers: Number(((ordersStarted - customersStarted) / 1000).toFixed(1)),
  orders: Number(((finished - ordersStarted) / 1000).toFixed(1)),
};
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
const stored = await db.order.count({ where: { shopId } });
await db.$disconnect();
process.stdout.write(
  JSON.stringify({
    counts: result.counts,
    stored,
    seconds,
    cpuSeconds,
    stageSeconds,
    peakRssMb: hwm ? Math.round(Number(hwm[1]) / 1024) : null,
  }),
);
