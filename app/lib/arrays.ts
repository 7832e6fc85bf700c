/**
 * Indexed reads for code under `noUncheckedIndexedAccess` (ADR 0028) whose index its own loop or
 * arithmetic keeps in range: they return the element typed as present, and throw a RangeError
 * naming what was read when the index is out of range after all, instead of passing `undefined`
 * on to fail somewhere far away.
 */
export function itemAt<T>(items: readonly T[], index: number, what = "item"): T {
  if (!Number.isInteger(index) || index < 0 || index >= items.length) {
    throw new RangeError(`${what} ${index} is out of range: there are ${items.length}`);
  }
  return items[index] as T;
}

/** items[index mod length], for round-robin over a list that must not be empty. */
export function cycleAt<T>(items: readonly T[], index: number, what = "item"): T {
  return itemAt(items, index % items.length, what);
}

/** The value at rank `p` (0–100, nearest-rank) of an ascending list; 0 for an empty one. */
export function percentileOf(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return itemAt(sorted, Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)), "rank");
}

/** The text before the first separator (all of it when there is none): `split` always yields a first piece. */
export function firstPiece(text: string, separator: string | RegExp): string {
  return text.split(separator, 1)[0] ?? text;
}
