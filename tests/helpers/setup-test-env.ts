// console.error fails a test unless the test expects it (epic-stack setup-test-env).
import { afterEach, beforeEach, vi } from "vitest";

process.env.NODE_ENV = "test";
process.env.SHOPIFY_API_KEY ??= "test-api-key";
process.env.SHOPIFY_API_SECRET ??= "test-api-secret";
process.env.SHOPIFY_APP_URL ??= "https://joren.test";

let consoleError: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  consoleError = vi.spyOn(console, "error");
});
afterEach(() => {
  const calls = consoleError.mock.calls;
  consoleError.mockRestore();
  if (calls.length > 0 && !(globalThis as { __expectConsoleError?: boolean }).__expectConsoleError) {
    throw new Error(
      `console.error was called during the test:\n${calls.map((c: unknown[]) => c.join(" ")).join("\n")}`,
    );
  }
});
