import { randomFillSync } from "node:crypto";

/** random bytes drawn 4 KiB at a time: a call to the system's generator per id cost more than the id */
const pool = Buffer.alloc(4096);
let used = pool.length;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Rows inserted
 * together get neighbouring keys, so a batch of new rows lands on the right edge of the table's
 * primary-key B-tree instead of on a random page each — the set-based writers insert hundreds of
 * rows per statement, and random UUIDs dirtied (and wrote to the WAL) one index page per row once
 * the tables outgrow the cache. Within one millisecond the order is random: ids order rows
 * roughly by creation, never a guarantee to rely on.
 */
export function timeOrderedId(now = Date.now()): string {
  if (used + 16 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = Buffer.from(pool.subarray(used, used + 16));
  used += 16;
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
