/**
 * Holds the write lock of the whole database (SQLite `BEGIN EXCLUSIVE`) or of `tables`
 * (PostgreSQL `LOCK TABLE … ACCESS EXCLUSIVE`, in the URL's schema) until the returned release.
 */
export async function lockDatabase(url: string, tables: string[]): Promise<() => Promise<void>> {
  if (url.startsWith("postgres")) {
    const pg = (await import("pg")).default;
    const parsed = new URL(url);
    const schema = parsed.searchParams.get("schema")!;
    parsed.searchParams.delete("schema");
    const client = new pg.Client({ connectionString: parsed.toString() });
    await client.connect();
    await client.query("BEGIN");
    await client.query(
      `LOCK TABLE ${tables.map((table) => `"${schema}"."${table}"`).join(", ")} IN ACCESS EXCLUSIVE MODE`,
    );
    return async () => {
      await client.query("ROLLBACK");
      await client.end();
    };
  }
  const { default: Database } = await import("better-sqlite3");
  const sqlite = new Database(url.replace(/^file:/, ""));
  sqlite.exec("BEGIN EXCLUSIVE");
  return async () => {
    sqlite.exec("ROLLBACK");
    sqlite.close();
  };
}
