// What a benchmark's PostgreSQL backends are doing: pg_stat_activity sampled every 25 ms for the
// backends whose application_name starts with a run's prefix (set with `&application_name=` on
// the database URL, which Prisma's pg pool and the inbox store both pass on).

/** samples pg_stat_activity for the run's backends until stopped */
export function sampleBackends(
  monitor: { query: (sql: string, values: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> },
  prefix: string,
) {
  const states: Record<string, number> = {};
  const lockWaits: Record<string, number> = {};
  let rounds = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await monitor.query(
        `SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE application_name LIKE $1`,
        [`${prefix}%`],
      );
      rounds++;
      for (const row of rows) {
        const key =
          row.wait_event_type === "Lock"
            ? "lock"
            : row.state === "active"
              ? "active"
              : row.state === "idle in transaction"
                ? "appInTransaction"
                : "idle";
        states[key] = (states[key] ?? 0) + 1;
        if (row.wait_event_type === "Lock") {
          const event = String(row.wait_event);
          lockWaits[event] = (lockWaits[event] ?? 0) + 1;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const average: Record<string, number> = { rounds };
      for (const [key, n] of Object.entries(states)) average[key] = Number((n / Math.max(1, rounds)).toFixed(3));
      return { backendStates: average, lockWaits };
    },
  };
}
