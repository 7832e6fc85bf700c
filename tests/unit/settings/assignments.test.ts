import {
  getAtPath,
  leafPaths,
  parseBoolean,
  parseLike,
  parseNumber,
  parseNumberList,
  setAtPath,
  splitAssignment,
} from "~/modules/platform/settings/assignments";

describe("splitAssignment", () => {
  test("splits at the first =, trimming the name and value", () => {
    expect(splitAssignment(" senderContact = https://x.jp/?a=b ")).toEqual({
      ok: true,
      name: "senderContact",
      value: "https://x.jp/?a=b",
    });
    expect(splitAssignment("senderName=")).toEqual({ ok: true, name: "senderName", value: "" });
  });
  test.each(["", "name", "=value", "  =x"])("%j is not an assignment", (text) => {
    expect(splitAssignment(text)).toMatchObject({ ok: false });
  });
});

describe("value parsers", () => {
  test("numbers are plain decimals only", () => {
    expect(parseNumber("16")).toEqual({ ok: true, value: 16 });
    expect(parseNumber("-2.5")).toEqual({ ok: true, value: -2.5 });
    for (const raw of ["", "1e3", "0x10", "ten", "1,000", " 5"]) expect(parseNumber(raw).ok).toBe(false);
  });
  test("booleans accept true/false, on/off, yes/no, 1/0", () => {
    expect(["true", "ON", "yes", "1"].map((r) => parseBoolean(r))).toEqual(Array(4).fill({ ok: true, value: true }));
    expect(["false", "off", "No", "0"].map((r) => parseBoolean(r))).toEqual(Array(4).fill({ ok: true, value: false }));
    expect(parseBoolean("maybe").ok).toBe(false);
  });
  test("number lists are comma separated", () => {
    expect(parseNumberList("30, 7")).toEqual({ ok: true, value: [30, 7] });
    expect(parseNumberList("30,,7").ok).toBe(false);
  });
  test("parseLike follows the current value's type", () => {
    expect(parseLike(true, "off")).toEqual({ ok: true, value: false });
    expect(parseLike(3, "4")).toEqual({ ok: true, value: 4 });
    expect(parseLike([1], "2,3")).toEqual({ ok: true, value: [2, 3] });
    expect(parseLike("weekly", "monthly")).toEqual({ ok: true, value: "monthly" });
    expect(parseLike(undefined, "x")).toEqual({ ok: true, value: "x" });
  });
});

describe("paths", () => {
  const value = { a: 1, b: { c: true, d: [1, 2] }, e: null };
  test("leafPaths lists every non-object value", () => {
    expect(leafPaths(value)).toEqual(["a", "b.c", "b.d", "e"]);
  });
  test("getAtPath / setAtPath", () => {
    expect(getAtPath(value, ["b", "c"])).toBe(true);
    expect(getAtPath(value, ["b", "x", "y"])).toBeUndefined();
    expect(setAtPath(value, ["b", "c"], false)).toEqual({ a: 1, b: { c: false, d: [1, 2] }, e: null });
    expect(setAtPath({}, ["x", "y"], 1)).toEqual({ x: { y: 1 } });
    expect(value.b.c).toBe(true);
  });
});
