import { expect, test } from "bun:test";
import { ok, reject } from "../../src/domain/result.ts";

test("ok wraps a value", () => {
  expect(ok(42)).toEqual({ ok: true, value: 42 });
});

test("reject carries a machine reason and a sentence for people", () => {
  expect(reject("quote_expired", "This quote has expired.")).toEqual({
    ok: false,
    reason: "quote_expired",
    message: "This quote has expired.",
  });
});
