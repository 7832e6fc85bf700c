// The message ledger has one writer, app/modules/engine/message-ledger.server.ts (docs/engine-rules.md).
// ESLint refuses Prisma writes to `message` elsewhere; this test refuses raw SQL writes to "Message"
// elsewhere, and checks that the ESLint rule really fires.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, test } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const OWNER = "app/modules/engine/message-ledger.server.ts";
const RAW_WRITE =
  /(UPDATE\s+"Message"|INSERT\s+INTO\s+"Message"|DELETE\s+FROM\s+"Message"|insertIgnoringConflicts\(\s*\w+,\s*"Message")/;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "generated" ? [] : sources(path);
    return /\.tsx?$/.test(name) ? [relative(ROOT, path)] : [];
  });
}

describe("the message ledger's owner", () => {
  test("no file but the owner writes Message with raw SQL", () => {
    const writers = sources(join(ROOT, "app")).filter((file) => RAW_WRITE.test(readFileSync(join(ROOT, file), "utf8")));
    expect(writers).toEqual([OWNER]);
  });

  test("ESLint refuses a Prisma write to message outside the owner, and allows it in the owner", async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const code =
      "export async function f(db: { message: { updateMany(a: unknown): Promise<unknown> } }) {\n  await db.message.updateMany({});\n}\n";
    // Real paths in the project: type-aware lint needs the file to be part of it; the text is ours.
    const [outside] = await eslint.lintText(code, {
      filePath: join(ROOT, "app/modules/tracking/unsubscribe.server.ts"),
    });
    expect(outside?.messages.map((m) => m.ruleId)).toContain("no-restricted-syntax");
    const [inside] = await eslint.lintText(code, { filePath: join(ROOT, OWNER) });
    expect(inside?.messages.map((m) => m.ruleId)).not.toContain("no-restricted-syntax");
  }, 120_000);
});
