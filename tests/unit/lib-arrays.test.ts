import { cycleAt, firstPiece, itemAt, percentileOf } from "~/lib/arrays";

describe("itemAt", () => {
  test("returns the element at an index in range, including a falsy one", () => {
    expect(itemAt(["a", "b"], 1)).toBe("b");
    expect(itemAt([0, 5], 0)).toBe(0);
  });

  test("throws a RangeError naming what was read when the index is out of range", () => {
    expect(() => itemAt(["a"], 1, "server")).toThrow(new RangeError("server 1 is out of range: there are 1"));
    expect(() => itemAt(["a"], -1)).toThrow(RangeError);
    expect(() => itemAt(["a"], 0.5)).toThrow(RangeError);
  });
});

test("cycleAt goes round the list, and throws on an empty one", () => {
  expect([0, 1, 2, 3].map((i) => cycleAt(["x", "y", "z"], i))).toEqual(["x", "y", "z", "x"]);
  expect(() => cycleAt([], 0, "server")).toThrow(RangeError);
});

test("percentileOf is nearest-rank and 0 for no values", () => {
  expect(percentileOf([], 50)).toBe(0);
  expect(percentileOf([1, 2, 3, 4], 50)).toBe(2);
  expect(percentileOf([1, 2, 3, 4], 99)).toBe(4);
});

test("firstPiece is the text before the first separator, or all of it", () => {
  expect(firstPiece("12.50", ".")).toBe("12");
  expect(firstPiece("no separator", ".")).toBe("no separator");
  expect(firstPiece("reason (details): more", /[(:]/)).toBe("reason ");
});
