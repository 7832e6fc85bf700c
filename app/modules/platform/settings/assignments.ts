// "name=value" assignments (the CLI's `settings set`): parsing the text, turning the value into
// the type the setting holds, and writing it at a path — shared by shop and scenario settings.
import { isPlainObject, type PlainObject } from "./settings-json";

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export function splitAssignment(
  text: string,
): { ok: true; name: string; value: string } | { ok: false; message: string } {
  const at = text.indexOf("=");
  const name = at < 0 ? "" : text.slice(0, at).trim();
  if (!name) return { ok: false, message: `expected name=value, got "${text}"` };
  return { ok: true, name, value: text.slice(at + 1).trim() };
}

export function parseNumber(raw: string): Parsed<number> {
  return /^-?\d+(\.\d+)?$/.test(raw)
    ? { ok: true, value: Number(raw) }
    : { ok: false, message: `"${raw}" is not a number` };
}

const TRUE_WORDS = ["true", "on", "yes", "1"];
const FALSE_WORDS = ["false", "off", "no", "0"];

export function parseBoolean(raw: string): Parsed<boolean> {
  const word = raw.toLowerCase();
  if (TRUE_WORDS.includes(word)) return { ok: true, value: true };
  if (FALSE_WORDS.includes(word)) return { ok: true, value: false };
  return { ok: false, message: `"${raw}" is not true or false` };
}

export function parseNumberList(raw: string): Parsed<number[]> {
  const values: number[] = [];
  for (const part of raw.split(",").map((p) => p.trim())) {
    const parsed = parseNumber(part);
    if (!parsed.ok) return { ok: false, message: `"${raw}" is not a comma-separated list of numbers` };
    values.push(parsed.value);
  }
  return { ok: true, value: values };
}

/** Reads the raw text as the same kind of value as `example` (the setting's current value). */
export function parseLike(example: unknown, raw: string): Parsed<unknown> {
  if (typeof example === "boolean") return parseBoolean(raw);
  if (typeof example === "number") return parseNumber(raw);
  if (Array.isArray(example)) return parseNumberList(raw);
  return { ok: true, value: raw };
}

export function getAtPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) current = isPlainObject(current) ? current[key] : undefined;
  return current;
}

export function setAtPath(value: unknown, path: readonly string[], leaf: unknown): PlainObject {
  const base = isPlainObject(value) ? value : {};
  const [head, ...rest] = path;
  if (head === undefined) return base;
  return { ...base, [head]: rest.length === 0 ? leaf : setAtPath(base[head], rest, leaf) };
}

/** Dotted paths of every non-object value ("secondReminder.enabled", "daysBefore"). */
export function leafPaths(value: unknown, prefix: readonly string[] = []): string[] {
  if (!isPlainObject(value)) return prefix.length > 0 ? [prefix.join(".")] : [];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
}
