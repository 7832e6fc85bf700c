// The Customer table's multi-row writes, shared by the set-based writers (new orders with their
// customers, docs/decisions/0022; the history import's customers stage, 0030). Each applies the
// rules of `upsertCustomer` and `applyEmailConsent` inside the statement itself: a profile only
// over an older or undated one, a consent only over an older one and never on an erased row — so
// a concurrent writer (another instance on PostgreSQL) cannot be overwritten by a stale version.
import type { Tx } from "~/db.server";
import { normalizeEmail } from "~/lib/email";
import { timeOrderedId } from "~/lib/time-ordered-id";
import { insertRows, selectWhereIn, updateFromValues, type Column, type SqlValue } from "~/lib/raw-sql.server";
import type { NormalizedCustomer } from "~/modules/mirror/types";

export interface ConsentWrite {
  state: string;
  at: Date;
  optInLevel: string | null;
}

/** What a set-based writer knows of one customer while it folds a batch's versions. */
export interface CustomerBatchState {
  id: string;
  isNew: boolean;
  redacted: boolean;
  updatedAt: Date | null;
  consent: string;
  consentAt: Date | null;
  /** the newest profile this batch writes (null: none) */
  profile: NormalizedCustomer | null;
  birthDate: string | null;
  /** the consent this batch writes (null: none) */
  consentWrite: ConsentWrite | null;
}

/** A batch's starting point for one customer: the stored row, or a new person. */
export function customerBatchState(
  row:
    | {
        id: string;
        redactedAt: Date | null;
        shopifyUpdatedAt: Date | null;
        emailConsent: string;
        emailConsentAt: Date | null;
      }
    | undefined,
): CustomerBatchState {
  const start = { profile: null, birthDate: null, consentWrite: null };
  return row
    ? {
        id: row.id,
        isNew: false,
        redacted: row.redactedAt !== null,
        updatedAt: row.shopifyUpdatedAt,
        consent: row.emailConsent,
        consentAt: row.emailConsentAt,
        ...start,
      }
    : {
        id: timeOrderedId(),
        isNew: true,
        redacted: false,
        updatedAt: null,
        consent: "NOT_SUBSCRIBED",
        consentAt: null,
        ...start,
      };
}

const col = (name: string, type: Column["type"] = "text"): Column => ({ name, type });

const PROFILE_COLUMNS: Column[] = [
  col("email"),
  col("emailNormalized"),
  col("firstName"),
  col("lastName"),
  col("phone"),
  col("locale"),
  col("state"),
  col("tags"),
  col("shopifyCreatedAt", "timestamp"),
  col("shopifyUpdatedAt", "timestamp"),
];

function profileValues(c: NormalizedCustomer): SqlValue[] {
  return [
    c.email?.trim() || null,
    normalizeEmail(c.email),
    c.firstName,
    c.lastName,
    c.phone,
    c.locale,
    c.state,
    c.tags,
    c.createdAt,
    c.updatedAt,
  ];
}

export interface NewCustomerRow {
  id: string;
  gid: string;
  profile: NormalizedCustomer;
  birthDate: string | null;
  consent: string;
  consentAt: Date | null;
  /** the consent this batch wrote (its opt-in level and `source` are stored with it), if any */
  consentWrite: ConsentWrite | null;
}

export async function insertCustomerRows(
  tx: Tx,
  shopId: string,
  rows: readonly NewCustomerRow[],
  consentSource: string,
  writeAt: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await insertRows(
    tx,
    "Customer",
    [
      col("id"),
      col("shopId"),
      col("gid"),
      ...PROFILE_COLUMNS,
      col("birthDate"),
      col("emailConsent"),
      col("emailConsentAt", "timestamp"),
      col("emailConsentOptInLevel"),
      col("emailConsentSource"),
      col("createdAt", "timestamp"),
      col("updatedAt", "timestamp"),
    ],
    rows.map((r) => [
      r.id,
      shopId,
      r.gid,
      ...profileValues(r.profile),
      r.birthDate,
      r.consent,
      r.consentAt,
      r.consentWrite?.optInLevel ?? null,
      r.consentWrite ? consentSource : null,
      writeAt,
      writeAt,
    ]),
  );
}

export interface ProfileRow {
  id: string;
  profile: NormalizedCustomer;
  birthDate: string | null;
  /** also set the row's GID (the import writes it; an adopted guest row takes the account's) */
  gid?: string;
}

/** Newer-wins inside the UPDATE (app/lib/newer-wins.ts), as upsertCustomer's updateMany. */
export async function updateCustomerProfiles(
  tx: Tx,
  rows: readonly ProfileRow[],
  writeAt: Date,
  options: { setGid: boolean },
): Promise<void> {
  if (rows.length === 0) return;
  const gid = options.setGid ? [col("gid")] : [];
  await updateFromValues(
    tx,
    "Customer",
    "id",
    [col("id"), ...gid, ...PROFILE_COLUMNS, col("birthDate"), col("updatedAt", "timestamp")],
    rows.map((r) => [
      r.id,
      ...(options.setGid ? [r.gid ?? null] : []),
      ...profileValues(r.profile),
      r.birthDate,
      writeAt,
    ]),
    [
      ...(options.setGid ? [`"gid" = v."gid"`] : []),
      ...PROFILE_COLUMNS.map((c) => `"${c.name}" = v."${c.name}"`),
      `"birthDate" = COALESCE(v."birthDate", t."birthDate")`,
      `"updatedAt" = v."updatedAt"`,
    ].join(", "),
    `v."shopifyUpdatedAt" IS NULL OR t."shopifyUpdatedAt" IS NULL OR t."shopifyUpdatedAt" <= v."shopifyUpdatedAt"`,
  );
}

/** A consent over an older one only, never on an erased row (applyEmailConsent's rule). */
export async function updateCustomerConsents(
  tx: Tx,
  rows: readonly { id: string; write: ConsentWrite }[],
  consentSource: string,
  writeAt: Date,
): Promise<void> {
  if (rows.length === 0) return;
  await updateFromValues(
    tx,
    "Customer",
    "id",
    [
      col("id"),
      col("emailConsent"),
      col("emailConsentAt", "timestamp"),
      col("emailConsentOptInLevel"),
      col("emailConsentSource"),
      col("updatedAt", "timestamp"),
    ],
    rows.map(({ id, write }) => [id, write.state, write.at, write.optInLevel, consentSource, writeAt]),
    `"emailConsent" = v."emailConsent", "emailConsentAt" = v."emailConsentAt", "emailConsentOptInLevel" = v."emailConsentOptInLevel", "emailConsentSource" = v."emailConsentSource", "updatedAt" = v."updatedAt"`,
    `t."redactedAt" IS NULL AND (t."emailConsentAt" IS NULL OR t."emailConsentAt" <= v."emailConsentAt")`,
  );
}

/** The stored customers of these GIDs, with what the newer-wins and consent rules compare. */
export async function readCustomersByGid(tx: Tx, shopId: string, gids: readonly string[]) {
  return selectWhereIn(
    tx,
    "Customer",
    [
      col("id"),
      col("gid"),
      col("shopifyUpdatedAt", "timestamp"),
      col("emailConsent"),
      col("emailConsentAt", "timestamp"),
      col("redactedAt", "timestamp"),
    ],
    { shopId },
    "gid",
    gids,
    (chunk) =>
      tx.customer.findMany({
        where: { shopId, gid: { in: chunk } },
        select: {
          id: true,
          gid: true,
          shopifyUpdatedAt: true,
          emailConsent: true,
          emailConsentAt: true,
          redactedAt: true,
        },
      }),
  );
}
