// Shopify payloads carry numeric ids above 2^53. Parse them losslessly: an integer that is not
// a safe JS number stays a string, so "820982911946154508" survives to become a GID.
import { parse, isSafeNumber } from "lossless-json";

export function parseJsonLossless(text: string): unknown {
  return parse(text, null, (value: string) => (isSafeNumber(value) ? Number(value) : value));
}
