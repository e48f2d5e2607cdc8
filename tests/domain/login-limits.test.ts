import { describe, expect, test } from "bun:test";
import { createLoginLimiter } from "../../src/domain/login-limits.ts";

const at = (minutes: number) => new Date(Date.UTC(2026, 11, 3, 9, 0) + minutes * 60_000);
const tom = { email: "tom@handy.example", address: "198.51.100.7" };

describe("login limits", () => {
  test("the attempt over the limit is refused until the oldest counted one leaves the window", () => {
    const limiter = createLoginLimiter({ perAddressAndEmail: 3, perEmail: 10, perAddress: 100 }, 15);
    for (const minute of [0, 1, 2]) expect(limiter.attempt(tom, at(minute)).allowed).toBe(true);
    const refused = limiter.attempt(tom, at(5));
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 10 * 60 });
    expect(limiter.attempt(tom, at(14.9)).allowed).toBe(false);
    expect(limiter.attempt(tom, at(15)).allowed).toBe(true);
  });

  test("a refused attempt is not counted, so waiting is enough", () => {
    const limiter = createLoginLimiter({ perAddressAndEmail: 1, perEmail: 10, perAddress: 100 }, 15);
    limiter.attempt(tom, at(0));
    for (let minute = 1; minute < 15; minute++) limiter.attempt(tom, at(minute));
    expect(limiter.attempt(tom, at(15)).allowed).toBe(true);
  });

  test("a success clears the pair and takes its own attempt back from the email and the address", () => {
    const limiter = createLoginLimiter({ perAddressAndEmail: 2, perEmail: 3, perAddress: 3 }, 15);
    limiter.attempt(tom, at(0)); // a failure
    const right = limiter.attempt(tom, at(1));
    if (!right.allowed) throw new Error("refused");
    right.succeeded();
    // The pair starts afresh (2 more), the email and address hold only the failure (2 more).
    expect(limiter.attempt(tom, at(2)).allowed).toBe(true);
    expect(limiter.attempt(tom, at(3)).allowed).toBe(true);
    expect(limiter.attempt({ ...tom, address: "203.0.113.9" }, at(4)).allowed).toBe(false);
  });
});
