import { z } from "zod";
import { deepMerge, parseWithDefaults } from "~/modules/platform/settings/settings-json";

describe("deepMerge", () => {
  test("merges objects key by key; arrays, null and scalars replace; undefined keeps", () => {
    expect(
      deepMerge({ a: { b: 1, c: 2 }, l: [1, 2], n: { x: 1 }, k: 1 }, { a: { c: 3 }, l: [9], n: null, k: undefined }),
    ).toEqual({
      a: { b: 1, c: 3 },
      l: [9],
      n: null,
      k: 1,
    });
    expect(deepMerge(null, { a: 1 })).toEqual({ a: 1 });
    expect(deepMerge({ a: 1 }, undefined)).toEqual({ a: 1 });
  });

  test("does not modify its inputs", () => {
    const base = { a: { b: 1 } };
    deepMerge(base, { a: { b: 2 } });
    expect(base).toEqual({ a: { b: 1 } });
  });
});

describe("parseWithDefaults", () => {
  const schema = z.strictObject({
    n: z.number().default(1),
    inner: z.strictObject({ m: z.number().default(2), s: z.string().default("s") }).prefault({}),
  });

  test("drops what is invalid or unknown, at any depth", () => {
    expect(parseWithDefaults(schema, '{"n":"x","inner":{"m":5,"s":3,"extra":1},"other":true}')).toEqual({
      n: 1,
      inner: { m: 5, s: "s" },
    });
  });

  test("a required value without a default takes its parent's default along", () => {
    const strict = z.strictObject({ pair: z.strictObject({ a: z.number(), b: z.number() }).default({ a: 1, b: 2 }) });
    expect(parseWithDefaults(strict, '{"pair":{"a":5,"b":"x"}}')).toEqual({ pair: { a: 1, b: 2 } });
  });
});
