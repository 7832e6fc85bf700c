// Reads for tests under `noUncheckedIndexedAccess` (ADR 0028): each fails the test with a message
// naming what was missing, where a bare `rows[0].x` would fail later with a TypeError.

/** rows[index], which the test expects to be there. */
export function at<T>(rows: readonly T[], index: number): T {
  if (index < 0 || index >= rows.length)
    throw new Error(`expected an element at ${index}, but there are ${rows.length}`);
  return rows[index] as T;
}

/** The one element of rows, which the test expects to hold exactly one. */
export function only<T>(rows: readonly T[]): T {
  if (rows.length !== 1) throw new Error(`expected exactly one element, but there are ${rows.length}`);
  return rows[0] as T;
}

/** A value the test expects to be present (a map entry, a regex group, a record's key). */
export function must<T>(value: T | null | undefined, what = "value"): T {
  if (value === null || value === undefined) throw new Error(`expected ${what} to be present`);
  return value;
}
