import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";
import { createNodeResolver, importX } from "eslint-plugin-import-x";

// The module groups and what each may import (README "Architecture", ADR 0027): lowest first,
// a group imports only the groups listed against it (and itself).
const MAY_IMPORT = {
  platform: [],
  mirror: ["platform"],
  // ingest applies what Shopify sends: compliance erasure reaches the ledger and opt-in requests,
  // a finished import invalidates the reports' cached checks, the notify-me form mails a confirmation
  ingest: ["engine", "delivery", "reports", "mirror", "platform"],
  delivery: ["mirror", "platform"],
  engine: ["delivery", "mirror", "platform"],
  tracking: ["engine", "delivery", "mirror", "platform"],
  reports: ["mirror", "platform"],
  admin: ["ingest", "delivery", "engine", "tracking", "reports", "mirror", "platform"],
  jobs: ["admin", "ingest", "delivery", "engine", "tracking", "reports", "mirror", "platform"],
};
const GROUPS = Object.keys(MAY_IMPORT);
// Inside the engine: the tick and the ledger (the group's root files) use the scenarios, the
// scenarios use the recommendations, and the rules use none of them.
const ENGINE_ROOT = "app/modules/engine/*.ts";
const layerZones = [
  ...GROUPS.map((group) => ({
    target: `app/modules/${group}`,
    from: GROUPS.filter((other) => other !== group && !MAY_IMPORT[group].includes(other)).map(
      (other) => `app/modules/${other}`,
    ),
    message: `app/modules/${group} may import only ${[group, ...MAY_IMPORT[group]].join(", ")} (README "Architecture"): move the shared piece down instead.`,
  })).filter((zone) => zone.from.length > 0),
  {
    target: "app/modules",
    from: ["app/routes", "app/cli", "app/components", "app/entry.server.tsx", "app/root.tsx"],
    message: "Modules never import routes, the CLI or components: those are the adapters above them.",
  },
  { target: "app/lib", from: ["app/modules"], message: "app/lib is below every module." },
  {
    target: ["app/modules/engine/scenarios", "app/modules/engine/recommendations", "app/modules/engine/rules"],
    from: ENGINE_ROOT,
    message: "The tick and the ledger use the scenarios, not the other way round.",
  },
  {
    target: ["app/modules/engine/recommendations", "app/modules/engine/rules"],
    from: ["app/modules/engine/scenarios"],
    message: "The scenarios use the recommendations and the rules, not the other way round.",
  },
  {
    target: ["app/modules/engine/rules"],
    from: ["app/modules/engine/recommendations"],
    message: "The rules stand alone.",
  },
];

export default tseslint.config(
  {
    ignores: [
      "build/**",
      "public/build/**",
      "app/generated/**",
      "node_modules/**",
      "extensions/*/dist/**",
      "extensions/*/generated/**",
      ".cache/**",
      "test-artifacts/**",
      ".tmp/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        fetch: "readonly",
        Request: "readonly",
        Response: "readonly",
        Headers: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        Buffer: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        crypto: "readonly",
        AbortController: "readonly",
        performance: "readonly",
        structuredClone: "readonly",
        setImmediate: "readonly",
        window: "readonly",
        document: "readonly",
        navigator: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-console": "off",
    },
  },
  // Layers: no import cycle between files, and each module group imports only the groups below it.
  {
    files: ["app/**/*.ts", "app/**/*.tsx"],
    ignores: ["**/*.test.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/resolver-next": [
        createNodeResolver({
          tsconfig: { configFile: "tsconfig.json" },
          extensions: [".ts", ".tsx", ".js", ".mjs", ".json"],
        }),
      ],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": ["error", { basePath: import.meta.dirname, zones: layerZones }],
    },
  },
  // Type-aware rules: a promise nobody awaits loses its error (an unhandled rejection kills the
  // process) and its ordering; `void` marks the few that are deliberately fire-and-forget.
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
  // The message ledger has one writer (docs/engine-rules.md, "The message ledger"): every
  // create/update/delete of Message goes through app/modules/engine/message-ledger.server.ts.
  // Raw SQL writes are held by tests/unit/message-ledger-owner.test.ts. The bench seeder writes
  // fixture rows into a scratch database.
  {
    files: ["app/**/*.ts", "app/**/*.tsx"],
    ignores: ["app/modules/engine/message-ledger.server.ts", "app/cli/bench-*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "CallExpression[callee.type='MemberExpression'][callee.property.name=/^(create|createMany|createManyAndReturn|update|updateMany|updateManyAndReturn|upsert|delete|deleteMany)$/][callee.object.type='MemberExpression'][callee.object.property.name='message']",
          message:
            "Only app/modules/engine/message-ledger.server.ts writes the Message ledger: call one of its named transitions (or add one there).",
        },
      ],
    },
  },
  // Last: turns off the stylistic rules that would fight the formatter (Prettier owns layout).
  prettier,
);
