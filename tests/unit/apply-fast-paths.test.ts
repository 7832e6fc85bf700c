// Shortcuts of the inbox's apply path (issue #13): each must answer exactly as the long way.
import { parseJsonLossless } from "~/lib/json";
import { timeOrderedId } from "~/lib/time-ordered-id";
import { mayHoldUnstorableText, unstorableText } from "~/modules/ingest/normalize/unstorable-text";

/** a small seeded generator, so a failure replays */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "a",
  "é",
  "😀",
  "\ud83d",
  "\ude00",
  "\\",
  "u",
  "d800",
  "\\ud800",
  "\\udc00",
  "\\ud83d\\ude00",
  "\\\\ud800",
  "\\u0041",
  '\\"',
  " ",
];

/** a JSON text with strings (values and keys) made of the pieces: escaped, literal, paired or lone */
function jsonText(next: () => number): string {
  const text = () =>
    Array.from({ length: Math.floor(next() * 6) }, () => PIECES[Math.floor(next() * PIECES.length)]).join("");
  const entries = Array.from({ length: 1 + Math.floor(next() * 3) }, () => `"${text()}": ["${text()}", 1]`);
  return `{${entries.join(", ")}}`;
}

describe("mayHoldUnstorableText", () => {
  test("never says no for a text whose parsed payload holds a lone surrogate (2,000 random texts)", () => {
    const next = random(13);
    let unstorable = 0;
    let skipped = 0;
    for (let i = 0; i < 2000; i++) {
      const json = jsonText(next);
      let parsed: unknown;
      try {
        parsed = parseJsonLossless(json);
      } catch {
        continue; // not JSON (e.g. a lone backslash): rejected before this check
      }
      const found = unstorableText(parsed);
      if (found) unstorable++;
      if (!mayHoldUnstorableText(json)) {
        skipped++;
        expect(found, json).toBeNull();
      }
    }
    // the sample holds both kinds, so the property was exercised both ways
    expect(unstorable).toBeGreaterThan(50);
    expect(skipped).toBeGreaterThan(50);
  });

  test("flags escaped and literal lone surrogates, not plain text or a valid pair", () => {
    expect(mayHoldUnstorableText('{"a":"\\ud800"}')).toBe(true);
    expect(mayHoldUnstorableText('{"a":"\\uDFFF"}')).toBe(true);
    expect(mayHoldUnstorableText('{"a":"x\ud800"}')).toBe(true);
    expect(mayHoldUnstorableText('{"a":"😀 é \\u0041 \\n"}')).toBe(false);
  });
});

describe("timeOrderedId", () => {
  test("is a version 7 UUID whose text sorts by its millisecond", () => {
    const a = timeOrderedId(1_780_000_000_000);
    const b = timeOrderedId(1_780_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(a.slice(0, 13)).toBe("019e7044-8800");
    expect(new Set(Array.from({ length: 1000 }, () => timeOrderedId(1)).values()).size).toBe(1000);
  });
});
