import { describe, expect, test } from "bun:test";
import { customerMayAskAgain, customerMayConfirm, visitLinkState } from "../../../src/domain/scheduling/visit-link.ts";
import {
  firstName,
  noticeOnStatus,
  noticesOnBooking,
  noticesOnMove,
  reminderAt,
  visitNoticeText,
} from "../../../src/domain/scheduling/visit-notices.ts";

const NOW = new Date("2026-11-27T10:00:00Z"); // Friday, GMT
const visit = (startsAt: string) => ({ id: "v1", startsAt: new Date(startsAt) });
const seen = (
  status: "booked" | "confirmed" | "en_route" | "cancelled" | "done",
  ends = "2026-12-01T12:00:00Z",
  asked = false,
) => ({
  status,
  endsAt: new Date(ends),
  changeRequestedAt: asked ? NOW : null,
});

describe("when notices are due", () => {
  test("the reminder is 18:00 on the London clock the evening before, in winter and in summer", () => {
    expect(reminderAt(new Date("2026-12-01T10:00:00Z"), NOW)?.toISOString()).toBe("2026-11-30T18:00:00.000Z");
    // BST: 18:00 London is 17:00 UTC; a visit at 00:30 BST on 2 July is on the 2nd, so the 1st's evening.
    expect(reminderAt(new Date("2026-07-01T23:30:00Z"), new Date("2026-06-01T00:00:00Z"))?.toISOString()).toBe(
      "2026-07-01T17:00:00.000Z",
    );
  });

  test("a visit sooner than its reminder gets only the booked message, due now", () => {
    const tomorrowMorning = noticesOnBooking(visit("2026-11-27T15:00:00Z"), "tok", NOW);
    expect(tomorrowMorning.map((t) => [t.payload.notice, t.runAt.toISOString()])).toEqual([
      ["booked", NOW.toISOString()],
    ]);
    const later = noticesOnBooking(visit("2026-12-01T10:00:00Z"), "tok", NOW);
    expect(later.map((t) => t.payload.notice)).toEqual(["booked", "reminder"]);
    expect(later.every((t) => t.payload.link === "/a/tok")).toBe(true);
    expect(new Set(later.map((t) => t.key)).size).toBe(2);
  });

  test("only en route and cancelled send a word; a moved visit sends one message with a new link and a new reminder", () => {
    expect(noticeOnStatus(visit("2026-12-01T10:00:00Z"), "confirmed", NOW)).toBeNull();
    expect(noticeOnStatus(visit("2026-12-01T10:00:00Z"), "on_site", NOW)).toBeNull();
    expect(noticeOnStatus(visit("2026-12-01T10:00:00Z"), "en_route", NOW)?.payload.link).toBeNull();
    expect(noticeOnStatus(visit("2026-12-01T10:00:00Z"), "cancelled", NOW)?.payload.notice).toBe("cancelled");
    const moved = noticesOnMove(visit("2026-12-02T14:00:00Z"), "new", NOW);
    expect(moved.map((t) => [t.payload.notice, t.payload.link])).toEqual([
      ["moved", "/a/new"],
      ["reminder", "/a/new"],
    ]);
    // Keyed by the new slot: the old slot's reminder is another task, and finds the visit moved.
    expect(moved[1]!.key).not.toBe(noticesOnBooking(visit("2026-12-01T10:00:00Z"), "old", NOW)[1]!.key);
  });
});

describe("the words", () => {
  const base = {
    companyName: "Handy Services",
    customerName: "  Sarah   Jones ",
    engineerName: "Alice Pipe",
    startsAt: new Date("2026-07-01T09:00:00Z"),
    endsAt: new Date("2026-07-01T11:00:00Z"),
    url: "https://x.example/a/tok",
  };
  test("the slot on the London clock, the first name only, the link where there is one", () => {
    expect(visitNoticeText({ ...base, notice: "booked" })).toBe(
      "Hi Sarah, Handy Services has booked your visit for Wednesday 1 July, 10:00–12:00. Please confirm, or ask for another time: https://x.example/a/tok",
    );
    expect(visitNoticeText({ ...base, notice: "en_route", url: null })).toBe(
      "Hi Sarah, Alice from Handy Services is on the way for your visit (Wednesday 1 July, 10:00–12:00).",
    );
    expect(visitNoticeText({ ...base, customerName: null, notice: "cancelled", url: null })).toStartWith("Hello, ");
    expect(firstName("   ")).toBeNull();
  });
});

describe("what the customer's link allows", () => {
  test("states in order of what matters most", () => {
    expect(visitLinkState(seen("booked"), NOW)).toBe("open");
    expect(visitLinkState(seen("confirmed"), NOW)).toBe("confirmed");
    expect(visitLinkState(seen("confirmed", undefined, true), NOW)).toBe("change_requested");
    expect(visitLinkState(seen("en_route"), NOW)).toBe("underway");
    expect(visitLinkState(seen("cancelled", "2026-11-01T00:00:00Z"), NOW)).toBe("cancelled");
    expect(visitLinkState(seen("booked", "2026-11-27T09:59:00Z"), NOW)).toBe("passed");
    expect(visitLinkState(seen("done"), NOW)).toBe("passed");
  });

  test("confirm while open (again: no change); ask again until the engineer sets off", () => {
    expect(customerMayConfirm(seen("booked"), NOW)).toEqual({ ok: true, value: "confirm" });
    expect(customerMayConfirm(seen("confirmed"), NOW)).toEqual({ ok: true, value: "already" });
    expect(customerMayConfirm(seen("booked", undefined, true), NOW).ok).toBe(false);
    expect(customerMayConfirm(seen("cancelled"), NOW)).toMatchObject({ ok: false, reason: "visit_closed" });
    expect(customerMayAskAgain(seen("confirmed"), NOW).ok).toBe(true);
    expect(customerMayAskAgain(seen("en_route"), NOW).ok).toBe(false);
    expect(customerMayAskAgain(seen("booked", "2026-11-27T09:00:00Z"), NOW).ok).toBe(false);
  });
});
