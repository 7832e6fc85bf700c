// What `shopify app deploy` does with the first-purchase Discount Function, offline: the CLI runs
// `graphql-code-generator --config package.json` in the extension folder (the `codegen` block,
// as Shopify's function template ships it), then checks the input query against the Function
// API schema. Here the same codegen runs on a copy of the extension, and Shopify's published
// validators (@shopify/shopify-function-test-helpers) check the input query, the inputs Shopify
// would send for new, repeat and guest carts, and what the run function answers to each.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import {
  loadInputQuery,
  loadSchema,
  validateTestAssets,
  type FixtureData,
} from "@shopify/shopify-function-test-helpers";
import type { DocumentNode, GraphQLSchema } from "graphql";
import { cartLinesDiscountsGenerateRun } from "../../../extensions/joren-first-purchase-discount/src/cart_lines_discounts_generate_run";
import {
  CurrencyCode,
  DiscountClass,
  LanguageCode,
  type CartInput,
} from "../../../extensions/joren-first-purchase-discount/src/types";

const EXTENSION = path.resolve("extensions/joren-first-purchase-discount");
const TARGET = "cart.lines.discounts.generate.run";
const extensionToml = readFileSync(path.join(EXTENSION, "shopify.extension.toml"), "utf8");
const INPUT_QUERY = path.join(EXTENSION, /input_query\s*=\s*"([^"]+)"/.exec(extensionToml)![1]!);
const EXPORT = /export\s*=\s*"([^"]+)"/.exec(extensionToml)![1]!;
const CONFIG = {
  version: 1,
  enabled: true,
  kind: "percent",
  value: 10,
  currencyCode: null,
  message: { ja: "初回購入10%オフ", en: "10% off your first order" },
};

let schema: GraphQLSchema;
let query: DocumentNode;

beforeAll(async () => {
  schema = await loadSchema(path.join(EXTENSION, "schema.graphql"));
  query = await loadInputQuery(INPUT_QUERY);
});

describe("shopify app deploy: the Function's codegen", () => {
  test("the package.json codegen block generates the input and output types from schema.graphql offline, and the committed types are current", async () => {
    // inside the repository, so the codegen plugins resolve from node_modules as in the app
    mkdirSync(path.resolve(".tmp"), { recursive: true });
    const work = mkdtempSync(path.resolve(".tmp", "function-codegen-"));
    try {
      for (const entry of ["package.json", "schema.graphql", "src"])
        cpSync(path.join(EXTENSION, entry), path.join(work, entry), { recursive: true });
      const bin = path.resolve("node_modules/.bin/graphql-code-generator");
      // the CLI's own invocation; a missing codegen block or schema makes it exit 1
      await promisify(execFile)(bin, ["--config", "package.json"], { cwd: work, env: { ...process.env, CI: "true" } });
      const generated = readFileSync(path.join(work, "generated/api.ts"), "utf8");
      expect(generated).toMatch(/export type CartInput = /);
      expect(generated).toMatch(/export type CartLinesDiscountsGenerateRunResult = /);
      expect(generated).toBe(readFileSync(path.join(EXTENSION, "generated/api.ts"), "utf8"));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("Shopify's validators on the input query, inputs and outputs", () => {
  const cart = (customer: CartInput["cart"]["buyerIdentity"]): CartInput => ({
    cart: { buyerIdentity: customer, cost: { subtotalAmount: { currencyCode: CurrencyCode.Jpy } } },
    discount: { discountClasses: [DiscountClass.Order], metafield: { jsonValue: CONFIG } },
    localization: { language: { isoCode: LanguageCode.Ja } },
  });
  const carts: [string, CartInput, number][] = [
    [
      "a new customer (logged in, no orders)",
      cart({ customer: { id: "gid://shopify/Customer/9007199254740993", numberOfOrders: 0 } }),
      1,
    ],
    ["a repeat customer", cart({ customer: { id: "gid://shopify/Customer/9007199254740995", numberOfOrders: 3 } }), 0],
    ["a guest", cart({ customer: null }), 0],
  ];

  test.each(carts)(
    "%s: the query, Shopify's input and the run function's answer all validate",
    async (_name, input, operations) => {
      const output = cartLinesDiscountsGenerateRun(input);
      expect(output.operations).toHaveLength(operations);
      const fixture: FixtureData = { export: EXPORT, target: TARGET, input, expectedOutput: output };
      const result = await validateTestAssets({ schema, fixture, inputQueryAST: query });
      expect(result.error).toBeUndefined();
      expect(result.inputQuery.errors).toEqual([]);
      expect(result.inputFixture.errors).toEqual([]);
      expect(result.outputFixture.errors).toEqual([]);
      expect(result.mutationName).toBe("cartLinesDiscountsGenerateRun");
    },
  );

  test("the validators do catch a wrong output and an input the query does not ask for", async () => {
    const input = carts[0]![1];
    const good = cartLinesDiscountsGenerateRun(input);
    const wrong = {
      operations: [{ orderDiscountsAdd: { ...good.operations[0]!.orderDiscountsAdd, selectionStrategy: "ALL" } }],
    };
    const bad = await validateTestAssets({
      schema,
      fixture: { export: EXPORT, target: TARGET, input, expectedOutput: wrong },
      inputQueryAST: query,
    });
    expect(bad.outputFixture.errors.length).toBeGreaterThan(0);
    const extra = { ...input, cart: { ...input.cart, note: "not in the query" } };
    const unasked = await validateTestAssets({
      schema,
      fixture: { export: EXPORT, target: TARGET, input: extra, expectedOutput: good },
      inputQueryAST: query,
    });
    expect(unasked.inputFixture.errors.length).toBeGreaterThan(0);
  });
});
