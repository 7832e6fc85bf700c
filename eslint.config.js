import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", "app/generated/**", "node_modules/**", "extensions/*/dist/**", "extensions/*/generated/**", ".cache/**", "test-artifacts/**", ".tmp/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", fetch: "readonly", Request: "readonly", Response: "readonly", Headers: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", Buffer: "readonly", TextEncoder: "readonly", TextDecoder: "readonly", crypto: "readonly", AbortController: "readonly", performance: "readonly", structuredClone: "readonly", setImmediate: "readonly", window: "readonly", document: "readonly", navigator: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-console": "off",
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
          message: "Only app/modules/engine/message-ledger.server.ts writes the Message ledger: call one of its named transitions (or add one there).",
        },
      ],
    },
  },
  // Last: turns off the stylistic rules that would fight the formatter (Prettier owns layout).
  prettier,
);
