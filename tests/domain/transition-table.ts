import { describe, expect, test } from "bun:test";
import type { Result } from "../../src/domain/result.ts";

/**
 * Checks a state machine against a table written out by hand in the test (not read back from
 * the code): every pair of states is tried, the legal ones must be allowed and every other one
 * refused with "illegal_transition" and a message naming both states.
 */
export function checkTransitionTable<S extends string>(
  what: string,
  statuses: readonly S[],
  legal: Record<S, readonly S[]>,
  change: (from: S, to: S) => Result<S, "illegal_transition">,
): void {
  const pairs = statuses.flatMap((from) => statuses.map((to) => [from, to] as const));
  const allowed = pairs.filter(([from, to]) => legal[from].includes(to));
  const refused = pairs.filter(([from, to]) => !legal[from].includes(to));

  describe(`${what} transitions`, () => {
    test("the table covers every status", () => {
      expect(Object.keys(legal).sort()).toEqual([...statuses].sort());
    });

    test.each(allowed)(`${what}: %s → %s is allowed`, (from, to) => {
      expect(change(from, to)).toEqual({ ok: true, value: to });
    });

    test.each(refused)(`${what}: %s → %s is refused`, (from, to) => {
      const result = change(from, to);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.reason).toBe("illegal_transition");
      expect(result.message).toContain(`A ${what} cannot go from ${from} to ${to}`);
    });
  });
}
