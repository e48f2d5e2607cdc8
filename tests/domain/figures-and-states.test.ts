import { describe, expect, test } from "bun:test";
import { issueTransitions, ISSUE_STATUSES } from "../../src/domain/issues.ts";
import { leadTransitions, LEAD_STATUSES } from "../../src/domain/leads.ts";
import { jobStatusAfterPayment, leadStatusAfterPayment } from "../../src/domain/payments/after-payment.ts";
import { billTo, billToLines } from "../../src/domain/payments/invoice.ts";
import { QUOTE_STATUSES } from "../../src/domain/quotes.ts";
import { CALL_STATUSES } from "../../src/domain/calls.ts";
import { pathTo } from "../../src/domain/state-machine.ts";
import {
  auditWords,
  callWords,
  jobWords,
  leadWords,
  paymentWords,
  quoteWords,
} from "../../src/domain/timeline-words.ts";

describe("pathTo", () => {
  test("the shortest walk of legal steps, not counting where it starts", () => {
    expect(pathTo(leadTransitions, "new", "won")).toEqual(["quoted", "won"]);
    expect(pathTo(leadTransitions, "lost", "won")).toEqual(["new", "quoted", "won"]);
    expect(pathTo(issueTransitions, "scheduled", "done")).toEqual(["in_progress", "done"]);
    expect(pathTo(issueTransitions, "open", "open")).toEqual([]);
  });
  test("null when the table allows no way", () => {
    expect(pathTo(issueTransitions, "done", "open")).toBeNull();
    expect(pathTo(leadTransitions, "won", "lost")).toBeNull();
  });
});

describe("after a payment", () => {
  test("a job waiting for the customer is booked; one under way or closed stays where staff put it", () => {
    for (const quote of ["deposit_paid", "paid"] as const) {
      expect(jobStatusAfterPayment("open", quote)).toBe("scheduled");
      expect(jobStatusAfterPayment("quoted", quote)).toBe("scheduled");
      for (const job of ["scheduled", "in_progress", "done", "cancelled"] as const)
        expect(jobStatusAfterPayment(job, quote)).toBeNull();
    }
  });
  test("no money in, nothing moves", () => {
    for (const quote of QUOTE_STATUSES.filter((s) => s !== "deposit_paid" && s !== "paid")) {
      expect(jobStatusAfterPayment("quoted", quote)).toBeNull();
      expect(leadStatusAfterPayment("quoted", quote)).toBeNull();
    }
  });
  test("a customer who paid is won, reachable from every status but won", () => {
    for (const lead of LEAD_STATUSES) {
      const target = leadStatusAfterPayment(lead, "deposit_paid");
      if (lead === "won") expect(target).toBeNull();
      else expect(pathTo(leadTransitions, lead, target!)).not.toBeNull();
    }
  });
});

describe("timeline words", () => {
  test("every status reads as words, never as its stored code", () => {
    for (const s of ISSUE_STATUSES) expect(jobWords(s)).not.toContain("_");
    for (const s of QUOTE_STATUSES) expect(quoteWords(s)).not.toContain("_");
    for (const s of LEAD_STATUSES) expect(leadWords(s)).not.toContain("_");
    for (const s of CALL_STATUSES) expect(callWords("inbound", s)).not.toMatch(/[_-]/);
    expect(jobWords("in_progress")).toBe("Job in progress");
    expect(quoteWords("sent")).toBe("Quote sent");
    expect(callWords("inbound", "no-answer")).toBe("Incoming call, missed, no answer");
  });
  test("money as it moved", () => {
    expect(paymentWords("deposit", "paid", 7_125)).toBe("Deposit paid £71.25");
    expect(paymentWords("balance", "paid", 21_375)).toBe("Balance paid £213.75");
    expect(paymentWords("full", "paid", 28_500)).toBe("Paid in full £285.00");
    expect(paymentWords("deposit", "failed", 7_125)).toBe("Payment failed: deposit of £71.25");
    expect(paymentWords("full", "pending", 28_500)).toBeNull();
  });
  test("status changes in the history read as words; other entries as written", () => {
    expect(auditWords("issue", "status open → scheduled")).toBe("Job scheduled, was open");
    expect(auditWords("lead", "status quoted → won")).toBe("Customer won, was quoted");
    expect(auditWords("issue", "corrected name")).toBe("corrected name");
  });
});

describe("bill to", () => {
  test("an organisation is billed, for the attention of the person", () => {
    const customer = billTo(
      { name: "Priya Shah", organisation: "Shah Lettings", address: "1 Bute Street, Cardiff", postcode: "CF10 5AF" },
      { address: "Flat 3, 41 Cathedral Road, Cardiff", postcode: "CF11 9HB" },
    );
    expect(billToLines(customer)).toEqual(["Shah Lettings", "FAO Priya Shah", "1 Bute Street, Cardiff", "CF10 5AF"]);
  });
  test("a person by name; without an address of their own, the job's site", () => {
    const customer = billTo(
      { name: "Sarah Jones", organisation: null, address: null, postcode: null },
      { address: "12 Baker Street, London", postcode: "NW1 6XE" },
    );
    expect(billToLines(customer)).toEqual(["Sarah Jones", "12 Baker Street, London", "NW1 6XE"]);
  });
  test("an invoice issued before the attention line existed still prints", () => {
    expect(billToLines({ name: "Tom Reid", address: null, postcode: null })).toEqual(["Tom Reid"]);
  });
});
