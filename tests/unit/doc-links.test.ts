// Every relative link in README.md, CONTRIBUTING.md and docs/**/*.md points at a file or folder
// that exists, so a renamed file or ADR cannot silently strand the docs that cite it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";

const root = path.resolve(__dirname, "../..");

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith(".md") ? [full] : [];
  });
}

/** Inline links and images `[text](target)` and reference definitions `[id]: target`, outside code. */
export function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  const targets = [
    ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!),
    ...[...prose.matchAll(/^\s*\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1]!),
  ];
  return targets.filter((target) => !/^([a-z][a-z0-9+.-]*:|#)/i.test(target));
}

test("finds relative links and leaves URLs, anchors and code alone", () => {
  expect(
    relativeLinks("[a](guide/a.md#x) [b](https://x.test) [c](#top) `[d](e.md)`\n[r]: ./r.md\n```\n[f](g.md)\n```"),
  ).toEqual(["guide/a.md#x", "./r.md"]);
});

test("every relative link in the docs resolves", () => {
  const files = [
    path.join(root, "README.md"),
    path.join(root, "CONTRIBUTING.md"),
    ...markdownFiles(path.join(root, "docs")),
  ].filter(existsSync);
  expect(files.length).toBeGreaterThan(10);
  const broken = files.flatMap((file) =>
    relativeLinks(readFileSync(file, "utf8"))
      .filter((target) => !existsSync(path.resolve(path.dirname(file), decodeURIComponent(target.split("#")[0]!))))
      .map((target) => `${path.relative(root, file)} -> ${target}`),
  );
  expect(broken).toEqual([]);
});

test("every docs/… path the code and docs mention exists", () => {
  const sources = [
    ...["app", "tests", "scripts"].flatMap((dir) => sourceFiles(path.join(root, dir))),
    path.join(root, "README.md"),
    ...markdownFiles(path.join(root, "docs")),
  ];
  const missing = sources.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/\bdocs\/[\w./-]+\.md\b/g)]
      .map((m) => m[0])
      .filter((mention) => !existsSync(path.join(root, mention)))
      .map((mention) => `${path.relative(root, file)} -> ${mention}`),
  );
  expect(missing).toEqual([]);
});

test("every ADR is dated and has a status", () => {
  const adrs = markdownFiles(path.join(root, "docs/decisions"));
  expect(adrs.length).toBeGreaterThan(10);
  const undated = adrs.filter(
    (file) =>
      !/^Date: \d{4}-\d{2}-\d{2} · Status: (Proposed|Accepted|Deprecated|Superseded by \d{4})/m.test(
        readFileSync(file, "utf8"),
      ),
  );
  expect(undated.map((file) => path.relative(root, file))).toEqual([]);
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === "generated" || entry.name === "node_modules" ? [] : sourceFiles(full);
    return /\.(ts|tsx|mjs|js)$/.test(entry.name) ? [full] : [];
  });
}
