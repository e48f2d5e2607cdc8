import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import ical from "node-ical";
import pino from "pino";
import { PNG } from "pngjs";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import type { Issue, IssueFields } from "../../src/domain/issues.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { ok } from "../../src/domain/result.ts";
import type { Engineer } from "../../src/domain/scheduling/engineers.ts";
import { SCHEDULE_CHANNEL, type ScheduleEvent } from "../../src/domain/scheduling/schedule-channel.ts";
import type { LiveEvent } from "../../src/ports/live-events.ts";
import { aStaffUser, buildTestApp, ORIGIN, testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";
import { alicePipe } from "../support/engineers.ts";
import { aDraftQuote, aLead, aLeadWithJob, LEEDS_JOB } from "../support/jobs.ts";
import { anInboundMessage } from "../support/messages.ts";

/**
 * The engineer's phone view and calendar feed through app.request, on PGlite and a folder blob
 * store. The test clock reads Friday 27 November 2026, 10:00 GMT.
 */
let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let alice: Engineer;
let bob: Engineer;
let phone: ReturnType<typeof testBrowser>;
const PASSWORD = "tap washers and solder";
const HTMX = { "HX-Request": "true" };

async function aJob(fields: Partial<IssueFields> & { sourceCallId?: string } = {}) {
  const { issue } = await aLeadWithJob(repos, {
    lead: { source: "manual" },
    issue: {
      ...LEEDS_JOB,
      description: "Kitchen mixer tap drips all night.",
      accessNotes: "Key in the safe by the door, code 4711",
      ...fields,
    },
  });
  return issue;
}

const book = async (issueId: string, engineer: Engineer, starts: string, ends: string) => {
  const booked = await repos.appointments.book(
    { issueId, engineerId: engineer.userId, startsAt: new Date(starts), endsAt: new Date(ends) },
    () => ok(null),
    { who: "office@handy.example" },
  );
  if (!booked.ok) throw new Error(booked.message);
  return booked.value;
};

/** A PNG photo of `width`×`height`, as a phone's camera would send a (small) one. */
function aPhoto(width = 640, height = 480) {
  const png = new PNG({ width, height });
  png.data.fill(200);
  return new Uint8Array(PNG.sync.write(png)) as Uint8Array<ArrayBuffer>;
}

const postPhoto = (visitId: string, bytes: Uint8Array<ArrayBuffer>, type: string, name = "site.png") => {
  const form = new FormData();
  form.set("_csrf", phone.csrf);
  form.set("photo", new File([bytes], name, { type }));
  return phone.request(`/my-day/visits/${visitId}/photos`, {
    method: "POST",
    headers: { Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", ...HTMX },
    body: form,
  });
};

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  alice = await repos.engineers.create(alicePipe({ passwordHash: await world.deps.passwords.hash(PASSWORD) }));
  bob = await repos.engineers.create(alicePipe({ email: "bob@e.example", name: "Bob Boiler" }));
  phone = testBrowser(world.app);
}, 30_000);
afterAll(async () => repos?.close());

describe("an engineer's day", () => {
  let later: Awaited<ReturnType<typeof book>>;
  let first: Awaited<ReturnType<typeof book>>;
  let job: Issue;

  test("logging in lands on /my-day with today's visits in order, and nothing of anyone else's or tomorrow's", async () => {
    const lead = await repos.leads.create(aLead({ phone: "+447700900999" as E164 }));
    const call = await repos.calls.record({
      providerCallId: "CA-my-day-1",
      direction: "inbound",
      from: "+447700900999",
      to: "+442079460000",
      leadId: lead.id,
      status: "completed",
      startedAt: new Date("2026-11-26T09:00:00Z"),
    });
    const say = (track: "inbound" | "outbound", text: string, startMs: number) =>
      repos.calls.addSegment({
        callId: call.id,
        track,
        text,
        startMs,
        endMs: startMs + 900,
        isFinal: true,
        confidence: 0.9,
      });
    await say("outbound", "Handy Repairs, how can I help?", 0);
    await say("inbound", "Water is coming through the kitchen ceiling", 1000);
    await say("inbound", "from the bathroom above.", 2000);
    job = await aJob({ title: "Leak through ceiling", sourceCallId: call.id });
    const lines = [
      {
        kind: "labour" as const,
        description: "Replace bath waste seal",
        quantity: 1,
        unitPricePence: 9000,
        vatRatePercent: 20,
      },
    ];
    await repos.quotes.createDraft(aDraftQuote(job.id, lines));
    const other = await aJob({ title: "Sticking door", accessNotes: null });
    later = await book(other.id, alice, "2026-11-27T14:00:00Z", "2026-11-27T15:00:00Z");
    first = await book(job.id, alice, "2026-11-27T11:00:00Z", "2026-11-27T12:30:00Z");
    await book((await aJob({ title: "Bob's job" })).id, bob, "2026-11-27T11:00:00Z", "2026-11-27T12:00:00Z");
    await book((await aJob({ title: "Tomorrow's job" })).id, alice, "2026-11-30T09:00:00Z", "2026-11-30T10:00:00Z");

    const login = await phone.post("/login", { email: "alice@e.example", password: PASSWORD });
    expect(login.status).toBe(303);
    expect(login.headers.get("Location")).toBe("/my-day");
    const { response, html } = await phone.page("/my-day");
    expect(response.status).toBe(200);
    const titles = [...html.matchAll(/<h2>(\d\d:\d\d)–\d\d:\d\d · ([^<]+)<\/h2>/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(titles).toEqual(["11:00 Leak through ceiling", "14:00 Sticking door"]);
    expect(html).toContain("2 Headingley Lane, Leeds, LS6 1AB");
    expect(html).toContain(
      "https://www.google.com/maps/search/?api=1&amp;query=2%20Headingley%20Lane%2C%20Leeds%2C%20LS6%201AB",
    );
    expect(html).toContain("Key in the safe by the door, code 4711");
    expect(html).toContain("“Water is coming through the kitchen ceiling from the bathroom above.”");
    expect(html).not.toContain("how can I help");
    expect(html).toContain("1 × Replace bath waste seal");
    // From booked, the engineer's moves: only "on my way" (on site needs en route first).
    expect(html.match(/name="status" value="[a-z_]+"/g)).toEqual([
      'name="status" value="en_route"',
      'name="status" value="en_route"',
    ]);
    // The caller's number is the office's business, not the phone view's.
    expect(html).not.toContain("+447700900999");
  });

  test("the office console is closed to engineers; home takes them to their day", async () => {
    for (const path of ["/leads", "/calls", "/inbox", `/issues/${job.id}`, "/settings/audit"]) {
      const response = await phone.request(path);
      expect({ path, status: response.status }).toEqual({ path, status: 403 });
    }
    const home = await phone.request("/");
    expect(home.status).toBe(303);
    expect(home.headers.get("Location")).toBe("/my-day");
    const post = await phone.post(`/issues/${job.id}/visits`, { _csrf: phone.csrf, slot: "x" });
    expect(post.status).toBe(403);
  });

  test("moves go through the transition table against the card's version, audited and published live", async () => {
    const heard: LiveEvent<ScheduleEvent>[] = [];
    const subscription = world.deps.liveEvents.subscribe(
      SCHEDULE_CHANNEL,
      world.deps.liveEvents.lastId(SCHEDULE_CHANNEL),
      (e) => heard.push(e),
    );
    const move = (status: string, version: number, id = first.id) =>
      phone.post(`/my-day/visits/${id}/status`, { _csrf: phone.csrf, status, version: String(version) }, HTMX);

    expect((await repos.issues.setStatus(job.id, "scheduled")).ok).toBe(true);
    // Straight to done from booked: the table refuses it, and nothing changes.
    const skipped = await move("done", 1);
    expect(skipped.status).toBe(422);
    expect(await skipped.text()).toContain("from booked it can go to");
    expect((await repos.appointments.byId(first.id))!.status).toBe("booked");

    const enRoute = await move("en_route", 1);
    expect(enRoute.status).toBe(200);
    const card = await enRoute.text();
    expect(card).toStartWith(`<article class="card visit-card" id="visit-${first.id}" data-status="en_route">`);
    expect(card.match(/name="status" value="[a-z_]+"/g)).toEqual([
      'name="status" value="on_site"',
      'name="status" value="no_access"',
    ]);
    // A second phone (or tab) still showing version 1 is told, not obeyed.
    const stale = await move("no_access", 1);
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("Someone changed this visit meanwhile: it is now en route.");
    expect((await move("on_site", 2)).status).toBe(200);
    // Arriving starts the work: the scheduled job is now in progress, audited.
    expect((await repos.issues.byId(job.id))!.status).toBe("in_progress");
    expect((await repos.audit.forEntity("issue", job.id)).map((e) => `${e.who}: ${e.what}`)).toContain(
      "alice@e.example: status scheduled → in_progress",
    );
    expect((await move("done", 3)).status).toBe(200);
    // The office's moves are not the engineer's.
    expect((await move("cancelled", 1, later.id)).status).toBe(422);

    expect(await repos.appointments.byId(first.id)).toMatchObject({ status: "done", version: 4 });
    const trail = await repos.audit.forEntity("appointment", first.id);
    expect(trail.map((e) => `${e.who}: ${e.what}`)).toEqual(
      expect.arrayContaining([
        "alice@e.example: visit booked → en_route",
        "alice@e.example: visit en_route → on_site",
        "alice@e.example: visit on_site → done",
      ]),
    );
    expect(heard.map((e) => (e.type === "visit" ? `${e.data.status}@${e.data.version}` : e.type))).toEqual([
      "en_route@2",
      "on_site@3",
      "done@4",
    ]);
    subscription.unsubscribe();
  });

  test("the customer's photo for the job shows on the card, streamed only for the engineer's own visit", async () => {
    const key = `tenant-media/test/${job.id}.png`;
    await world.deps.blobStore.put(key, aPhoto(40, 30), "image/png");
    const { message } = await repos.messages.recordInbound(
      anInboundMessage({
        leadId: job.leadId,
        issueId: job.id,
        kind: "image",
        body: "This is the ceiling",
        providerId: "wamid.my-day-1",
        address: "+447700900999",
        mediaId: "media-1",
        mediaType: "image/png",
        mediaSize: aPhoto(40, 30).byteLength,
        mediaKey: key,
        occurredAt: new Date("2026-11-26T09:30:00Z"),
      }),
    );
    const { html } = await phone.page(`/my-day/visits/${first.id}`);
    const src = `/my-day/visits/${first.id}/media/${message.id}`;
    expect(html).toContain(`src="${src}"`);
    const media = await phone.request(src);
    expect(media.status).toBe(200);
    expect(new Uint8Array(await media.arrayBuffer())).toEqual(aPhoto(40, 30));
    // Through another of Alice's visits (another job), the message is not found.
    expect((await phone.request(`/my-day/visits/${later.id}/media/${message.id}`)).status).toBe(404);
  });

  test("someone else's visit is not found, whatever is posted", async () => {
    const [bobs] = await repos.appointments.forEngineer(bob.userId, {
      from: new Date("2026-11-27T00:00:00Z"),
      to: new Date("2026-11-28T00:00:00Z"),
    });
    const response = await phone.post(
      `/my-day/visits/${bobs!.id}/status`,
      { _csrf: phone.csrf, status: "en_route", version: "1" },
      HTMX,
    );
    expect(response.status).toBe(404);
    expect((await repos.appointments.byId(bobs!.id))!.status).toBe("booked");
    expect((await phone.request(`/my-day/visits/${bobs!.id}`)).status).toBe(404);
  });

  test("a note is kept on the visit and shows in the job's history; an empty one is refused", async () => {
    const empty = await phone.post(`/my-day/visits/${first.id}/notes`, { _csrf: phone.csrf, note: "   " }, HTMX);
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("Write something in the note first.");
    const saved = await phone.post(
      `/my-day/visits/${first.id}/notes`,
      { _csrf: phone.csrf, note: "Seal replaced; ceiling needs to dry before decorating." },
      HTMX,
    );
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("Seal replaced; ceiling needs to dry before decorating.");
    expect((await repos.visitRecords.forIssue(job.id)).map((r) => r.kind)).toEqual(["note"]);
    expect((await repos.audit.forEntity("issue", job.id)).map((e) => e.what)).toContain("visit note added");
  });

  test("a photo taken on site is stored under photos/ with a thumbnail and shown on the job's page; a non-photo is refused", async () => {
    // A PDF renamed and labelled as a photo is still a PDF: judged by its bytes.
    const refused = await postPhoto(first.id, new TextEncoder().encode("%PDF-1.4 …"), "image/png", "site.png");
    const why = await refused.text();
    expect({ status: refused.status, why }).toEqual({
      status: 422,
      why: expect.stringContaining("Only photos can be added here"),
    });

    const response = await postPhoto(first.id, aPhoto(), "image/png");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Photo added.");
    const [photo] = (await repos.visitRecords.forIssue(job.id)).filter((r) => r.kind === "photo");
    expect(photo!.photoKey).toStartWith(`photos/issues/${job.id}/visits/${first.id}/`);
    expect(photo!.size).toBe(aPhoto().byteLength);
    expect(photo!.thumbnailKey).toStartWith("photos/");
    const stored = await world.deps.blobStore.get(photo!.photoKey!);
    expect(new Uint8Array(await new Response(stored!.body).arrayBuffer())).toEqual(aPhoto());
    // The thumbnail is a real, smaller JPEG at most 320 px on its longest side.
    const thumb = await phone.request(`/visit-records/${photo!.id}/thumbnail`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("Content-Type")).toBe("image/jpeg");
    const jpeg = (await import("jpeg-js")).default.decode(new Uint8Array(await thumb.arrayBuffer()));
    expect([jpeg.width, jpeg.height]).toEqual([320, 240]);
    expect((await repos.visitRecords.forIssue(job.id)).length).toBe(2);
    expect(await world.deps.blobStore.exists(photo!.thumbnailKey!)).toBe(true);

    // The office sees it on the job's page, beside the note.
    const office = testBrowser(world.app);
    const staff = await aStaffUser(world.deps, "sam@handy.example");
    await office.logIn(staff.email, staff.password);
    const { html } = await office.page(`/issues/${job.id}`);
    expect(html).toContain("From site");
    expect(html).toContain(`src="/visit-records/${photo!.id}/thumbnail"`);
    expect(html).toContain("site photo added");
    expect((await office.request(`/visit-records/${photo!.id}/photo`)).status).toBe(200);
  });
});

describe("the calendar feed", () => {
  test("made on /my-day, parsed back with node-ical: the visits with site, access notes and a link; a new address stops the old", async () => {
    const { html: before } = await phone.page("/my-day");
    expect(before).toContain("No calendar address yet.");
    const made = await phone.post("/my-day/calendar", { _csrf: phone.csrf }, HTMX);
    expect(made.status).toBe(200);
    const url = (await made.text()).match(/value="(http[^"]+\.ics)"/)![1]!;
    expect(url).toMatch(/^https?:\/\/[^/]+\/calendar\/[A-Za-z0-9_-]{22}\.ics$/);
    const path = new URL(url).pathname;

    const feed = await world.app.request(`${ORIGIN}${path}`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get("Content-Type")).toStartWith("text/calendar");
    const events = Object.values(ical.sync.parseICS(await feed.text())).filter(
      (e): e is ical.VEvent => e?.type === "VEVENT",
    );
    const byTitle = new Map(events.map((e) => [String(e.summary), e]));
    // Alice's three visits (today's two and Monday's), not Bob's.
    expect([...byTitle.keys()].sort()).toEqual([
      "Leak through ceiling (plumbing)",
      "Sticking door (plumbing)",
      "Tomorrow's job (plumbing)",
    ]);
    const leak = byTitle.get("Leak through ceiling (plumbing)")!;
    expect(leak.start.toISOString()).toBe("2026-11-27T11:00:00.000Z");
    expect(leak.end!.toISOString()).toBe("2026-11-27T12:30:00.000Z");
    expect(leak.location).toBe("2 Headingley Lane, Leeds, LS6 1AB");
    expect(String(leak.description)).toContain("Access: Key in the safe by the door, code 4711");
    const visitId = String(leak.uid).split("@")[0];
    const link = typeof leak.url === "string" ? leak.url : (leak.url as unknown as { val: string }).val;
    expect(link).toBe(`${world.deps.settings.publicBaseUrl}/my-day/visits/${visitId}`);
    expect((await phone.request(`/my-day/visits/${visitId}`)).status).toBe(200);
    expect(String(leak.description)).not.toContain("+4477");

    const renewed = await phone.post("/my-day/calendar", { _csrf: phone.csrf }, HTMX);
    const next = new URL((await renewed.text()).match(/value="(http[^"]+\.ics)"/)![1]!).pathname;
    expect(next).not.toBe(path);
    expect((await world.app.request(`${ORIGIN}${path}`)).status).toBe(404);
    expect((await world.app.request(`${ORIGIN}${next}`)).status).toBe(200);
    expect((await world.app.request(`${ORIGIN}/calendar/not-a-token.ics`)).status).toBe(404);
    const renewals = (await repos.audit.forEntity("user", alice.userId)).filter((e) => e.what.startsWith("calendar"));
    expect(renewals.map((e) => `${e.who}: ${e.what}`)).toEqual([
      "alice@e.example: calendar feed address made anew",
      "alice@e.example: calendar feed address made anew",
    ]);
    // The secret itself stays out of the trail.
    expect(JSON.stringify(renewals)).not.toContain(next.slice(10, 32));
  });

  test("the request log writes a feed's path without its secret", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(line) });
    const logged = buildTestApp(repos, { logger });
    const token = (await repos.engineers.calendarToken(alice.userId))!;
    expect((await logged.app.request(`${ORIGIN}/calendar/${token}.ics`)).status).toBe(200);
    const request = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === "request");
    expect(request).toMatchObject({ path: "/calendar/<secret>.ics", status: 200 });
    expect(lines.join("\n")).not.toContain(token);
  });

  test("office staff have no feed of their own", async () => {
    const office = testBrowser(world.app);
    const staff = await aStaffUser(world.deps, "kim@handy.example");
    await office.logIn(staff.email, staff.password);
    const response = await office.post("/my-day/calendar", { _csrf: office.csrf }, HTMX);
    expect(response.status).toBe(403);
    const { response: page, html } = await office.page("/my-day");
    expect(page.status).toBe(200);
    expect(html).toContain("your account is not an engineer&#39;s.");
    expect(html).not.toContain("Make a calendar address");
  });
});

describe("the engineer's phone number", () => {
  test("set on /my-day, shown, audited without the number; a bad one is refused beside the field and changes nothing", async () => {
    const browser = testBrowser(world.app);
    expect((await browser.logIn(alice.email, PASSWORD)).status).toBe(303);
    const { html } = await browser.page("/my-day");
    expect(html).toContain('id="engineer-phone"');
    expect(html).toContain("No phone number: when you are on call, calls ring the office instead.");

    const saved = await browser.post("/my-day/phone", { _csrf: browser.csrf, phone: "07700 900321" }, HTMX);
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("calls ring 07700 900321");
    expect((await repos.engineers.byId(alice.userId))!.phone as string | null).toBe("+447700900321");
    const trail = await repos.audit.forEntity("user", alice.userId);
    expect(trail).toContainEqual(expect.objectContaining({ who: alice.email, what: "phone number changed" }));
    expect(JSON.stringify(trail)).not.toContain("900321");

    const refused = await browser.post("/my-day/phone", { _csrf: browser.csrf, phone: "12345" }, HTMX);
    expect(refused.status).toBe(422);
    const panel = await refused.text();
    expect(panel).toContain('id="engineer-phone-error">&quot;12345&quot; is not a phone number we can dial.');
    expect(panel).toContain('value="12345"');
    expect((await repos.engineers.byId(alice.userId))!.phone as string | null).toBe("+447700900321");

    const removed = await browser.post("/my-day/phone", { _csrf: browser.csrf, phone: "" }, HTMX);
    expect(removed.status).toBe(200);
    expect((await repos.engineers.byId(alice.userId))!.phone).toBeNull();
    expect((await repos.audit.forEntity("user", alice.userId)).map((e) => e.what)).toContain("phone number removed");
  });

  test("office staff have no on-call number to set here", async () => {
    const office = testBrowser(world.app);
    const staff = await aStaffUser(world.deps, "lee@handy.example");
    await office.logIn(staff.email, staff.password);
    const response = await office.post("/my-day/phone", { _csrf: office.csrf, phone: "07700 900111" }, HTMX);
    expect(response.status).toBe(403);
  });
});
