import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, isNull } from "drizzle-orm";
import pino from "pino";
import { messages, tasks } from "../../src/adapters/db/schema.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { emptyExtraction } from "../../src/domain/extraction/extraction.ts";
import { startLiveExtraction } from "../../src/domain/extraction/live-extraction.ts";
import { DEFAULT_SAFETY_RULES } from "../../src/domain/extraction/safety.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { alertEmergency } from "../../src/domain/scheduling/on-call-routing.ts";
import { SEND_TASK } from "../../src/domain/tasks/kinds.ts";
import { emergencyAlertDeps } from "../../src/http/emergency-alert-deps.ts";
import { alicePipe } from "../support/engineers.ts";
import { aStaffUser, buildTestApp, signedTwilioPost, TEST_TWILIO_TOKEN, testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";

const OFFICE_1 = "+447700900001";
const OFFICE_2 = "+447700900002";
const ALICE_PHONE = "+447700900777" as E164;

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let alice: string;
let bob: string;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos, {
    twilio: { authToken: TEST_TWILIO_TOKEN, accountSid: "AC123", staffNumbers: [OFFICE_1, OFFICE_2], local: false },
  });
  alice = (await repos.engineers.create(alicePipe({ phone: ALICE_PHONE }))).userId;
  bob = (await repos.engineers.create(alicePipe({ email: "bob@e.example", name: "Bob Drain", phone: null }))).userId;
}, 30_000);
afterAll(async () => repos?.close());

let sid = 0;
/** A call arriving now (the test clock: Friday 27 November 2026, 10:00 GMT, then later). */
async function ring(from = "+447700900123") {
  const callSid = `CA${String(++sid).padStart(32, "0")}`;
  const response = await signedTwilioPost(world.app, "/api/twilio/voice", {
    CallSid: callSid,
    AccountSid: "AC123",
    From: from,
    To: "+442079460000",
    CallStatus: "ringing",
    Direction: "inbound",
  });
  expect(response.status).toBe(200);
  const xml = await response.text();
  const dialled = [...xml.matchAll(/<Number>([^<]+)<\/Number>/g)].map((m) => m[1]);
  return { xml, dialled, call: (await repos.calls.byProviderId(callSid))! };
}

const period = (engineerId: string, from: string, to: string) =>
  repos.onCall.addPeriod(
    { engineerId, startsAt: new Date(from), endsAt: new Date(to) },
    () => ({ ok: true, value: null }),
    { who: "test" },
  );

describe("the voice webhook in and out of office hours", () => {
  test("in office hours (Friday 10:00) it rings the staff numbers, as before", async () => {
    await period(alice, "2026-11-27T17:00:00Z", "2026-11-28T08:00:00Z");
    const { dialled, xml } = await ring();
    expect(dialled).toEqual([OFFICE_1, OFFICE_2]);
    expect(xml).toMatch(/<Dial [^>]*record="record-from-answer-dual"/);
    expect(xml).toContain('track="both_tracks"');
  });

  test("out of hours (Friday 18:00) with Alice on call it rings only her phone, recorded, voicemail after", async () => {
    world.clock.advanceMinutes(8 * 60);
    const { dialled, xml } = await ring();
    expect(dialled).toEqual([ALICE_PHONE]);
    expect(xml).toMatch(/<Dial [^>]*record="record-from-answer-dual"/);
    expect(xml).toContain('action="http://localhost/api/twilio/voicemail"');
  });

  test("out of hours with nobody on the rota, the staff numbers are the fallback", async () => {
    world.clock.advanceMinutes(14 * 60); // Saturday 08:00: Alice's night has ended.
    expect((await ring()).dialled).toEqual([OFFICE_1, OFFICE_2]);
  });

  test("an engineer on call without a phone: the staff numbers again", async () => {
    await period(bob, "2026-11-28T08:00:00Z", "2026-11-28T20:00:00Z");
    expect((await ring()).dialled).toEqual([OFFICE_1, OFFICE_2]);
  });

  test("office hours read from the database: open on Saturdays now, so the office answers", async () => {
    const week = [0, 1, 2, 3, 4, 5, 6].map((d) => (d < 6 ? { start: 8 * 60, end: 17 * 60 } : null));
    await repos.onCall.setOfficeHours(week, { who: "test" });
    await period(alice, "2026-11-28T20:00:00Z", "2026-11-29T08:00:00Z");
    expect((await ring()).dialled).toEqual([OFFICE_1, OFFICE_2]);
    world.clock.advanceMinutes(13 * 60); // Saturday 21:00: closed, Alice on call.
    expect((await ring()).dialled).toEqual([ALICE_PHONE]);
  });
});

describe("an emergency out of hours", () => {
  test("texts the on-call engineer and the office once each, through the outbox, with name, address, job and link", async () => {
    // Still Saturday 21:00, Alice on call.
    const { call } = await ring("+447700900555");
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => void lines.push(line) });
    const deps = emergencyAlertDeps(world.deps, log);
    const live = startLiveExtraction(
      {
        calls: repos.calls,
        extractor: world.deps.extraction.extractor,
        liveEvents: world.deps.liveEvents,
        log,
        safetyRules: async () => DEFAULT_SAFETY_RULES,
        emergencyHeard: (details) => alertEmergency(deps, call.id, details).then(() => {}),
      },
      call.id,
      { debounceMs: 5, minSpeechMsBetweenRuns: 0 },
    );
    const said = [
      "Hi, my name is Sarah Jones.",
      "I'm at 12 Baker Street, N W 1, 6 X E.",
      "A pipe has burst and water is pouring through the ceiling, it's an emergency.",
      "It's still pouring.",
    ];
    for (const [i, text] of said.entries()) {
      live.segmentStored(
        await repos.calls.addSegment({
          callId: call.id,
          track: "inbound",
          text,
          startMs: i * 3000,
          endMs: i * 3000 + 2500,
          isFinal: true,
          confidence: 0.9,
        }),
      );
      await Bun.sleep(20);
    }
    await live.finish();

    const texts = await repos.db
      .select()
      .from(messages)
      .where(and(eq(messages.purpose, "notification"), isNull(messages.leadId)));
    expect(texts.map((t) => t.address).sort()).toEqual([OFFICE_1, OFFICE_2, ALICE_PHONE].sort());
    for (const text of texts) {
      expect(text).toMatchObject({ channel: "sms", direction: "outbound", status: "queued" });
      expect(text.body).toContain("EMERGENCY call from Sarah Jones");
      expect(text.body).toContain("12 Baker Street");
      expect(text.body).toContain("NW1 6XE");
      expect(text.body).toContain(`http://localhost/calls/${call.id}`);
      // Each queued with its durable send job.
      const [job] = await repos.db
        .select()
        .from(tasks)
        .where(and(eq(tasks.kind, SEND_TASK), eq(tasks.key, text.id)));
      expect(job).toBeDefined();
    }

    // Heard again (another instance, a replay): nothing more is queued.
    expect(await alertEmergency(deps, call.id, { extraction: (await repos.calls.byId(call.id))!.extracted! })).toBe(0);
    const after = await repos.db.select().from(messages).where(eq(messages.purpose, "notification"));
    expect(after.length).toBe(3);
    // The customer's thread holds none of them.
    expect(await repos.messages.forLead(call.leadId!)).toEqual([]);
    // Who and how many are logged; the numbers never are.
    const logged = lines.join("");
    expect(logged).toContain("emergency: on-call engineer and office texted");
    expect(logged).not.toContain("7700900");

    // The call page lists them with their state: here no Twilio account sends them (the outbox).
    const staff = await aStaffUser(world.deps);
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    const { html } = await browser.page(`/calls/${call.id}`);
    const section = html.slice(html.indexOf('id="emergency-texts"'));
    expect(section.match(/<li>To the on-call engineer/g)?.length).toBe(1);
    expect(section.match(/<li>To the office/g)?.length).toBe(2);
  });

  test("with nobody on call, an emergency texts the office only", async () => {
    world.clock.advanceMinutes(11 * 60 + 30); // Sunday 08:30: closed on Sundays now, Alice's night over, nobody on call.
    const { call } = await ring("+447700900556");
    const queued = await alertEmergency(emergencyAlertDeps(world.deps), call.id, {
      extraction: { ...emptyExtraction("rules"), name: "Tom", urgency: "emergency" },
    });
    expect(queued).toBe(2);
  });
});

describe("an emergency set by staff", () => {
  let browser: ReturnType<typeof testBrowser>;
  const jobTexts = (issueId: string) =>
    repos.db
      .select()
      .from(messages)
      .where(and(eq(messages.purpose, "notification"), eq(messages.issueId, issueId)));

  async function aRoutineJob(title: string, sourceCallId: string | null = null) {
    const lead = await repos.leads.create({
      name: "Maya Patel",
      organisation: null,
      phone: null,
      email: null,
      address: null,
      postcode: null,
      segment: "tenant",
      source: "manual",
      notes: null,
    });
    return repos.issues.create({
      leadId: lead.id,
      title,
      description: null,
      category: "plumbing",
      urgency: "routine",
      address: "3 Otley Road",
      postcode: "LS6 3AA",
      accessNotes: null,
      sourceCallId,
    });
  }
  /** The issue form as staff post it, with the urgency changed. */
  async function editUrgency(job: Awaited<ReturnType<typeof aRoutineJob>>, urgency: string) {
    await browser.page(`/issues/${job.id}/edit`);
    return browser.post(`/issues/${job.id}`, {
      _csrf: browser.csrf,
      leadId: job.leadId,
      title: job.title,
      description: "",
      category: job.category,
      urgency,
      address: job.address ?? "",
      postcode: job.postcode ?? "",
      accessNotes: "",
    });
  }

  beforeAll(async () => {
    const staff = await aStaffUser(world.deps, "office@handy.example");
    browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    // Sunday: closed; Alice on call all day.
    await period(alice, "2026-11-29T08:00:00Z", "2026-11-30T08:00:00Z");
  });

  test("changing a job's urgency to emergency texts the on-call engineer and the office, once per job, audited", async () => {
    const job = await aRoutineJob("Boiler pressure dropping");
    expect((await editUrgency(job, "emergency")).status).toBe(303);
    expect((await repos.issues.byId(job.id))!.urgency).toBe("emergency");
    const texts = await jobTexts(job.id);
    expect(texts.map((t) => t.address).sort()).toEqual([OFFICE_1, OFFICE_2, ALICE_PHONE].sort());
    for (const text of texts) {
      expect(text).toMatchObject({ channel: "sms", status: "queued", leadId: null });
      expect(text.body).toBe(
        `EMERGENCY job for Maya Patel, 3 Otley Road, LS6 3AA: Boiler pressure dropping. http://localhost/issues/${job.id}`,
      );
    }
    const trail = await repos.audit.forEntity("issue", job.id);
    expect(trail).toContainEqual(
      expect.objectContaining({
        who: "office@handy.example",
        what: "made an emergency by hand: on-call engineer and office texted",
        details: { texts: 3 },
      }),
    );

    // Down to urgent and back up again: the job was texted about already, so nothing more.
    expect((await editUrgency({ ...job, urgency: "emergency" }, "urgent")).status).toBe(303);
    expect((await editUrgency({ ...job, urgency: "urgent" }, "emergency")).status).toBe(303);
    expect((await jobTexts(job.id)).length).toBe(3);
  });

  test("a job entered as an emergency texts them too", async () => {
    const lead = (await aRoutineJob("placeholder")).leadId;
    await browser.page(`/issues/new?leadId=${lead}`);
    const created = await browser.post("/issues", {
      _csrf: browser.csrf,
      leadId: lead,
      title: "No heating, elderly tenant",
      description: "",
      category: "heating",
      urgency: "emergency",
      address: "5 Otley Road",
      postcode: "LS6 3AA",
      accessNotes: "",
    });
    expect(created.status).toBe(303);
    const issueId = created.headers.get("Location")!.split("/").pop()!;
    const texts = await jobTexts(issueId);
    expect(texts.length).toBe(3);
    expect(texts[0]!.body).toContain(
      "EMERGENCY job for Maya Patel, 5 Otley Road, LS6 3AA: No heating, elderly tenant.",
    );
  });

  test("a job whose call already raised the alarm is not texted about again", async () => {
    const { call } = await ring("+447700900557");
    expect(
      await alertEmergency(emergencyAlertDeps(world.deps), call.id, {
        extraction: { ...emptyExtraction("rules"), name: "Maya", urgency: "emergency" },
      }),
    ).toBe(3);
    const job = await aRoutineJob("Burst pipe under the sink", call.id);
    expect((await editUrgency(job, "emergency")).status).toBe(303);
    expect(await jobTexts(job.id)).toEqual([]);
  });

  test("staff correcting a live call's urgency to emergency text on-call and office as the extractor would, once", async () => {
    const { call } = await ring("+447700900558");
    const correct = () =>
      browser.post(
        `/calls/${call.id}/details`,
        { field: "urgency", value: "emergency", _csrf: browser.csrf },
        { "HX-Request": "true" },
      );
    await browser.page(`/calls/${call.id}`);
    expect((await correct()).status).toBe(200);
    const texts = await repos.messages.byKeyPrefix(`emergency:${call.id}:`);
    expect(texts.map((t) => t.address).sort()).toEqual([OFFICE_1, OFFICE_2, ALICE_PHONE].sort());
    expect(texts[0]!.body).toContain(`EMERGENCY call from`);
    expect(texts[0]!.body).toContain(`http://localhost/calls/${call.id}`);
    expect((await repos.calls.byId(call.id))!.emergency).toBe(true);
  });

  test("a filed call's urgency corrected to emergency: its job becomes one, and on-call and office hear once", async () => {
    const { call } = await ring("+447700900559");
    const job = await aRoutineJob("Water through the light fitting", call.id);
    await repos.calls.update(call.id, { issueId: job.id, status: "completed", endedAt: new Date() });
    await browser.page(`/calls/${call.id}`);
    const corrected = await browser.post(
      `/calls/${call.id}/details`,
      { field: "urgency", value: "emergency", _csrf: browser.csrf },
      { "HX-Request": "true" },
    );
    expect(corrected.status).toBe(200);
    expect((await repos.issues.byId(job.id))!.urgency).toBe("emergency");
    // The call's texts went out; the job's own alert saw them and sent nothing more.
    expect((await repos.messages.byKeyPrefix(`emergency:${call.id}:`)).length).toBe(3);
    expect(await repos.messages.byKeyPrefix(`emergency-job:${job.id}:`)).toEqual([]);
  });

  test("an urgency that is not one is refused beside the field; nothing changes and nothing is sent", async () => {
    const job = await aRoutineJob("Dripping tap");
    const refused = await editUrgency(job, "panic");
    expect(refused.status).toBe(422);
    expect((await repos.issues.byId(job.id))!.urgency).toBe("routine");
    expect(await jobTexts(job.id)).toEqual([]);
  });
});
