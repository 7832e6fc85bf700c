/**
 * Where a payload holds text no database can store: a lone UTF-16 surrogate ("\ud800" escaped
 * in the JSON) parses in JavaScript but is refused by PostgreSQL and mangled by SQLite. Checked
 * once over the whole parsed payload, so every topic and every field is covered. Returns the
 * reason to record, or null.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function unstorableText(value: unknown, path = ""): string | null {
  if (typeof value === "string")
    return !LONE_SURROGATE.test(value) ? null : `${path || "(root)"}: text contains a lone UTF-16 surrogate`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorableText(value[i], `${path}.${i}`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const found = unstorableText(key, path) ?? unstorableText(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

/** an escaped UTF-16 surrogate (`\uD800`–`\uDFFF`) in JSON text */
const ESCAPED_SURROGATE = /\\u[dD][89abcdefABCDEF]/;

/**
 * False when a JSON text cannot parse into a lone surrogate: it holds none itself and escapes
 * none. Then `unstorableText` need not walk the parsed payload (one scan of the text instead of a
 * call per field). True errs on the safe side (an escaped pair, an escaped backslash before "u").
 */
export function mayHoldUnstorableText(json: string): boolean {
  return ESCAPED_SURROGATE.test(json) || LONE_SURROGATE.test(json);
}
