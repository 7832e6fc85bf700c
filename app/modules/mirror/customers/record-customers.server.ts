// The history import's customers stage, set-based: a batch of customer versions written with a
// fixed number of statements (reads, one multi-row INSERT, newer-wins multi-row UPDATEs) instead
// of ≈ 4 Prisma statements per customer through `upsertCustomer` (docs/decisions/0030). The
// result equals applying the versions one by one, in the order given, with `upsertCustomer` and
// `applyEmailConsent` — the equivalence test (tests/integration/record-customers.test.ts) holds
// it to that.
import type { Tx } from "~/db.server";
import { queryInChunks } from "~/lib/chunks";
import { normalizeEmail } from "~/lib/email";
import { log } from "~/lib/log.server";
import { updateFromValues, type Column } from "~/lib/raw-sql.server";
import { tombstonedRecords } from "~/modules/mirror/compliance/tombstones.server";
import type { NormalizedCustomer, ShopScope } from "~/modules/mirror/types";
import {
  insertCustomerRows,
  updateCustomerConsents,
  customerBatchState,
  readCustomersByGid,
  updateCustomerProfiles,
  type CustomerBatchState,
} from "./customer-rows.server";
import { upsertCustomer } from "./upsert-customer.server";
import { isOlder } from "~/lib/newer-wins";

/**
 * "applied": the profile was written; "older": what we hold is newer (the consent may still
 * have been written, as by `upsertCustomer`); "redacted": the person was erased (a tombstone
 * not older than this version, or a redacted row) and nothing was written.
 */
export type RecordCustomerResult = "applied" | "older" | "redacted";

interface PersonState extends CustomerBatchState {
  /** the stored row has no GID yet (a guest row this batch adopts) */
  adopts: boolean;
}

const SAVEPOINT = "joren_record_customers";

/**
 * Writes a batch of customer versions (a history import's customers): each person found by GID,
 * else a guest row with the same email is adopted, else created; the profile written when not
 * older than what we hold (checked again inside the UPDATE); consent by `applyEmailConsent`'s
 * rules, dated `scope.now` when undated, with `consentSource`. A person erased by customers/redact
 * (tombstone) is not written back. A database error (a row another writer inserted meanwhile)
 * rolls the batch's savepoint back and applies it row by row with `upsertCustomer`.
 */
export async function recordCustomers(
  tx: Tx,
  scope: ShopScope,
  customers: readonly NormalizedCustomer[],
  options: { consentSource?: string } = {},
): Promise<RecordCustomerResult[]> {
  if (customers.length === 0) return [];
  const consentSource = options.consentSource ?? "shopify";
  const tombstoned = await tombstonedRecords(
    tx,
    scope.shopId,
    customers.map((c) => ({ customerGid: c.gid, email: c.email, at: c.updatedAt ?? c.createdAt })),
  );
  await tx.$executeRawUnsafe(`SAVEPOINT ${SAVEPOINT}`);
  try {
    const results = await writeCustomers(tx, scope, customers, tombstoned, consentSource);
    await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    return results;
  } catch (error) {
    await tx.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    await tx.$executeRawUnsafe(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    log("warn", "set-based customer write failed; applying the batch's customers one by one", {
      customers: customers.length,
      error: error instanceof Error ? error.message.slice(0, 300) : String(error),
    });
    const results: RecordCustomerResult[] = [];
    for (const [i, customer] of customers.entries()) {
      if (tombstoned[i]) {
        results.push("redacted");
        continue;
      }
      const { applied } = await upsertCustomer(tx, scope, customer, { consentSource });
      results.push(applied ? "applied" : "older");
    }
    return results;
  }
}

async function writeCustomers(
  tx: Tx,
  scope: ShopScope,
  customers: readonly NormalizedCustomer[],
  tombstoned: readonly boolean[],
  consentSource: string,
): Promise<RecordCustomerResult[]> {
  const { shopId } = scope;
  const live = customers.filter((_, i) => !tombstoned[i]);
  const stored = await readCustomersByGid(
    tx,
    shopId,
    live.map((c) => c.gid),
  );
  const byGid = new Map(stored.flatMap((c) => (c.gid ? [[c.gid, c] as const] : [])));
  // guest rows (no GID, not redacted) a new account adopts, oldest first, as upsertCustomer
  const emails = [
    ...new Set(
      live.flatMap((c) => {
        const email = byGid.has(c.gid) ? null : normalizeEmail(c.email);
        return email ? [email] : [];
      }),
    ),
  ];
  // by (shopId, emailNormalized) only: with "gid IS NULL" as well, SQLite walks every guest row
  const guestRows = await queryInChunks(emails, (chunk) =>
    tx.customer.findMany({
      where: { shopId, emailNormalized: { in: chunk } },
      select: {
        id: true,
        gid: true,
        emailNormalized: true,
        createdAt: true,
        shopifyUpdatedAt: true,
        emailConsent: true,
        emailConsentAt: true,
        redactedAt: true,
      },
    }),
  );
  const guests = new Map<string, typeof guestRows>();
  for (const row of guestRows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
    if (row.gid !== null || row.redactedAt !== null || row.emailNormalized === null) continue;
    const list = guests.get(row.emailNormalized);
    if (list) list.push(row);
    else guests.set(row.emailNormalized, [row]);
  }

  // every version in the order given, as upsertCustomer and applyEmailConsent would apply them
  const people = new Map<string, PersonState>();
  const results: RecordCustomerResult[] = [];
  for (const [i, customer] of customers.entries()) {
    if (tombstoned[i]) {
      results.push("redacted");
      continue;
    }
    let state = people.get(customer.gid);
    let created = false;
    if (!state) {
      const email = normalizeEmail(customer.email);
      const row = byGid.get(customer.gid) ?? (email ? guests.get(email)?.shift() : undefined);
      state = { ...customerBatchState(row), adopts: row ? row.gid === null : false };
      people.set(customer.gid, state);
      created = state.isNew;
    }
    if (state.redacted) {
      results.push("redacted");
      continue;
    }
    if (created || !isOlder(customer.updatedAt, state.updatedAt)) {
      state.profile = customer;
      state.updatedAt = customer.updatedAt;
      state.birthDate = customer.birthDate ?? state.birthDate;
      results.push("applied");
    } else {
      results.push("older");
    }
    const consent = customer.consent;
    if (consent) {
      const at = consent.updatedAt ?? scope.now;
      const olderThanStored = state.consentAt !== null && state.consentAt.getTime() > at.getTime();
      const unchanged = state.consent === consent.state && state.consentAt?.getTime() === at.getTime();
      if (!olderThanStored && !unchanged) {
        state.consent = consent.state;
        state.consentAt = at;
        state.consentWrite = { state: consent.state, at, optInLevel: consent.optInLevel };
      }
    }
  }

  const writeAt = new Date();
  const all = [...people.entries()];
  const fresh = all.flatMap(([gid, s]) => (s.isNew && s.profile ? [{ gid, s, profile: s.profile }] : []));
  await insertCustomerRows(
    tx,
    shopId,
    fresh.map(({ gid, s, profile }) => ({ ...s, gid, profile })),
    consentSource,
    writeAt,
  );
  const kept = all.filter(([, s]) => !s.isNew && !s.redacted);
  const profiles = kept.flatMap(([gid, s]) => (s.profile ? [{ gid, s, profile: s.profile }] : []));
  await updateCustomerProfiles(
    tx,
    profiles.map(({ gid, s, profile }) => ({ id: s.id, gid, profile, birthDate: s.birthDate })),
    writeAt,
    { setGid: true },
  );
  // a guest row adopted by an older version still takes the account's GID (upsertCustomer does)
  const adopted = kept.filter(([, s]) => s.adopts);
  if (adopted.length > 0) {
    await updateFromValues(
      tx,
      "Customer",
      "id",
      [col("id"), col("gid"), col("updatedAt", "timestamp")],
      adopted.map(([gid, s]) => [s.id, gid, writeAt]),
      `"gid" = v."gid", "updatedAt" = v."updatedAt"`,
      `t."gid" IS NULL`,
    );
  }
  const consents = kept.flatMap(([, s]) => (s.consentWrite ? [{ s, write: s.consentWrite }] : []));
  await updateCustomerConsents(
    tx,
    consents.map(({ s, write }) => ({ id: s.id, write })),
    consentSource,
    writeAt,
  );
  return results;
}

const col = (name: string, type: Column["type"] = "text"): Column => ({ name, type });
