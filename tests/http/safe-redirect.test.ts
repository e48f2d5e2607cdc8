import { describe, expect, test } from "bun:test";
import { safeRedirectPath } from "../../src/http/safe-redirect.ts";

describe("where a login may send the user on to", () => {
  const kept: [string, string][] = [
    ["/issues", "/issues"],
    ["/leads?q=smith&page=2", "/leads?q=smith&page=2"],
    ["/leads?q=o%27brien", "/leads?q=o%27brien"],
    ["/calls/0b6c/events#top", "/calls/0b6c/events#top"],
  ];
  test.each(kept)("a path on this site is kept: %p", (next, expected) => {
    expect(safeRedirectPath(next)).toBe(expected);
  });

  const refused = [
    "//evil.example",
    "//evil.example/login",
    "/\\evil.example",
    "\\\\evil.example",
    "/%09/evil.example",
    "/\t/evil",
    "/\n/evil.example",
    "/%0a/evil.example",
    "/%5Cevil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "https://evil.example/",
    "http://localhost/issues",
    "evil.example",
    "javascript:alert(1)",
    " /issues",
    "/%E0%A4%A",
    "",
  ];
  test.each(refused)("anything else lands on the home page: %p", (next) => {
    expect(safeRedirectPath(next)).toBe("/");
  });

  test("nothing given: the home page", () => {
    expect(safeRedirectPath(undefined)).toBe("/");
    expect(safeRedirectPath(null)).toBe("/");
  });
});
