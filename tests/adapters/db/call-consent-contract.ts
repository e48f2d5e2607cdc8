import { expect, test as bunTest } from "bun:test";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { createAssistantCallGate } from "../../../src/domain/assistant/call-consent.ts";
import { DEFAULT_CALLING_HOURS } from "../../../src/domain/assistant/call-policy.ts";
import type { E164 } from "../../../src/domain/phone.ts";
import type { Log } from "../../../src/ports/log.ts";
import { aLead } from "../../support/jobs.ts";

const test = (name: string, body: () => Promise<void>) => bunTest(name, body, 20_000);

/** Every line a gate logs, as JSON, so a test can look for a phone number in it. */
export function capturingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  const write = (fields: object, message: string) => lines.push(JSON.stringify({ ...fields, message }));
  return { lines, debug: write, info: write, warn: write, error: write };
}

// Thursday 3 December 2026, 10:15 GMT: inside the default calling hours.
const THURSDAY = new Date("2026-12-03T10:15:00Z");

/**
 * The assistant's consent register and the gate on it, on one repository set. Each test uses
 * numbers of its own (the suite shares a database and empties nothing).
 */
export function callConsentContract(current: () => OpenDatabase, digits: string): void {
  // Ofcom's drama range, a block of numbers per engine so the suites never meet.
  const number = (n: number) => `+447700900${digits}${n}`;
  const gateOn = (log = capturingLog()) => ({
    log,
    gate: createAssistantCallGate({ register: current().callConsent, log, now: () => THURSDAY }),
  });

  test("calling hours: the default until set, then what an admin set, audited with old and new", async () => {
    const repos = current();
    expect(await repos.callConsent.callingHours()).toEqual(DEFAULT_CALLING_HOURS);
    const week = [{ start: 600, end: 960 }, null, null, null, null, null, null];
    await repos.callConsent.setCallingHours(week, { who: "admin@handy.example", at: THURSDAY });
    expect(await repos.callConsent.callingHours()).toEqual(week);
    const [entry] = await repos.audit.forEntity("settings", "assistant_calling_hours");
    expect(entry).toMatchObject({ who: "admin@handy.example", what: "assistant calling hours set" });
    expect(entry!.details).toEqual({ before: DEFAULT_CALLING_HOURS, after: week });
    await repos.callConsent.setCallingHours(DEFAULT_CALLING_HOURS, { who: "admin@handy.example" });
  });

  test("once a London day: the second attempt is refused with the first one's time; the next day is free", async () => {
    const { gate } = gateOn();
    const first = await gate.mayPlaceAssistantCall({ phone: number(1), now: THURSDAY });
    expect(first).toMatchObject({ ok: true, value: { phone: number(1), day: "2026-12-03" } });
    const again = await gate.mayPlaceAssistantCall({
      phone: "07700 900" + digits + "1",
      now: new Date("2026-12-03T16:00:00Z"),
    });
    expect(again).toEqual({
      ok: false,
      reason: "already_called_today",
      message:
        "already called today: the assistant called this number at 10:15 (London time); at most one automated call a day",
    });
    expect((await gate.mayPlaceAssistantCall({ phone: number(1), now: new Date("2026-12-04T09:00:00Z") })).ok).toBe(
      true,
    );
  });

  test("the London day, not the UTC one: 23:30 UTC in June is the next London day", async () => {
    const { gate } = gateOn();
    await current().callConsent.setCallingHours(
      [...Array(7)].map(() => ({ start: 8 * 60, end: 21 * 60 })),
      { who: "admin" },
    );
    try {
      // 19:30 BST on Tuesday 30 June, then 08:30 BST on Wednesday 1 July (07:30 UTC).
      expect((await gate.mayPlaceAssistantCall({ phone: number(2), now: new Date("2026-06-30T18:30:00Z") })).ok).toBe(
        true,
      );
      const next = await gate.mayPlaceAssistantCall({ phone: number(2), now: new Date("2026-07-01T07:30:00Z") });
      expect(next).toMatchObject({ ok: true, value: { day: "2026-07-01" } });
    } finally {
      await current().callConsent.setCallingHours(DEFAULT_CALLING_HOURS, { who: "admin" });
    }
  });

  test("out of hours is refused before any attempt is taken", async () => {
    const { gate } = gateOn();
    const sunday = await gate.mayPlaceAssistantCall({ phone: number(3), now: new Date("2026-12-06T12:00:00Z") });
    expect(sunday).toMatchObject({ ok: false, reason: "outside_calling_hours" });
    // Monday morning the number still has its call.
    expect((await gate.mayPlaceAssistantCall({ phone: number(3), now: new Date("2026-12-07T09:00:00Z") })).ok).toBe(
      true,
    );
  });

  test("a released reservation (the call was never placed) frees the day; an attached one keeps it", async () => {
    const { gate } = gateOn();
    const first = await gate.mayPlaceAssistantCall({ phone: number(4), now: THURSDAY });
    if (!first.ok) throw new Error(first.message);
    await gate.releaseReservation(first.value);
    const second = await gate.mayPlaceAssistantCall({ phone: number(4), now: THURSDAY });
    if (!second.ok) throw new Error(second.message);
    await gate.attachCall(second.value, "00000000-0000-4000-8000-000000000004");
    expect((await gate.mayPlaceAssistantCall({ phone: number(4), now: THURSDAY })).ok).toBe(false);
  });

  test("an opt-out is for good: refused from then on, a repeat keeps the first, audited once, never logged with the number", async () => {
    const repos = current();
    const lead = await repos.leads.create(aLead({ name: "Dora Stop", phone: number(5) as E164 }));
    const { gate, log } = gateOn();
    const recorded = await gate.recordOptOut({
      phone: number(5),
      callId: "00000000-0000-4000-8000-000000000005",
      source: "pressed_9",
      at: new Date("2026-12-03T10:20:00Z"),
    });
    expect(recorded).toMatchObject({ ok: true, value: { phone: number(5), source: "pressed_9" } });
    const repeat = await gate.recordOptOut({ phone: number(5), callId: null, source: "said_stop" });
    expect(repeat.ok && repeat.value.id).toBe(recorded.ok && recorded.value.id);
    expect(await repos.callConsent.optOutFor(number(5) as E164)).toMatchObject({ source: "pressed_9" });

    const refused = await gate.mayPlaceAssistantCall({ phone: number(5), now: new Date("2026-12-10T10:00:00Z") });
    expect(refused).toEqual({
      ok: false,
      reason: "opted_out",
      message:
        "opted out: opted out of automated calls on 3 Dec 2026 (pressed 9 during an assistant call); the assistant never calls it",
    });
    const entries = await repos.audit.forEntity("opt_out", recorded.ok ? recorded.value.id : "");
    expect(entries).toEqual([
      expect.objectContaining({
        who: "assistant",
        what: "opted out of automated calls",
        details: { source: "pressed_9", callId: "00000000-0000-4000-8000-000000000005", leadId: lead.id },
      }),
    ]);
    expect(JSON.stringify(entries)).not.toContain(number(5));
    expect(log.lines.length).toBeGreaterThan(0);
    expect(log.lines.join("\n")).not.toContain(`900${digits}5`);
    expect(log.lines.join("\n")).toContain("opted_out");
  });

  test("an admin's removal keeps the row, is audited with the reason, and lets the number be called; a second opt-out stands again", async () => {
    const repos = current();
    const { gate } = gateOn();
    const recorded = await gate.recordOptOut({ phone: number(6), callId: null, source: "said_stop" });
    if (!recorded.ok) throw new Error(recorded.message);
    expect((await repos.callConsent.optOuts(100)).map((o) => o.id)).toContain(recorded.value.id);

    expect(await repos.callConsent.removeOptOut("not-a-uuid", "typo", { who: "admin" })).toMatchObject({
      ok: false,
      reason: "not_found",
    });
    const removed = await repos.callConsent.removeOptOut(recorded.value.id, "Customer asked by email to be called", {
      who: "admin@handy.example",
    });
    expect(removed.ok).toBe(true);
    expect((await repos.callConsent.removeOptOut(recorded.value.id, "again", { who: "admin" })).ok).toBe(false);
    expect(await repos.callConsent.optOutFor(number(6) as E164)).toBeNull();
    expect((await repos.callConsent.optOuts(100)).map((o) => o.id)).not.toContain(recorded.value.id);
    expect((await gate.mayPlaceAssistantCall({ phone: number(6), now: THURSDAY })).ok).toBe(true);
    expect((await repos.audit.forEntity("opt_out", recorded.value.id)).map((e) => [e.what, e.details?.reason])).toEqual(
      expect.arrayContaining([
        ["opted out of automated calls", undefined],
        ["opt-out removed", "Customer asked by email to be called"],
      ]),
    );
    const again = await gate.recordOptOut({ phone: number(6), callId: null, source: "pressed_9" });
    expect(again.ok && again.value.id).not.toBe(recorded.value.id);
    expect(await repos.callConsent.optOutFor(number(6) as E164)).toMatchObject({ source: "pressed_9" });
  });

  test("a number that cannot be dialled is refused, for calls and for opt-outs, without logging it", async () => {
    const { gate, log } = gateOn();
    expect(await gate.mayPlaceAssistantCall({ phone: "anonymous", now: THURSDAY })).toMatchObject({
      ok: false,
      reason: "invalid_phone",
    });
    expect(await gate.recordOptOut({ phone: "12", callId: null, source: "pressed_9" })).toMatchObject({
      ok: false,
      reason: "invalid_phone",
    });
    expect(log.lines.join("\n")).not.toContain("anonymous");
  });
}
