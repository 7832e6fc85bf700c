// The configuration Joren writes to the discount's metafield ($app:joren / first-purchase-config,
// type json). The app builds it (app/modules/mirror/guard/checkout-discount.ts); the Function reads it
// defensively: anything it cannot understand means "no discount" (fail closed), never a
// discount of the wrong size.
export const CONFIG_VERSION = 1;

export interface FirstPurchaseConfig {
  version: typeof CONFIG_VERSION;
  /** false switches the discount off without deleting it */
  enabled: boolean;
  kind: "percent" | "amount";
  /** percent off (1–100) or an amount off the order subtotal in `currencyCode` */
  value: number;
  /** the shop currency an amount is expressed in; required for "amount" */
  currencyCode: string | null;
  /** the line the buyer sees at checkout, by language */
  message: { ja: string; en: string };
}

type Record_ = Record<string, unknown>;

function isRecord(value: unknown): value is Record_ {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown, fallback: string): string {
  return typeof value === "string" && value.trim() !== "" && value.length <= 200 ? value.trim() : fallback;
}

/** The configuration, or null when it is missing, of another version, or out of range. */
export function parseFirstPurchaseConfig(raw: unknown): FirstPurchaseConfig | null {
  const value: unknown = typeof raw === "string" ? safeJson(raw) : raw;
  if (!isRecord(value) || value.version !== CONFIG_VERSION) return null;
  if (value.enabled !== true && value.enabled !== false) return null;
  const amount = value.value;
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount <= 0) return null;
  let currencyCode: string | null = null;
  if (value.kind === "percent") {
    if (!Number.isInteger(amount) || amount > 100) return null;
  } else if (value.kind === "amount") {
    if (typeof value.currencyCode !== "string" || !/^[A-Z]{3}$/.test(value.currencyCode)) return null;
    currencyCode = value.currencyCode;
  } else {
    return null;
  }
  const message = isRecord(value.message) ? value.message : {};
  return {
    version: CONFIG_VERSION,
    enabled: value.enabled,
    kind: value.kind,
    value: amount,
    currencyCode,
    message: { ja: text(message.ja, "初回購入割引"), en: text(message.en, "First-purchase discount") },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
