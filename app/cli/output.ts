/** stdout carries results only (JSON for machines); everything else goes to stderr. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? Number(v) : v), 2) + "\n");
}

export function info(message: string): void {
  process.stderr.write(message + "\n");
}

export function requireString(values: Record<string, unknown>, name: string, hint: string): string {
  const value = values[name];
  if (typeof value !== "string" || value.length === 0) throw new Error(`--${name} is required (${hint})`);
  return value;
}
