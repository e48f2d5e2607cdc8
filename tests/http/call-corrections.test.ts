/**
 * Corrections that stick: staff type over the details panel through the page's own form posts
 * (app.request), the call's real intake (live extraction, then filing at the end) runs on the
 * app's deps as the media stream runs it, and what staff typed reaches the lead and the job.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Call } from "../../src/domain/calls.ts";
import { callIntakeObserver } from "../../src/domain/extraction/call-intake.ts";
import { CALL_FILING_ACTOR } from "../../src/domain/extraction/filing-corrections.ts";
import { companySafetyRules } from "../../src/domain/extraction/safety-rules.ts";
import { callChannel } from "../../src/domain/live-call/channels.ts";
import type { Lead } from "../../src/domain/leads.ts";
import type { E164 } from "../../src/domain/phone.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { readSse } from "../support/sse.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";

const STAFF = "tom@handy.example";
let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  const staff = await aStaffUser(world.deps, STAFF);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
}, 30_000);
afterAll(async () => repos?.close());

let numbers = 0;
async function aCallFrom(lead: Partial<Lead> | null): Promise<Call> {
  numbers += 1;
  const phone = `+4477009001${String(numbers).padStart(2, "0")}` as E164;
  const made = lead
    ? await repos.leads.create({
        name: null,
        organisation: null,
        email: null,
        address: null,
        postcode: null,
        segment: "unknown",
        source: "phone",
        notes: null,
        ...lead,
        phone,
      })
    : null;
  return repos.calls.record({
    providerCallId: `CA${String(numbers).padStart(32, "c")}`,
    direction: "inbound",
    from: phone,
    to: "+442079460000",
    leadId: made?.id ?? null,
    status: "in-progress",
    startedAt: new Date(),
  });
}

/** The call's intake as the media stream wires it: extraction as lines are stored, filing at the end. */
function intakeOf(call: Call) {
  const { deps } = world;
  return callIntakeObserver(
    {
      calls: repos.calls,
      leads: repos.leads,
      leadContacts: repos.leadContacts,
      issues: repos.issues,
      auditTrail: repos.audit,
      now: deps.now,
      extractor: deps.extraction.extractor,
      liveEvents: deps.liveEvents,
      log: deps.logger,
      safetyRules: () => companySafetyRules(repos.settings),
    },
    call,
    deps.extraction,
  );
}

let lineAt = 0;
async function say(intake: ReturnType<typeof intakeOf>, call: Call, text: string) {
  lineAt += 3000;
  const segment = await repos.calls.addSegment({
    callId: call.id,
    track: "inbound",
    text,
    startMs: lineAt,
    endMs: lineAt + 2500,
    isFinal: true,
    confidence: 0.9,
  });
  await world.deps.liveEvents.publish(callChannel(call.id), { type: "segment", data: segment });
  intake.segmentStored(segment);
}

const correct = (call: Call, field: string, value: string) =>
  browser.post(`/calls/${call.id}/details`, { field, value, _csrf: browser.csrf }, { "HX-Request": "true" });

/** A field's shown value and mark in a rendered details panel. */
function fieldIn(html: string, field: string) {
  const block = html.match(new RegExp(`data-field="${field}"[\\s\\S]*?</dd>`))?.[0] ?? "";
  return {
    value:
      block.match(new RegExp(`<input id="detail-${field}"[^>]*value="([^"]*)"`))?.[1] ??
      block.match(/<option value="([^"]*)" selected/)?.[1],
    corrected: block.includes("corrected by staff"),
  };
}

describe("a correction during the call", () => {
  test("stands over every later extraction, live and stored, while the other fields keep updating", async () => {
    const call = await aCallFrom({});
    await browser.page(`/calls/${call.id}`);
    const intake = intakeOf(call);
    const stream = await browser.request(`/calls/${call.id}/events`);
    const reading = readSse(stream, (seen) =>
      seen.some((m) => m.event === "details" && fieldIn(m.data, "postcode").value === "NW1 6XE"),
    );
    await say(intake, call, "Hi, my name is Sarah Jones.");
    await Bun.sleep(60);
    const typed = await correct(call, "name", "Sara Jones");
    expect(typed.status).toBe(200);
    expect(fieldIn(await typed.text(), "name")).toEqual({ value: "Sara Jones", corrected: true });
    // The caller says their name again, and the site: the extractor hears "Sarah Jones" again.
    await say(intake, call, "It's Sarah Jones, at 12 Baker Street, N W 1, 6 X E.");
    const seen = await reading;
    const last = seen.filter((m) => m.event === "details").at(-1)!;
    expect(fieldIn(last.data, "name")).toEqual({ value: "Sara Jones", corrected: true });
    expect(fieldIn(last.data, "postcode")).toEqual({ value: "NW1 6XE", corrected: false });

    const stored = (await repos.calls.byId(call.id))!;
    expect(stored.extracted!.name).toBe("Sarah Jones");
    expect(stored.corrections).toEqual({ name: "Sara Jones" });
    expect(stored.correctedBy.name).toMatchObject({ by: STAFF });
    expect(fieldIn(await (await browser.request(`/calls/${call.id}/details`)).text(), "name").value).toBe("Sara Jones");
    const audit = await repos.audit.forEntity("call", call.id);
    expect(audit.map((e) => [e.who, e.what])).toContainEqual([STAFF, "corrected name"]);
    await intake.callEnded();
  });

  test("two staff correcting different fields at once both keep theirs", async () => {
    const call = await aCallFrom(null);
    await browser.page(`/calls/${call.id}`);
    const answers = await Promise.all([
      correct(call, "name", "Sara Jones"),
      correct(call, "accessNotes", "Side gate, code 4512"),
      correct(call, "urgency", "urgent"),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect((await repos.calls.byId(call.id))!.corrections).toEqual({
      name: "Sara Jones",
      accessNotes: "Side gate, code 4512",
      urgency: "urgent",
    });
  });

  test("the same value sent twice (Enter, then leaving the field) is one correction", async () => {
    const call = await aCallFrom(null);
    await browser.page(`/calls/${call.id}`);
    expect((await correct(call, "postcode", "nw1 6xe")).status).toBe(200);
    const first = (await repos.calls.byId(call.id))!.correctedBy.postcode;
    const again = await correct(call, "postcode", "NW1 6XE");
    expect(again.status).toBe(200);
    expect(fieldIn(await again.text(), "postcode")).toEqual({ value: "NW1 6XE", corrected: true });
    expect((await repos.calls.byId(call.id))!.correctedBy.postcode).toEqual(first);
    expect((await repos.audit.forEntity("call", call.id)).map((e) => e.what)).toEqual(["corrected postcode"]);
  });

  test("a bad correction is refused with a reason and changes nothing", async () => {
    const call = await aCallFrom({});
    await browser.page(`/calls/${call.id}`);
    const refused = await correct(call, "postcode", "XYZ");
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain("not a UK postcode");
    const after = (await repos.calls.byId(call.id))!;
    expect(after.corrections).toEqual({});
    expect(after.correctedBy).toEqual({});
    expect(await repos.audit.forEntity("call", call.id)).toEqual([]);
  });
});

describe("filing the call carries what staff corrected or added", () => {
  test("to the lead and to a new job, with audit entries", async () => {
    const call = await aCallFrom({ name: "S Jones", segment: "unknown" });
    await browser.page(`/calls/${call.id}`);
    const intake = intakeOf(call);
    await say(intake, call, "Hi, I'm Sarah Jones, my boiler is leaking at 12 Baker Street, N W 1, 6 X E.");
    await Bun.sleep(60);
    for (const [field, value] of [
      ["name", "Sara Jones"],
      ["email", "sara.jones@example.com"],
      ["segment", "tenant"],
      ["accessNotes", "Side gate, code 4512"],
      ["urgency", "emergency"],
      ["summary", "Boiler leaking onto the kitchen floor"],
    ] as const)
      expect((await correct(call, field, value)).status).toBe(200);
    await intake.callEnded();

    const filed = (await repos.calls.byId(call.id))!;
    const lead = (await repos.leads.byId(call.leadId!))!;
    expect(lead).toMatchObject({
      name: "Sara Jones",
      email: "sara.jones@example.com",
      segment: "tenant",
      postcode: "NW1 6XE",
    });
    const issue = (await repos.issues.byId(filed.issueId!))!;
    expect(issue).toMatchObject({
      sourceCallId: call.id,
      title: "Boiler leaking onto the kitchen floor",
      description: "Boiler leaking onto the kitchen floor",
      urgency: "emergency",
      accessNotes: "Side gate, code 4512",
      postcode: "NW1 6XE",
    });
    const leadAudit = await repos.audit.forEntity("lead", lead.id);
    expect(leadAudit).toContainEqual(
      expect.objectContaining({
        who: CALL_FILING_ACTOR,
        what: "took staff's corrections from a call: name, email",
        details: { callId: call.id, fields: ["name", "email"], correctedBy: [STAFF] },
      }),
    );
    const issueAudit = await repos.audit.forEntity("issue", issue.id);
    expect(issueAudit.map((e) => e.what)).toContainEqual(
      "opened from a call with staff's corrections: urgency, summary, accessNotes",
    );
    // Nothing personal is copied into the trail: the fields are named, their values are not.
    expect(JSON.stringify([...leadAudit, ...issueAudit])).not.toContain("4512");
    expect(JSON.stringify([...leadAudit, ...issueAudit])).not.toContain("sara.jones@");
    // The pages say the same.
    expect(await (await browser.request(`/issues/${issue.id}`)).text()).toContain("Side gate, code 4512");
    expect(await (await browser.request(`/leads/${lead.id}`)).text()).toContain("Sara Jones");
  });

  test("to an EXISTING job the call is filed under, without blanking what it had", async () => {
    const call = await aCallFrom({ name: "Sarah Jones", address: "12 Baker Street", postcode: "NW1 6XE" });
    const existing = await repos.issues.create({
      leadId: call.leadId!,
      title: "Boiler leaking",
      description: "Boiler leaking in the kitchen",
      category: "heating",
      urgency: "routine",
      address: "12 Baker Street",
      postcode: "NW1 6XE",
      accessNotes: "Key with the neighbour at 14",
    });
    await browser.page(`/calls/${call.id}`);
    const intake = intakeOf(call);
    await say(intake, call, "It's Sarah Jones again about the boiler at 12 Baker Street, N W 1, 6 X E.");
    await Bun.sleep(60);
    for (const [field, value] of [
      ["urgency", "urgent"],
      ["category", "plumbing"],
      ["accessNotes", "Neighbour away: side gate code 4512"],
      ["summary", ""],
      ["organisation", "Baker Street Lettings"],
    ] as const)
      expect((await correct(call, field, value)).status).toBe(200);
    await intake.callEnded();

    expect((await repos.calls.byId(call.id))!.issueId).toBe(existing.id);
    expect(await repos.issues.forLead(call.leadId!)).toHaveLength(1);
    expect(await repos.issues.byId(existing.id)).toMatchObject({
      urgency: "urgent",
      category: "plumbing",
      accessNotes: "Key with the neighbour at 14\nNeighbour away: side gate code 4512",
      // An emptied job description was a correction of the extraction, not an order to blank the job.
      description: "Boiler leaking in the kitchen",
    });
    expect(await repos.leads.byId(call.leadId!)).toMatchObject({
      name: "Sarah Jones",
      organisation: "Baker Street Lettings",
    });
    const issueAudit = await repos.audit.forEntity("issue", existing.id);
    expect(issueAudit).toContainEqual(
      expect.objectContaining({
        who: CALL_FILING_ACTOR,
        what: "took staff's corrections from a call: urgency, category, accessNotes",
        details: { callId: call.id, fields: ["urgency", "category", "accessNotes"], correctedBy: [STAFF] },
      }),
    );
  });

  test("when no extraction ever came, what staff typed is still filed; the panel's last word is the filed one", async () => {
    const call = await aCallFrom({});
    await browser.page(`/calls/${call.id}`);
    const intake = intakeOf(call);
    const stream = await browser.request(`/calls/${call.id}/events`);
    const reading = readSse(stream, (seen) => seen.some((m) => m.event === "intake"));
    await correct(call, "name", "Dev Patel");
    await correct(call, "summary", "Extractor fan rattling in the bathroom");
    await intake.callEnded();
    const filed = (await repos.calls.byId(call.id))!;
    expect(await repos.leads.byId(call.leadId!)).toMatchObject({ name: "Dev Patel" });
    expect(await repos.issues.byId(filed.issueId!)).toMatchObject({
      title: "Extractor fan rattling in the bathroom",
      sourceCallId: call.id,
    });
    const seen = await reading;
    const details = seen.filter((m) => m.event === "details");
    const caller = seen.findIndex((m) => m.event === "caller");
    // After the filing's caller card, the panel is drawn once more from what was filed.
    expect(seen.lastIndexOf(details.at(-1)!)).toBeGreaterThan(caller);
    expect(fieldIn(details.at(-1)!.data, "name")).toEqual({ value: "Dev Patel", corrected: true });
  });

  test("a correction typed after the call was filed goes to its lead and job at once", async () => {
    const call = await aCallFrom({});
    await browser.page(`/calls/${call.id}`);
    const intake = intakeOf(call);
    await say(intake, call, "My name is Sarah Jones, the boiler is leaking at 12 Baker Street, N W 1, 6 X E.");
    await intake.callEnded();
    await repos.calls.update(call.id, { status: "completed", endedAt: new Date() });
    const filed = (await repos.calls.byId(call.id))!;
    expect(filed.issueId).not.toBeNull();

    expect((await correct(call, "accessNotes", "Ring the top bell")).status).toBe(200);
    expect((await correct(call, "name", "Sara Jones")).status).toBe(200);
    expect((await repos.issues.byId(filed.issueId!))!.accessNotes).toBe("Ring the top bell");
    expect((await repos.leads.byId(call.leadId!))!.name).toBe("Sara Jones");
    expect((await repos.audit.forEntity("issue", filed.issueId!)).map((e) => e.what)).toContainEqual(
      "took staff's corrections from a call: accessNotes",
    );
  });
});
