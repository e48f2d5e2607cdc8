import { describe, expect, test } from "bun:test";
import type { Issue } from "../../../src/domain/issues.ts";
import { calendarEntries, isCalendarToken } from "../../../src/domain/scheduling/calendar-feed.ts";
import { callerWords, CALLER_WORDS_MAX, engineerMovesFrom, mapLink } from "../../../src/domain/scheduling/my-day.ts";
import { parseVisitNote, photoTypeOf, sitePhotoAllowed } from "../../../src/domain/scheduling/visit-records.ts";
import type { Appointment } from "../../../src/domain/scheduling/appointments.ts";

const line = (track: "inbound" | "outbound", text: string, startMs: number, isFinal = true) => ({
  track,
  text,
  startMs,
  isFinal,
});

describe("the engineer's moves", () => {
  test("each status offers only the moves the transition table allows, never confirm or cancel", () => {
    expect(engineerMovesFrom("booked")).toEqual(["en_route"]);
    expect(engineerMovesFrom("confirmed")).toEqual(["en_route"]);
    expect(engineerMovesFrom("en_route")).toEqual(["on_site", "no_access"]);
    expect(engineerMovesFrom("on_site")).toEqual(["done", "no_access"]);
    expect(engineerMovesFrom("done")).toEqual([]);
    expect(engineerMovesFrom("cancelled")).toEqual([]);
  });
});

describe("the caller's own words", () => {
  test("the caller's final lines in order; staff's lines and interim guesses left out", () => {
    expect(
      callerWords([
        line("inbound", "upstairs.", 3000),
        line("outbound", "How can I help?", 0),
        line("inbound", "The ceiling is dripping", 1000),
        line("inbound", "The ceiling is drip", 900, false),
        line("inbound", "from the bathroom", 2000),
      ]),
    ).toBe("The ceiling is dripping from the bathroom upstairs.");
    expect(callerWords([line("outbound", "Hello?", 0)])).toBeNull();
  });

  test("a long call is cut at a word, marked with an ellipsis", () => {
    const words = callerWords([line("inbound", "drip ".repeat(400), 0)])!;
    expect(words.length).toBeLessThanOrEqual(CALLER_WORDS_MAX + 1);
    expect(words).toEndWith("drip…");
  });
});

test("map link: address and postcode searched; none without either", () => {
  expect(mapLink("2 Headingley Lane", "LS6 1AB")).toBe(
    "https://www.google.com/maps/search/?api=1&query=2%20Headingley%20Lane%2C%20LS6%201AB",
  );
  expect(mapLink(null, " ")).toBeNull();
});

describe("site photos", () => {
  const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]);
  test("judged by their bytes, not their label", () => {
    expect(photoTypeOf(jpeg)).toBe("image/jpeg");
    expect(photoTypeOf(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d]))).toBe("image/png");
    expect(photoTypeOf(new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8 "))).toBe("image/webp");
    expect(photoTypeOf(new TextEncoder().encode("\0\0\0\x18ftypheic"))).toBe("image/heic");
    expect(photoTypeOf(new TextEncoder().encode("%PDF-1.4"))).toBeNull();
    expect(sitePhotoAllowed(jpeg)).toEqual({ ok: true, value: { type: "image/jpeg", extension: "jpg" } });
    expect(sitePhotoAllowed(new Uint8Array())).toMatchObject({ ok: false, reason: "invalid_photo" });
  });

  test("notes are trimmed, and neither empty nor endless", () => {
    expect(parseVisitNote("  Washer replaced. ")).toEqual({ ok: true, value: "Washer replaced." });
    expect(parseVisitNote("   ").ok).toBe(false);
    expect(parseVisitNote("x".repeat(2001)).ok).toBe(false);
  });
});

describe("calendar entries", () => {
  const issue = {
    id: "issue-1",
    title: "Leaking tap",
    category: "plumbing",
    address: "1 Headingley Lane, Leeds",
    postcode: "LS6 1AB",
    accessNotes: "Side gate",
    description: null,
  } as Issue;
  const appointment = {
    id: "visit-1",
    startsAt: new Date("2026-07-01T08:00:00Z"),
    endsAt: new Date("2026-07-01T10:00:00Z"),
    status: "booked",
  } as Appointment;

  test("one entry a visit with its site, access notes and the engineer's page for it", () => {
    expect(calendarEntries([{ appointment, issue }], "https://ops.example")).toEqual([
      {
        uid: "visit-1@switchboard",
        start: appointment.startsAt,
        end: appointment.endsAt,
        summary: "Leaking tap (plumbing)",
        location: "1 Headingley Lane, Leeds, LS6 1AB",
        description: "Access: Side gate\n\nJob: https://ops.example/my-day/visits/visit-1",
        url: "https://ops.example/my-day/visits/visit-1",
        status: "tentative",
      },
    ]);
  });

  test("feed secrets are 22 base64url characters (128 bits) and nothing else", () => {
    expect(isCalendarToken("AbCdEfGhIjKlMnOpQrSt_-")).toBe(true);
    expect(isCalendarToken("short")).toBe(false);
    expect(isCalendarToken("AbCdEfGhIjKlMnOpQrSt_/")).toBe(false);
  });
});
