import { describe, expect, test } from "bun:test";
import { createSignedLinks } from "../../../src/adapters/local/signed-links.ts";

const secret = "links-secret-links-secret-links-secret-01";
const t0 = Date.UTC(2026, 10, 27, 9, 0, 0);

describe("signed download links", () => {
  test("a token names its key until it expires", () => {
    let now = t0;
    const links = createSignedLinks(secret, () => now);
    const token = links.sign("photos/a.jpg", 60);
    expect(links.verify(token)).toEqual({ ok: true, value: "photos/a.jpg" });
    now = t0 + 59_999;
    expect(links.verify(token).ok).toBe(true);
    now = t0 + 60_000;
    expect(links.verify(token)).toMatchObject({ ok: false, reason: "expired" });
  });

  test("a token with its key or expiry swapped is refused", () => {
    const links = createSignedLinks(secret, () => t0);
    const [, signature] = links.sign("photos/a.jpg", 60).split(".");
    const [otherPayload] = links.sign("photos/b.jpg", 60).split(".");
    const [laterPayload] = links.sign("photos/a.jpg", 6000).split(".");
    expect(links.verify(`${otherPayload}.${signature}`)).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(links.verify(`${laterPayload}.${signature}`)).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  test("a token signed with another secret is refused", () => {
    const theirs = createSignedLinks("x".repeat(40), () => t0).sign("photos/a.jpg", 60);
    expect(createSignedLinks(secret, () => t0).verify(theirs)).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  test("garbage is refused as malformed or badly signed, never thrown", () => {
    const links = createSignedLinks(secret, () => t0);
    const good = links.sign("photos/a.jpg", 60);
    for (const token of ["", ".", "abc", "a.b.c", `${good}.x`, `${good}x`, `${good.slice(0, -1)}`, "%%%.%%%"]) {
      const result = links.verify(token);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(["malformed", "bad_signature"]).toContain(result.reason);
    }
  });

  test("links are only made for allowed keys and whole positive durations", () => {
    const links = createSignedLinks(secret);
    expect(() => links.sign("../etc/passwd", 60)).toThrow(/refused|must start/);
    expect(() => links.sign("photos/a.jpg", 0)).toThrow(RangeError);
    expect(() => links.sign("photos/a.jpg", 1.5)).toThrow(RangeError);
  });
});
