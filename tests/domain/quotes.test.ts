import { describe, expect, test } from "bun:test";
import {
  DEFAULT_VAT_RATE_PERCENT,
  LINE_KINDS,
  MAX_QUANTITY,
  ACCEPTABLE_QUOTE_STATUSES,
  ACCEPTED_QUOTE_STATUSES,
  DECLINABLE_QUOTE_STATUSES,
  PAYABLE_QUOTE_STATUSES,
  QUOTE_STATUSES,
  REPLACEABLE_QUOTE_STATUSES,
  RESENDABLE_QUOTE_STATUSES,
  SHAREABLE_QUOTE_STATUSES,
  canAccept,
  canBeAccepted,
  canBeDeclined,
  canBePaid,
  canBeReplaced,
  canBeResent,
  canBeShared,
  hasBeenAccepted,
  changeQuoteStatus,
  checkLine,
  lineNetPence,
  quoteTransitions,
  quoteTotals,
  type Deposit,
  type QuoteLine,
  type QuoteStatus,
  type QuoteTotals,
} from "../../src/domain/quotes.ts";
import { seededRandom } from "./random.ts";
import { checkTransitionTable } from "./transition-table.ts";

const aLine = (over: Partial<QuoteLine> = {}): QuoteLine => ({
  kind: "labour",
  description: "Labour",
  quantity: 1,
  unitPricePence: 10_000,
  vatRatePercent: DEFAULT_VAT_RATE_PERCENT,
  ...over,
});
/** A line whose net is exactly `pence`. */
const aLineOf = (pence: number, vatRatePercent = 20): QuoteLine => aLine({ unitPricePence: pence, vatRatePercent });

// draft → sent → viewed → accepted → (deposit paid →) paid | declined | expired. Editing a sent
// quote makes a new version and supersedes the old one, which may already have expired.
checkTransitionTable<QuoteStatus>(
  "quote",
  QUOTE_STATUSES,
  {
    draft: ["sent"],
    sent: ["viewed", "accepted", "declined", "expired", "superseded"],
    viewed: ["accepted", "declined", "expired", "superseded"],
    accepted: ["deposit_paid", "paid"],
    deposit_paid: ["paid"],
    paid: [],
    declined: [],
    expired: ["superseded"],
    superseded: [],
  },
  (from, to) => changeQuoteStatus({ status: from }, to),
);

test("paid, declined and superseded are final", () => {
  expect(QUOTE_STATUSES.filter((s) => quoteTransitions[s].length === 0)).toEqual(["paid", "declined", "superseded"]);
  expect(changeQuoteStatus({ status: "paid" }, "declined")).toMatchObject({
    ok: false,
    reason: "illegal_transition",
    message: "A quote cannot go from paid to declined: paid is final.",
  });
});

describe("what each quote status allows, read off the transition table", () => {
  // Written out by hand, so a change to the table that moves one of these shows up here.
  test.each([
    ["accepted (sent or viewed)", ACCEPTABLE_QUOTE_STATUSES, canBeAccepted, ["sent", "viewed"]],
    ["already accepted", ACCEPTED_QUOTE_STATUSES, hasBeenAccepted, ["accepted", "deposit_paid", "paid"]],
    [
      "paid (accepting on the way, or until paid in full)",
      PAYABLE_QUOTE_STATUSES,
      canBePaid,
      ["sent", "viewed", "accepted", "deposit_paid"],
    ],
    ["sent again (nothing paid yet)", RESENDABLE_QUOTE_STATUSES, canBeResent, ["sent", "viewed", "accepted"]],
    [
      "shared (still standing, paid or not)",
      SHAREABLE_QUOTE_STATUSES,
      canBeShared,
      ["sent", "viewed", "accepted", "deposit_paid", "paid"],
    ],
    ["replaced by a newer version", REPLACEABLE_QUOTE_STATUSES, canBeReplaced, ["sent", "viewed", "expired"]],
    ["declined", DECLINABLE_QUOTE_STATUSES, canBeDeclined, ["sent", "viewed"]],
  ] as const)("can be %s", (_, list, predicate, expected) => {
    expect(list).toEqual(expected);
    expect(QUOTE_STATUSES.filter(predicate)).toEqual([...expected]);
  });

  test("a draft allows none of it, and neither does a status the table does not know", () => {
    for (const predicate of [
      canBeAccepted,
      hasBeenAccepted,
      canBePaid,
      canBeResent,
      canBeShared,
      canBeReplaced,
      canBeDeclined,
    ]) {
      expect(predicate("draft")).toBe(false);
      expect(predicate("archived" as QuoteStatus)).toBe(false);
    }
  });
});

describe("rule 1: a line's net is quantity × unit price, rounded to the penny, halves away from zero", () => {
  test.each([
    [1.5, 333, 500], // 499.5 → 500: the half penny goes up
    [2.5, 333, 833], // 832.5 → 833
    [1.5, 331, 497], // 496.5 → 497
    [0.333, 1000, 333], // 333.0 exactly
    [2.125, 1999, 4248], // 4247.875 → 4248
    [0.75, 4999, 3749], // 3749.25 → 3749
    [0.001, 499, 0], // 0.499 → 0
    [0.001, 500, 1], // 0.5 → 1
    [1.005, 100, 101], // 100.5 → 101, though 1.005 × 1000 is 1004.999… in floating point
    [3, 1999, 5997],
    [MAX_QUANTITY, 99_999, 9_999_900_000],
  ])("%p × %pp = %pp", (quantity, unitPricePence, net) => {
    const line = aLine({ quantity, unitPricePence });
    expect(lineNetPence(line)).toBe(net);
    expect(quoteTotals([line]).lines[0]!.netPence).toBe(net);
  });
});

describe("rule 3: VAT per line on its net after discount, rounded to the penny, halves away from zero", () => {
  test.each([
    [12, 20, 2], // 2.4 → 2
    [13, 20, 3], // 2.6 → 3
    [10, 5, 1], // 0.5 → 1
    [9, 5, 0], // 0.45 → 0
    [30, 5, 2], // 1.5 → 2
    [1990, 5, 100], // 99.5 → 100
    [1989, 5, 99], // 99.45 → 99
    [20, 17.5, 4], // 3.5 → 4
    [60, 17.5, 11], // 10.5 → 11
    [4, 12.5, 1], // 0.5 → 1
    [999_999, 0, 0],
    [1234, 100, 1234],
  ])("%pp at %p%% → %pp VAT", (net, rate, vat) => {
    const totals = quoteTotals([aLineOf(net, rate)]);
    expect(totals.vatPence).toBe(vat);
    expect(totals.totalPence).toBe(net + vat);
  });

  test("each line rounds on its own, so two half pennies make two pennies", () => {
    // 10p at 5% = 0.5p → 1p, twice: VAT 2p. (On the 20p sum it would have been 1p.)
    const totals = quoteTotals([aLineOf(10, 5), aLineOf(10, 5)]);
    expect(totals.lines.map((l) => l.vatPence)).toEqual([1, 1]);
    expect(totals.vatPence).toBe(2);
    expect(totals.totalPence).toBe(22);
  });
});

describe("rule 4: mixed VAT rates, with a breakdown by rate that adds up", () => {
  // A: 2 × £45.00 @20%      = 9000p   VAT 1800p
  // B: 3 × £19.99 @5%       = 5997p   VAT 299.85p → 300p
  // C: 1 × £12.50 @0%       = 1250p   VAT 0p
  // D: 0.5 × £29.99 @20%    = 1499.5p → 1500p   VAT 300p
  // subtotal 17747p, VAT 2400p, total 20147p
  // by rate: 20% → net 10500p VAT 2100p; 5% → 5997p / 300p; 0% → 1250p / 0p
  const totals = quoteTotals([
    aLine({ quantity: 2, unitPricePence: 4500, vatRatePercent: 20 }),
    aLine({ kind: "materials", quantity: 3, unitPricePence: 1999, vatRatePercent: 5 }),
    aLine({ kind: "call_out", quantity: 1, unitPricePence: 1250, vatRatePercent: 0 }),
    aLine({ quantity: 0.5, unitPricePence: 2999, vatRatePercent: 20 }),
  ]);

  test("line by line", () => {
    expect(totals.lines).toEqual([
      { netPence: 9000, discountPence: 0, vatPence: 1800 },
      { netPence: 5997, discountPence: 0, vatPence: 300 },
      { netPence: 1250, discountPence: 0, vatPence: 0 },
      { netPence: 1500, discountPence: 0, vatPence: 300 },
    ]);
  });

  test("totals", () => {
    expect(totals).toMatchObject({
      subtotalPence: 17_747,
      discountPence: 0,
      netPence: 17_747,
      vatPence: 2400,
      totalPence: 20_147,
      depositPence: 0,
    });
  });

  test("VAT by rate, highest rate first, summing to the totals", () => {
    expect(totals.vatByRate).toEqual([
      { ratePercent: 20, netPence: 10_500, vatPence: 2100 },
      { ratePercent: 5, netPence: 5997, vatPence: 300 },
      { ratePercent: 0, netPence: 1250, vatPence: 0 },
    ]);
    expect(totals.vatByRate.reduce((s, r) => s + r.netPence, 0)).toBe(totals.netPence);
    expect(totals.vatByRate.reduce((s, r) => s + r.vatPence, 0)).toBe(totals.vatPence);
  });

  test("rates that are equal in basis points are one rate", () => {
    const merged = quoteTotals([aLineOf(1000, 17.5), aLineOf(1000, 17.500000001)]);
    expect(merged.vatByRate).toEqual([{ ratePercent: 17.5, netPence: 2000, vatPence: 350 }]);
  });
});

describe("rule 2: a discount is shared pro rata; left-over pennies go to the largest remainders", () => {
  test("a worked example, with VAT after the discount", () => {
    // Lines 1000p, 2000p, 3000p; discount 100p. Exact shares 16.67, 33.33, 50.
    // Whole pennies 16 + 33 + 50 = 99; the last penny goes to the largest remainder (.67): line 1.
    // Nets after discount 983, 1967, 2950 → VAT 196.6 → 197, 393.4 → 393, 590 → 1180.
    const totals = quoteTotals([aLineOf(1000), aLineOf(2000), aLineOf(3000)], 100);
    expect(totals.lines).toEqual([
      { netPence: 1000, discountPence: 17, vatPence: 197 },
      { netPence: 2000, discountPence: 33, vatPence: 393 },
      { netPence: 3000, discountPence: 50, vatPence: 590 },
    ]);
    expect(totals).toMatchObject({
      subtotalPence: 6000,
      discountPence: 100,
      netPence: 5900,
      vatPence: 1180,
      totalPence: 7080,
    });
    expect(totals.vatByRate).toEqual([{ ratePercent: 20, netPence: 5900, vatPence: 1180 }]);
  });

  const shares = (discount: number, nets: number[]) =>
    quoteTotals(
      nets.map((n) => aLineOf(n, 0)),
      discount,
    ).lines.map((l) => l.discountPence);

  test("the penny goes to the largest remainder, not the largest line", () => {
    // 3p over 100p and 250p: exact 0.857 and 2.143 → 0 + 2, and the left-over penny to .857.
    expect(shares(3, [100, 250])).toEqual([1, 2]);
  });

  test("on a tie of remainders, to the larger line", () => {
    // 2p over 100p and 300p: exact 0.5 and 1.5 → 0 + 1, remainders tie at .5 → the 300p line.
    expect(shares(2, [100, 300])).toEqual([0, 2]);
    expect(shares(2, [300, 100])).toEqual([2, 0]);
  });

  test("on a tie of remainders and lines, to the earlier line", () => {
    // 100p over three 1000p lines: 33.33 each → 99, one penny left → the first line.
    expect(shares(100, [1000, 1000, 1000])).toEqual([34, 33, 33]);
    // 200p: 66.67 each → 198, two left → the first two.
    expect(shares(200, [1000, 1000, 1000])).toEqual([67, 67, 66]);
  });

  test("exact ties are found even where floating point would miss them", () => {
    // 4654p over 986p, 10754p and 3256p (total 14996p). Whole pennies 306 + 3337 + 1010 = 4653.
    // Remainders in 14996ths: 68, 7464 and 7464: a tie, so the 10754p line gets the penny.
    // In floating point the two 7464/14996 remainders differ and the 3256p line got it.
    expect(shares(4654, [986, 10_754, 3256])).toEqual([306, 3338, 1010]);
  });

  test("a line of nothing takes no discount", () => {
    expect(shares(100, [0, 1000])).toEqual([0, 100]);
  });

  test("shares add up exactly for quotes near a million pounds", () => {
    const big = shares(1_234_567, [5_000_000_00, 3_000_000_00, 1]);
    expect(big.reduce((s, x) => s + x, 0)).toBe(1_234_567);
    // exact: 771604.37…, 462962.53…, 0.0015… → 771604 + 462962 + 0, one left → .53 (line 2)
    expect(big).toEqual([771_604, 462_963, 0]);
  });

  test("a discount larger than the subtotal is capped at it", () => {
    const totals = quoteTotals([aLineOf(1000)], 5000);
    expect(totals).toMatchObject({ subtotalPence: 1000, discountPence: 1000, netPence: 0, vatPence: 0, totalPence: 0 });
    expect(totals.lines).toEqual([{ netPence: 1000, discountPence: 1000, vatPence: 0 }]);
  });

  test("a negative discount counts as none", () => {
    expect(quoteTotals([aLineOf(1000)], -500)).toMatchObject({ discountPence: 0, totalPence: 1200 });
  });

  test("a discount in fractions of a penny is a bug and throws", () => {
    expect(() => quoteTotals([aLineOf(1000)], 10.5)).toThrow(RangeError);
  });
});

describe("rule 5: the deposit", () => {
  // One line of 5900p at 20%: VAT 1180p, total 7080p.
  const lines = [aLineOf(5900)];
  const deposit = (d: Deposit | null) => quoteTotals(lines, 0, d).depositPence;

  test.each([
    [25, 1770], // 7080 × 0.25 = 1770
    [33.33, 2360], // 7080 × 0.3333 = 2359.764 → 2360
    [50, 3540],
    [100, 7080],
    [0, 0],
    [150, 7080], // capped at the total
    [-10, 0],
  ])("%p%% of 7080p is %pp", (percent, pence) => {
    expect(deposit({ kind: "percent", percent })).toBe(pence);
  });

  test("a percentage landing on a half penny rounds up", () => {
    // 1204p at 0% VAT; 12.5% of it = 150.5p → 151p.
    expect(quoteTotals([aLineOf(1204, 0)], 0, { kind: "percent", percent: 12.5 }).depositPence).toBe(151);
  });

  test("an amount is taken as it is, capped at the total, never below zero", () => {
    expect(deposit({ kind: "amount", pence: 2500 })).toBe(2500);
    expect(deposit({ kind: "amount", pence: 7080 })).toBe(7080);
    expect(deposit({ kind: "amount", pence: 10_000 })).toBe(7080);
    expect(deposit({ kind: "amount", pence: -1 })).toBe(0);
  });

  test("no deposit is zero", () => {
    expect(deposit(null)).toBe(0);
  });

  test("a deposit in fractions of a penny is a bug and throws", () => {
    expect(() => deposit({ kind: "amount", pence: 99.5 })).toThrow(RangeError);
  });
});

describe("an empty quote", () => {
  test("is all zeros", () => {
    expect(quoteTotals([])).toEqual({
      lines: [],
      subtotalPence: 0,
      discountPence: 0,
      netPence: 0,
      vatPence: 0,
      totalPence: 0,
      vatByRate: [],
      depositPence: 0,
    });
  });

  test("a discount or deposit on nothing is nothing", () => {
    expect(quoteTotals([], 500, { kind: "percent", percent: 50 })).toMatchObject({
      discountPence: 0,
      totalPence: 0,
      depositPence: 0,
    });
    expect(quoteTotals([], 0, { kind: "amount", pence: 500 }).depositPence).toBe(0);
  });
});

test("lines that would not pass checkLine are bugs and throw", () => {
  expect(() => quoteTotals([aLine({ unitPricePence: -100 })])).toThrow(RangeError);
  expect(() => quoteTotals([aLine({ unitPricePence: 10.5 })])).toThrow(RangeError);
});

describe("invariants over many random quotes", () => {
  const RATES = [20, 20, 20, 5, 0, 17.5, 12.5];
  const isWholePence = (n: number) => Number.isSafeInteger(n) && !Object.is(n, -0);
  const allNumbers = (totals: QuoteTotals): number[] => [
    totals.subtotalPence,
    totals.discountPence,
    totals.netPence,
    totals.vatPence,
    totals.totalPence,
    totals.depositPence,
    ...totals.lines.flatMap((l) => [l.netPence, l.discountPence, l.vatPence]),
    ...totals.vatByRate.flatMap((r) => [r.netPence, r.vatPence]),
  ];
  const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);

  test("every figure is whole pence and everything adds up as printed", () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const random = seededRandom(seed);
      const lines = Array.from({ length: random.int(0, 8) }, () =>
        aLine({
          quantity: random.int(1, 50_000) / random.pick([1, 10, 100, 1000]),
          unitPricePence: random.pick([random.int(0, 999), random.int(0, 100_000), random.int(0, 5_000_000)]),
          vatRatePercent: random.pick(RATES),
        }),
      );
      const subtotal = sum(lines.map(lineNetPence));
      const discount = random.pick([0, random.int(0, subtotal), random.int(0, Math.ceil(subtotal * 1.5))]);
      const deposit: Deposit | null = random.pick([
        null,
        { kind: "percent", percent: random.int(0, 12_000) / 100 },
        { kind: "amount", pence: random.int(0, subtotal * 2) },
      ]);
      const totals = quoteTotals(lines, discount, deposit);
      const context = `seed ${seed}`;

      expect(allNumbers(totals).every(isWholePence), context).toBe(true);
      expect(totals.totalPence, context).toBe(totals.netPence + totals.vatPence);
      expect(totals.netPence, context).toBe(totals.subtotalPence - totals.discountPence);
      expect(totals.subtotalPence, context).toBe(sum(totals.lines.map((l) => l.netPence)));
      expect(totals.discountPence, context).toBe(Math.min(discount, subtotal));
      expect(sum(totals.lines.map((l) => l.discountPence)), context).toBe(totals.discountPence);
      expect(sum(totals.lines.map((l) => l.vatPence)), context).toBe(totals.vatPence);
      expect(sum(totals.vatByRate.map((r) => r.netPence)), context).toBe(totals.netPence);
      expect(sum(totals.vatByRate.map((r) => r.vatPence)), context).toBe(totals.vatPence);
      expect(totals.depositPence >= 0 && totals.depositPence <= totals.totalPence, context).toBe(true);

      totals.lines.forEach((line, i) => {
        // Each share is within a penny of its exact pro-rata share, and never more than the line.
        const exact = subtotal === 0 ? 0 : (totals.discountPence * line.netPence) / subtotal;
        expect(Math.abs(line.discountPence - exact) < 1, context).toBe(true);
        expect(line.discountPence <= line.netPence, context).toBe(true);
        // VAT is the line's rate on its discounted net, rounded half up (checked in BigInt).
        const taxable = BigInt(line.netPence - line.discountPence);
        const basisPoints = BigInt(Math.round(lines[i]!.vatRatePercent * 100));
        expect(line.vatPence, context).toBe(Number((2n * taxable * basisPoints + 10_000n) / 20_000n));
      });
    }
  });
});

describe("checkLine", () => {
  const MAX = 100_000;
  const refusal = (over: Partial<QuoteLine>, max = MAX) => {
    const result = checkLine(aLine(over), max);
    return result.ok ? "accepted" : `${result.reason}: ${result.message}`;
  };

  test("a good line comes back as it is", () => {
    const line = aLine({ quantity: 1.5, unitPricePence: 4500 });
    expect(checkLine(line, MAX)).toEqual({ ok: true, value: line });
  });

  test("every kind of line is accepted; others are not", () => {
    for (const kind of LINE_KINDS) expect(refusal({ kind })).toBe("accepted");
    expect(refusal({ kind: "parts" as never })).toBe(
      "invalid_line: Choose one of: labour, materials, call_out, other.",
    );
  });

  test("a line needs a description", () => {
    expect(refusal({ description: "   " })).toBe("invalid_line: Describe the line.");
  });

  test.each([0, -1, -0.5, Number.NaN, Number.POSITIVE_INFINITY])("quantity %p is refused", (quantity) => {
    expect(refusal({ quantity })).toBe("invalid_line: Quantity must be more than zero.");
  });

  test("quantity up to the maximum, to three decimal places", () => {
    expect(refusal({ quantity: MAX_QUANTITY, unitPricePence: 1 })).toBe("accepted");
    expect(refusal({ quantity: MAX_QUANTITY + 1, unitPricePence: 1 })).toBe(
      "invalid_line: Quantity must be at most 100,000.",
    );
    expect(refusal({ quantity: 0.001 })).toBe("accepted");
    expect(refusal({ quantity: 1.234 })).toBe("accepted");
    expect(refusal({ quantity: 1.005 })).toBe("accepted");
    expect(refusal({ quantity: 1.2345 })).toBe("invalid_line: Quantity can have at most three decimal places.");
    expect(refusal({ quantity: 0.0001 })).toBe("invalid_line: Quantity can have at most three decimal places.");
  });

  test("price: none is fine, negative and fractions of a penny are not", () => {
    expect(refusal({ unitPricePence: 0 })).toBe("accepted");
    expect(refusal({ unitPricePence: -1 })).toBe("invalid_line: Price cannot be negative.");
    expect(refusal({ unitPricePence: 12.5 })).toBe("invalid_line: Price must be a whole number of pence.");
  });

  test.each([-1, -0.01, 100.01, 120, Number.NaN])("VAT rate %p is refused", (vatRatePercent) => {
    expect(refusal({ vatRatePercent })).toBe("invalid_line: VAT rate must be between 0 and 100.");
  });

  test("VAT rates 0 to 100 with up to two decimal places", () => {
    for (const vatRatePercent of [0, 5, 12.5, 17.5, 20, 100]) expect(refusal({ vatRatePercent })).toBe("accepted");
    expect(refusal({ vatRatePercent: 17.555 })).toBe("invalid_line: VAT rate can have at most two decimal places.");
  });

  test("the line's net, rounded as the totals round it, is held to the maximum", () => {
    // The refusal names the limit (MAX pence is £1,000), as staff need to know what is allowed.
    const over = "invalid_line: That line is over the £1,000 a line allowed.";
    expect(refusal({ quantity: 1, unitPricePence: MAX })).toBe("accepted"); // exactly the maximum
    expect(refusal({ quantity: 2, unitPricePence: 50_000 })).toBe("accepted");
    expect(refusal({ quantity: 1, unitPricePence: MAX + 1 })).toBe(over);
    expect(refusal({ quantity: 1.5, unitPricePence: 66_667 })).toBe(over); // 100000.5 → 100001
    expect(refusal({ quantity: 1.5, unitPricePence: 66_666 })).toBe("accepted"); // 99999
    expect(refusal({ quantity: 1.2, unitPricePence: 417 }, 500)).toBe("accepted"); // 500.4 → 500
    expect(refusal({ quantity: MAX_QUANTITY, unitPricePence: Number.MAX_SAFE_INTEGER })).toBe(over); // no overflow
  });
});

describe("canAccept", () => {
  const now = new Date("2025-06-01T12:00:00Z");
  const aQuote = (status: QuoteStatus, validUntil: Date | null = null) => ({ status, validUntil });

  test("a sent or viewed quote within its date can be accepted", () => {
    expect(canAccept(aQuote("sent"), now)).toEqual({ ok: true, value: true });
    expect(canAccept(aQuote("viewed", new Date("2025-06-30T23:59:59Z")), now)).toEqual({ ok: true, value: true });
  });

  test("validUntil is the last moment it can be accepted", () => {
    expect(canAccept(aQuote("sent", now), now).ok).toBe(true);
    expect(canAccept(aQuote("sent", new Date(now.getTime() - 1)), now)).toEqual({
      ok: false,
      reason: "quote_expired",
      message: "This quote has expired. Ask us for a fresh one.",
    });
  });

  test("a quote marked expired is expired, whatever its date", () => {
    expect(canAccept(aQuote("expired", new Date("2030-01-01T00:00:00Z")), now)).toEqual({
      ok: false,
      reason: "quote_expired",
      message: "This quote has expired. Ask us for a fresh one.",
    });
  });

  test.each([
    ["draft", "This quote has not been sent yet."],
    ["accepted", "This quote has already been accepted."],
    ["deposit_paid", "This quote has already been accepted."],
    ["paid", "This quote has already been accepted and paid."],
    ["declined", "This quote was declined, so it can no longer be accepted."],
    ["superseded", "This quote has been replaced by a newer one."],
  ] as const)("a %s quote cannot be accepted", (status, message) => {
    expect(canAccept(aQuote(status), now)).toEqual({ ok: false, reason: "quote_not_open", message });
  });

  test("the status is judged before the date", () => {
    expect(canAccept(aQuote("paid", new Date("2020-01-01T00:00:00Z")), now)).toMatchObject({
      reason: "quote_not_open",
    });
  });
});
