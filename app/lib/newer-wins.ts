/**
 * "What we hold is not newer than `incoming`" as part of the UPDATE's own WHERE: two instances
 * applying two versions of one record at once cannot both win. A read-then-write check lets the
 * older version overwrite the newer on PostgreSQL (READ COMMITTED), where the conditional UPDATE
 * waits for the other writer and re-checks. A missing timestamp on either side never blocks.
 */
export function storedNotNewerThan(incoming: Date | null) {
  return incoming ? { OR: [{ shopifyUpdatedAt: null }, { shopifyUpdatedAt: { lte: incoming } }] } : {};
}

/** The same rule read in memory: `incoming` is older than what is stored (both known). */
export function isOlder(incoming: Date | null, stored: Date | null): boolean {
  return Boolean(incoming && stored && incoming.getTime() < stored.getTime());
}
