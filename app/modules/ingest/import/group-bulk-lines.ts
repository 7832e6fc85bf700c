// Streams a grouped bulk JSONL (children follow their parent, each child names it in
// `__parentId`) as one item per parent object, counting the raw lines each item used so a
// resumed import can skip exactly the lines already applied. Lines are parsed losslessly:
// integers above 2^53 stay strings (a line whose numbers are all short takes the native parser).
import { parseJsonLossless } from "~/lib/json";
import type { BulkGroup, BulkRow } from "./normalize-bulk";

export type BulkItem =
  | ({ kind: "object"; lineCount: number } & BulkGroup)
  /** a line that is not a JSON object, or a child whose parent is not the current object */
  | { kind: "invalid"; lineCount: number; reason: string; gid: string | null }
  /** blank lines before any object */
  | { kind: "blank"; lineCount: number };

/**
 * A run of 16 or more digits (and dots), or an exponent: a number that may not survive
 * `JSON.parse` (more than 15 significant digits, or out of range). Lines without one parse with
 * the native parser — same result, several times faster — and the rest losslessly.
 */
const MAYBE_UNSAFE_NUMBER = /[\d.]{16}|\d[eE]/;

export function parseBulkLine(line: string): unknown {
  return MAYBE_UNSAFE_NUMBER.test(line) ? parseJsonLossless(line) : JSON.parse(line);
}

function isRow(value: unknown): value is BulkRow {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * @param skipLines raw lines to pass over first (an import resuming after `linesDone`); it
 *   always ends at an item boundary, because progress is saved only after whole items.
 */
export async function* groupBulkLines(lines: AsyncIterable<string>, skipLines = 0): AsyncGenerator<BulkItem> {
  let index = 0;
  let current: { parent: BulkRow; children: BulkRow[]; ids: Set<string>; lineCount: number } | null = null;
  let pendingBlank = 0;

  const flush = (): BulkItem | null => {
    if (!current) return null;
    const item: BulkItem = {
      kind: "object",
      parent: current.parent,
      children: current.children,
      lineCount: current.lineCount,
    };
    current = null;
    return item;
  };

  for await (const raw of lines) {
    index += 1;
    if (index <= skipLines) continue;
    const line = raw.trim();
    if (line.length === 0) {
      if (current) current.lineCount += 1;
      else pendingBlank += 1;
      continue;
    }
    if (pendingBlank > 0) {
      yield { kind: "blank", lineCount: pendingBlank };
      pendingBlank = 0;
    }

    let row: unknown;
    try {
      row = parseBulkLine(line);
    } catch {
      row = undefined;
    }
    if (!isRow(row)) {
      const done = flush();
      if (done) yield done;
      yield { kind: "invalid", lineCount: 1, reason: "the line is not a JSON object", gid: null };
      continue;
    }

    const parentId = row.__parentId;
    const id = typeof row.id === "string" ? row.id : null;
    if (typeof parentId === "string") {
      if (current && current.ids.has(parentId)) {
        current.children.push(row);
        current.lineCount += 1;
        if (id) current.ids.add(id);
        continue;
      }
      const done = flush();
      if (done) yield done;
      yield {
        kind: "invalid",
        lineCount: 1,
        reason: `a child row whose parent ${parentId} is not the object before it`,
        gid: id,
      };
      continue;
    }

    const done = flush();
    if (done) yield done;
    current = { parent: row, children: [], ids: new Set(id ? [id] : []), lineCount: 1 };
  }
  const last = flush();
  if (last) yield last;
  if (pendingBlank > 0) yield { kind: "blank", lineCount: pendingBlank };
}
