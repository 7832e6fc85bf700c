/** stdout carries results only (JSON for machines); everything else goes to stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v), 2) + "\n");
}

export function info(message: string): void {
  process.stderr.write(message + "\n");
}

/** `--now <ISO-8601>` (the engine's clock for fast-forwarding), or the current time. */
export function nowOption(values: Record<string, unknown>): Date {
  const text = values.now as string | undefined;
  const now = text ? new Date(text) : new Date();
  if (Number.isNaN(now.getTime()))
    throw new Error(`--now "${text}" is not an ISO-8601 instant, e.g. 2026-11-23T10:00:00Z`);
  return now;
}

export function requireString(values: Record<string, unknown>, name: string, hint: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.length === 0) throw new Error(`--${name} is required (${hint})`);
  return value;
}
