// Runs `npm run joren -- …` in-process against a test database: DATABASE_URL points at it, the
// CLI's cached client is dropped between tests, and stdout/stderr are captured.
import { afterEach, beforeEach, vi } from "vitest";

export interface CliCapture {
  stdout: string[];
  stderr: string[];
}

export function captureCli(databaseUrl: () => string): CliCapture {
  const capture: CliCapture = { stdout: [], stderr: [] };
  let savedUrl: string | undefined;
  beforeEach(() => {
    capture.stdout.length = 0;
    capture.stderr.length = 0;
    savedUrl = process.env.DATABASE_URL;
    process.env.DATABASE_URL = databaseUrl();
    globalThis.__jorenDb = undefined;
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      capture.stdout.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      capture.stderr.push(String(chunk));
      return true;
    });
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    const db = globalThis.__jorenDb;
    globalThis.__jorenDb = undefined;
    if (db) await (await db).$disconnect();
    if (savedUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = savedUrl;
  });
  return capture;
}
