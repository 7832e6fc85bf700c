// SQLite binds at most 999 parameters per statement; 400 leaves room for two IN lists and the
// other conditions of one query.
export const IN_LIST_LIMIT = 400;

export function chunked<T>(items: readonly T[], size = IN_LIST_LIMIT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs one query per chunk of `values` and concatenates the results. */
export async function queryInChunks<V, R>(
  values: readonly V[],
  query: (chunk: V[]) => Promise<R[]>,
  size = IN_LIST_LIMIT,
): Promise<R[]> {
  const out: R[] = [];
  for (const chunk of chunked([...new Set(values)], size)) out.push(...(await query(chunk)));
  return out;
}
