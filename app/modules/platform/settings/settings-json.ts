// Reading, merging and patching settings objects stored as JSON, tolerant of what the database
// may hold: older shapes, hand edits, keys from a newer version.
import type { z } from "zod";

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else in the patch (arrays, null, scalars) replaces. */
export function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const merged: PlainObject = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) merged[key] = deepMerge(base[key], value);
  }
  return merged;
}

function withoutPath(value: unknown, path: readonly PropertyKey[]): unknown {
  if (path.length === 0 || !isPlainObject(value)) return undefined;
  const [head, ...rest] = path;
  const key = String(head);
  // An invalid array element drops the whole array (its default comes back), never a hole.
  if (rest.length === 0 || typeof rest[0] === "number" || Array.isArray(value[key])) {
    const copy = { ...value };
    delete copy[key];
    return copy;
  }
  return { ...value, [key]: withoutPath(value[key], rest) };
}

function withoutKeys(value: unknown, path: readonly PropertyKey[], keys: readonly string[]): unknown {
  if (!isPlainObject(value)) return value;
  if (path.length === 0) {
    const copy = { ...value };
    for (const key of keys) delete copy[key];
    return copy;
  }
  const [head, ...rest] = path;
  return { ...value, [String(head)]: withoutKeys(value[String(head)], rest, keys) };
}

function getPath(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) current = isPlainObject(current) ? current[String(key)] : undefined;
  return current;
}

function safeJson(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

/**
 * Parses with the schema; each invalid or unknown value is dropped so that its default applies,
 * keeping every valid value. Never throws: with nothing usable, the result is all defaults.
 */
export function parseWithDefaults<S extends z.ZodType>(schema: S, json: string): z.output<S> {
  let candidate: unknown = safeJson(json);
  if (!isPlainObject(candidate)) candidate = {};
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const result = schema.safeParse(candidate);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        candidate = withoutKeys(candidate, issue.path, issue.keys);
        continue;
      }
      // A value already at its default that still fails (a cross-field check) takes its parent along.
      const path =
        issue.path.length > 0 && getPath(candidate, issue.path) === undefined ? issue.path.slice(0, -1) : issue.path;
      candidate = withoutPath(candidate, path);
    }
    if (!isPlainObject(candidate)) candidate = {};
  }
  return schema.parse({});
}
