#!/usr/bin/env node
// Regroups app/modules by the flow (ADR 0027): moves folders and files with `git mv` and rewrites
// every import specifier and every `app/modules/…` path mentioned in code and docs to match.
//
//   node scripts/regroup-modules.mjs           # apply
//   node scripts/regroup-modules.mjs --check   # exit 1 if anything would change; writes nothing
//
// It is a codemod, not a one-off: run it again on a tree that others changed since (new files,
// new imports) and it moves and rewrites those too; on a regrouped tree it does nothing. It knows
// no file list: a file moves with the longest entry of MOVES that contains it, and an import is
// resolved against the tree as it is before the move, then written again for the tree after it,
// keeping its style (`~/` alias or relative, extension or not, folder index or file).
// A file containing the marker `regroup-modules: leave` is not rewritten (this script and its test
// hold the old paths on purpose).
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The groups, lowest first; each may import only those README "Architecture" allows it. */
export const GROUPS = ["platform", "mirror", "ingest", "delivery", "engine", "tracking", "reports", "admin", "jobs"];

/**
 * Old path → new path, folders or files, relative to the repository root. The longest entry that
 * contains a path wins, so a file entry overrides its folder's. No new path may lie inside any
 * old one: that is what makes a second run find nothing to do.
 * @type {[string, string][]}
 */
export const MOVES = [
  // platform: what every layer may use — the Admin API port, settings, time zones, rate limits, secrets
  ["app/modules/shopify", "app/modules/platform/shopify"],
  ["app/modules/settings", "app/modules/platform/settings"],
  ["app/modules/shops/shop-settings.server.ts", "app/modules/platform/settings/shop-settings.server.ts"],
  ["app/modules/shops/sendgrid-key.server.ts", "app/modules/platform/secrets/sendgrid-key.server.ts"],
  ["app/modules/engine/rules/shop-time.ts", "app/modules/platform/time/shop-time.ts"],
  ["app/modules/scenarios/local-dates.ts", "app/modules/platform/time/local-dates.ts"],
  ["app/modules/behaviour/token-buckets.ts", "app/modules/platform/rate-limit/token-buckets.ts"],
  ["app/modules/behaviour/endpoint-rate-limit.ts", "app/modules/platform/rate-limit/endpoint-rate-limit.ts"],
  ["app/modules/behaviour/pixel-rate-limit.ts", "app/modules/platform/rate-limit/pixel-rate-limit.ts"],
  ["app/modules/demo", "app/modules/platform/demo"],
  ["app/modules/mail/templates/escape-html.ts", "app/lib/escape-html.ts"],
  // mirror: the store's data as Joren keeps it
  ["app/modules/customers", "app/modules/mirror/customers"],
  ["app/modules/orders", "app/modules/mirror/orders"],
  ["app/modules/checkouts", "app/modules/mirror/checkouts"],
  ["app/modules/catalog", "app/modules/mirror/catalog"],
  ["app/modules/points", "app/modules/mirror/points"],
  ["app/modules/compliance", "app/modules/mirror/compliance"],
  ["app/modules/ingest/types.ts", "app/modules/mirror/types.ts"],
  // the first-purchase guard's reading of the mirror: who is a prospect, what was withheld, counters
  ["app/modules/guard", "app/modules/mirror/guard"],
  ["app/modules/shops/uninstall-shop.server.ts", "app/modules/mirror/uninstall-shop.server.ts"],
  // ingest: how data comes in (the webhook inbox stays at the group's root)
  ["app/modules/import", "app/modules/ingest/import"],
  ["app/modules/behaviour", "app/modules/ingest/pixel"],
  ["app/modules/storefront", "app/modules/ingest/storefront"],
  ["app/modules/back-in-stock", "app/modules/ingest/back-in-stock"],
  ["app/modules/birthdays", "app/modules/ingest/birthdays"],
  // delivery: rendering and sending an email, and the catalogue as emails show it
  ["app/modules/mail", "app/modules/delivery/mail"],
  ["app/modules/scenarios/catalog-products.server.ts", "app/modules/delivery/mail/catalog-products.server.ts"],
  // engine: who gets what when (the tick, its rules and the ledger stay at the group's root)
  ["app/modules/scenarios", "app/modules/engine/scenarios"],
  ["app/modules/recommendations", "app/modules/engine/recommendations"],
  // tracking: what happens to a sent email — opens, clicks, unsubscribes, provider events
  ["app/modules/mail/mail-endpoints.server.ts", "app/modules/tracking/mail-endpoints.server.ts"],
  ["app/modules/mail/mail-rate-limit.ts", "app/modules/tracking/mail-rate-limit.ts"],
  ["app/modules/mail/record-mail-events.server.ts", "app/modules/tracking/record-mail-events.server.ts"],
  ["app/modules/mail/sendgrid-events.server.ts", "app/modules/tracking/sendgrid-events.server.ts"],
  ["app/modules/mail/suppress-email.server.ts", "app/modules/tracking/suppress-email.server.ts"],
  ["app/modules/mail/unsubscribe.server.ts", "app/modules/tracking/unsubscribe.server.ts"],
  ["app/modules/mail/email-pages.ts", "app/modules/tracking/email-pages.ts"],
  ["app/modules/mail/demo-clock.server.ts", "app/modules/tracking/demo-clock.server.ts"],
  // reports: read the mirror (the reports stay at the group's root)
  ["app/modules/report-export", "app/modules/reports/export"],
  // admin: what the embedded admin shows and changes
  ["app/modules/shops", "app/modules/admin/shops"],
  ["app/modules/guard/checkout-discount.server.ts", "app/modules/admin/guard/checkout-discount.server.ts"],
  ["app/modules/guard/checkout-discount-admin.server.ts", "app/modules/admin/guard/checkout-discount-admin.server.ts"],
  ["app/modules/scenarios/scenario-overview.server.ts", "app/modules/admin/scenarios/scenario-overview.server.ts"],
  ["app/modules/scenarios/scenario-trend.server.ts", "app/modules/admin/scenarios/scenario-trend.server.ts"],
  ["app/modules/scenarios/scenario-results.server.ts", "app/modules/admin/scenarios/scenario-results.server.ts"],
  ["app/modules/scenarios/scenario-form.ts", "app/modules/admin/scenarios/scenario-form.ts"],
  ["app/modules/scenarios/scenario-admin-input.ts", "app/modules/admin/scenarios/scenario-admin-input.ts"],
  ["app/modules/mail/scenario-preview.server.ts", "app/modules/admin/scenarios/scenario-preview.server.ts"],
  ["app/modules/customers/search-customers.server.ts", "app/modules/admin/customers/search-customers.server.ts"],
  ["app/modules/customers/customer-list-query.ts", "app/modules/admin/customers/customer-list-query.ts"],
  ["app/modules/customers/customer-timeline.server.ts", "app/modules/admin/customers/customer-timeline.server.ts"],
  // jobs: the process — the inbox thread, the scheduler, and the endpoints wired to them
  ["app/modules/ingest/webhook-endpoint.server.ts", "app/modules/jobs/endpoints/webhook-endpoint.server.ts"],
  ["app/modules/behaviour/pixel-intake.server.ts", "app/modules/jobs/endpoints/pixel-intake.server.ts"],
  ["app/modules/behaviour/pixel-endpoint.server.ts", "app/modules/jobs/endpoints/pixel-endpoint.server.ts"],
];

/** Where imports and path mentions are rewritten; files are moved only by MOVES. */
const SCAN_DIRS = ["app", "tests", "scripts", "extensions", "docs", "prisma"];
const SKIP_DIRS = new Set(["node_modules", "build", "generated", "dist", ".cache", ".tmp", "test-artifacts", ".git"]);
const TEXT_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|md|toml|json|graphql|liquid)$/;
const CODE_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const RESOLVE_EXTENSIONS = [".ts", ".tsx", ".mts", ".js", ".jsx", ".mjs", ".cjs", ".d.ts", ".json"];
const LEAVE_MARKER = "regroup-modules: leave";
/** import … from "x", export … from "x", import "x", import("x"), require("x"), vi.mock("x"), … */
const SPECIFIER =
  /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\b(?:vi|jest)\.(?:mock|doMock|unmock|doUnmock|importActual|importMock)\s*\(\s*|\brequire\s*\(\s*)(["'])([^"'\n]+)\2/g;
/** a repository path in prose, comments or strings: app/modules/…, ~/modules/… */
const MENTION = /(?<![\w.-])(app|~)\/modules\/[\w.$@/-]*[\w$]/g;

const within = (p, prefix) => p === prefix || p.startsWith(prefix + "/");

/** @param {[string, string][]} moves */
export function validateMoves(moves) {
  const problems = [];
  for (const [from, to] of moves) {
    for (const [source] of moves)
      if (within(to, source)) problems.push(`${from} → ${to} lands inside ${source}, which is moved too`);
  }
  if (problems.length) throw new Error(`regroup-modules: the move map cannot be re-run:\n${problems.join("\n")}`);
}

/**
 * The new path of a repository path (a file or a folder), or the path itself.
 * @param {string} rel
 * @param {[string, string][]} moves
 */
export function mapPath(rel, moves) {
  let best = null;
  for (const entry of moves) if (within(rel, entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  return best ? best[1] + rel.slice(best[0].length) : rel;
}

function aliasesOf(root) {
  try {
    const paths = JSON.parse(readFileSync(path.join(root, "tsconfig.json"), "utf8")).compilerOptions?.paths ?? {};
    const aliases = Object.entries(paths)
      .filter(([key, targets]) => key.endsWith("/*") && targets[0]?.endsWith("/*"))
      .map(([key, targets]) => ({ prefix: key.slice(0, -1), dir: path.posix.normalize(targets[0].slice(0, -2)) }));
    if (aliases.length) return aliases;
  } catch {
    // no or unreadable tsconfig: the project's one alias
  }
  return [{ prefix: "~/", dir: "app" }];
}

function walk(root, dir, out) {
  const full = path.join(root, dir);
  if (!existsSync(full)) return out;
  for (const entry of readdirSync(full, { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) walk(root, rel, out);
    } else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/**
 * @param {{ root: string, moves?: [string, string][], check?: boolean, useGit?: boolean, log?: (line: string) => void }} options
 * @returns {{ edited: string[], moved: [string, string][], unplaced: string[] }}
 */
export function regroup({
  root,
  moves = MOVES,
  check = false,
  useGit = existsSync(path.join(root, ".git")),
  log = () => {},
}) {
  validateMoves(moves);
  const aliases = aliasesOf(root);
  const files = [
    ...new Set([
      ...SCAN_DIRS.flatMap((dir) => walk(root, dir, [])),
      ...readdirSync(root).filter((name) => statSync(path.join(root, name)).isFile()),
    ]),
  ];
  const fileSet = new Set(files);
  const isFile = (rel) => fileSet.has(rel);
  const isDir = (rel) => existsSync(path.join(root, rel)) && statSync(path.join(root, rel)).isDirectory();

  /** the file a written path means, and what was added to it to get there */
  const resolve = (written) => {
    if (isFile(written)) return { file: written, added: "" };
    for (const ext of RESOLVE_EXTENSIONS) if (isFile(written + ext)) return { file: written + ext, added: ext };
    if (/\.(c|m)?js$/.test(written)) {
      const stem = written.replace(/\.(c|m)?js$/, "");
      for (const ext of [".ts", ".tsx", ".mts", ".cts"])
        if (isFile(stem + ext)) return { file: stem + ext, added: "", jsFor: ext };
    }
    if (isDir(written))
      for (const ext of RESOLVE_EXTENSIONS)
        if (isFile(`${written}/index${ext}`)) return { file: `${written}/index${ext}`, added: `/index${ext}` };
    return null;
  };

  const rewriteSpecifier = (importer, newImporter, spec) => {
    let written;
    let alias = null;
    if (spec.startsWith("./") || spec.startsWith("../"))
      written = path.posix.normalize(path.posix.join(path.posix.dirname(importer), spec));
    else {
      alias = aliases.find((a) => spec.startsWith(a.prefix));
      if (!alias) return spec;
      written = path.posix.join(alias.dir, spec.slice(alias.prefix.length));
    }
    const target = resolve(written);
    if (!target) {
      if (newImporter !== importer && !alias) log(`warning: ${importer}: cannot resolve ${spec}; left as it is`);
      return spec;
    }
    let next = mapPath(target.file, moves);
    if (next === target.file && newImporter === importer) return spec;
    if (target.jsFor) next = next.slice(0, -target.jsFor.length) + written.slice(written.lastIndexOf("."));
    else if (target.added && next.endsWith(target.added)) next = next.slice(0, -target.added.length);
    if (alias) {
      const home = aliases.find((a) => within(next, a.dir)) ?? (within(next, alias.dir) ? alias : null);
      if (home) return home.prefix + next.slice(home.dir.length + 1);
    }
    let relative = path.posix.relative(path.posix.dirname(newImporter), next);
    if (!relative.startsWith("../")) relative = `./${relative}`;
    return relative;
  };

  const rewriteMention = (mention) => {
    const repoPath = mention.startsWith("~/") ? `app/${mention.slice(2)}` : mention;
    let next = mapPath(repoPath, moves);
    if (next === repoPath) {
      const ext = RESOLVE_EXTENSIONS.find((e) => mapPath(repoPath + e, moves) !== repoPath + e);
      if (!ext) return mention;
      next = mapPath(repoPath + ext, moves).slice(0, -ext.length);
    }
    if (!mention.startsWith("~/")) return next;
    return within(next, "app") ? `~/${next.slice(4)}` : mention;
  };

  const edits = [];
  for (const rel of files) {
    if (!TEXT_FILE.test(rel)) continue;
    const text = readFileSync(path.join(root, rel), "utf8");
    if (text.includes(LEAVE_MARKER)) continue;
    const newRel = mapPath(rel, moves);
    let next = CODE_FILE.test(rel)
      ? text.replace(
          SPECIFIER,
          (all, lead, quote, spec) => `${lead}${quote}${rewriteSpecifier(rel, newRel, spec)}${quote}`,
        )
      : text;
    next = next.replace(MENTION, rewriteMention);
    if (next !== text) edits.push({ rel, text: next });
  }
  const renames = files.map((rel) => [rel, mapPath(rel, moves)]).filter(([from, to]) => from !== to);
  for (const [from, to] of renames)
    if (existsSync(path.join(root, to))) throw new Error(`regroup-modules: ${from} would overwrite ${to}`);

  const unplaced = existsSync(path.join(root, "app/modules"))
    ? readdirSync(path.join(root, "app/modules"), { withFileTypes: true })
        .filter(
          (e) =>
            e.isDirectory() &&
            !GROUPS.includes(e.name) &&
            mapPath(`app/modules/${e.name}`, moves) === `app/modules/${e.name}`,
        )
        .map((e) => `app/modules/${e.name}`)
    : [];
  for (const folder of unplaced)
    log(`warning: ${folder} is in no group; add it to MOVES in scripts/regroup-modules.mjs`);
  if (check) return { edited: edits.map((e) => e.rel), moved: renames, unplaced };

  for (const { rel, text } of edits) writeFileSync(path.join(root, rel), text);
  const tracked = useGit
    ? new Set(execFileSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" }).split("\0"))
    : new Set();
  for (const [from, to] of renames) {
    mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
    if (tracked.has(from)) execFileSync("git", ["mv", from, to], { cwd: root });
    else renameSync(path.join(root, from), path.join(root, to));
  }
  for (const [from] of renames) removeEmptyDirs(root, path.posix.dirname(from));
  log(`regroup-modules: moved ${renames.length} files, rewrote ${edits.length} files`);
  return { edited: edits.map((e) => e.rel), moved: renames, unplaced };
}

function removeEmptyDirs(root, dir) {
  while (
    dir &&
    dir !== "." &&
    dir !== "app/modules" &&
    existsSync(path.join(root, dir)) &&
    readdirSync(path.join(root, dir)).length === 0
  ) {
    rmdirSync(path.join(root, dir));
    dir = path.posix.dirname(dir);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  const check = process.argv.includes("--check");
  const result = regroup({ root, check, log: (line) => console.error(line) });
  if (check) {
    const pending = result.moved.length + result.edited.length;
    console.error(
      pending
        ? `regroup-modules: ${result.moved.length} files to move, ${result.edited.length} to rewrite`
        : "regroup-modules: nothing to do",
    );
    process.exitCode = pending ? 1 : 0;
  }
}
