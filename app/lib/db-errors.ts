/** Prisma's unique-constraint violation (P2002), across SQLite and PostgreSQL adapters. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  return (
    e?.code === "P2002" ||
    /Unique constraint failed|UNIQUE constraint failed|duplicate key value/i.test(e?.message ?? "")
  );
}

/** The database is busy or unreachable: the caller should answer with a retryable status. */
export function isTransientDbError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  return (
    ["P1001", "P1002", "P1008", "P1017", "P2024", "P2034"].includes(e?.code ?? "") ||
    // PostgreSQL's own codes (driver-direct queries): lock or statement timeout, serialization
    // failure, deadlock, too many connections, starting up or shutting down
    ["55P03", "57014", "40001", "40P01", "53300", "57P01", "57P03"].includes(e?.code ?? "") ||
    /SQLITE_BUSY|database is locked|timed out|Connection terminated|ECONNREFUSED|too many clients|could not serialize|lock timeout|statement timeout/i.test(
      e?.message ?? "",
    )
  );
}

/** A row refers to a parent that no longer exists (e.g. a shop deleted by shop/redact). */
export function isForeignKeyViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  return (
    e?.code === "P2003" ||
    /Foreign key constraint|FOREIGN KEY constraint failed|violates foreign key/i.test(e?.message ?? "")
  );
}
