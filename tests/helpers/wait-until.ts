// Waiting on real I/O (another process, the built server's workers and scheduler) without a fixed
// sleep: poll a condition until it holds, and fail with what was awaited once the deadline passes.
// Time the code under test reads comes from an injected clock instead (CONTRIBUTING.md, ADR 0028).

/** Polls `probe` until it returns something other than undefined, null or false, and returns that. */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: { what: string; timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${options.timeoutMs} ms waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
