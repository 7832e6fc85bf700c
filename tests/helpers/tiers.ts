// Sorts the test files into the four tiers by what they import (directly or through
// tests/helpers), so the tier of a file is a fact about the file, not a list to keep in sync:
//   browser      a file under tests/browser/ or one that drives playwright-core
//   server       imports helpers/app-server (starts the built app)
//   integration  imports helpers/db (a migrated SQLite copy or a PostgreSQL schema)
//   unit         everything else: pure, no database, no build
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type Tier = "unit" | "integration" | "server" | "browser";

const ROOTS = ["tests", "app", "extensions"];
const SKIP_DIRS = new Set(["node_modules", "generated", "dist", "build", ".tmp"]);
const RELATIVE_IMPORT = /(?:from|import\()\s*["'](\.{1,2}\/[^"']+)["']/g;

export function testTiers(root: string): Record<Tier, string[]> {
  const tiers: Record<Tier, string[]> = { unit: [], integration: [], server: [], browser: [] };
  for (const file of ROOTS.flatMap((dir) => testFiles(path.join(root, dir)))) {
    tiers[tierOf(file, root)].push(path.relative(root, file).split(path.sep).join("/"));
  }
  return tiers;
}

export function tierOf(file: string, root: string): Tier {
  const helpers = path.join(root, "tests/helpers");
  const seen = new Set<string>();
  const visit = (module: string): void => {
    for (const match of readFileSync(module, "utf8").matchAll(RELATIVE_IMPORT)) {
      const target = resolveTs(path.resolve(path.dirname(module), match[1]!));
      if (!target || seen.has(target) || !target.startsWith(helpers + path.sep)) continue;
      seen.add(target);
      visit(target);
    }
  };
  visit(file);
  const relative = path.relative(root, file).split(path.sep).join("/");
  if (relative.startsWith("tests/browser/") || /["']playwright-core["']/.test(readFileSync(file, "utf8")))
    return "browser";
  if (seen.has(path.join(helpers, "app-server.ts"))) return "server";
  if (seen.has(path.join(helpers, "db.ts"))) return "integration";
  return "unit";
}

function resolveTs(base: string): string | undefined {
  return [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")].find((candidate) =>
    candidate.endsWith(".ts") || candidate.endsWith(".tsx") ? existsSync(candidate) : false,
  );
}

function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : testFiles(path.join(dir, entry.name));
    return entry.name.endsWith(".test.ts") ? [path.join(dir, entry.name)] : [];
  });
}
