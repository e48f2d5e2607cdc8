/**
 * The dashboard's summary on real repositories (PGlite): read once, kept across loads, re-read
 * only for the parts a write changed, never kept from a read that a change overtook, and told
 * of other instances' writes through the live events.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createInProcessLiveEvents } from "../../src/adapters/local/in-process-live-events.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { watchWrites } from "../../src/compose/dashboard.ts";
import { DASHBOARD_CHANNEL } from "../../src/domain/dashboard/channel.ts";
import type { DashboardPart, DashboardReads } from "../../src/domain/dashboard/figures.ts";
import { createDashboardSummary } from "../../src/domain/dashboard/summary.ts";
import { CALLS_TOUCH, ISSUES_TOUCH, LEADS_TOUCH } from "../../src/domain/dashboard/touches.ts";
import type { LiveEvents } from "../../src/ports/live-events.ts";
import { freshPglite, truncateAll } from "../support/test-db.ts";
import { aLead, anIssue as issueFields } from "../support/jobs.ts";
import type { Urgency } from "../../src/domain/issues.ts";
import type { CallerCheck } from "../../src/domain/caller-match.ts";

let repos: OpenDatabase;
beforeAll(async () => {
  repos = await freshPglite();
}, 30_000);
afterAll(async () => repos?.close());
beforeEach(async () => truncateAll(repos));

const at = new Date("2026-12-02T10:00:00Z");

/** The real repositories' reads, counted by the part that asked. */
function countedReads() {
  const reads: Record<DashboardPart, number> = { calls: 0, leads: 0, issues: 0, money: 0 };
  const counted: DashboardReads = {
    calls: {
      countSince: (since) => (reads.calls++, repos.calls.countSince(since)),
      recent: (options) => repos.calls.recent(options),
      awaitingCallerCheck: (limit) => repos.calls.awaitingCallerCheck(limit),
    },
    leads: { countCreatedSince: (since) => (reads.leads++, repos.leads.countCreatedSince(since)) },
    issues: {
      openCountsByUrgency: () => (reads.issues++, repos.issues.openCountsByUrgency()),
      openByUrgency: (limit) => repos.issues.openByUrgency(limit),
    },
    payments: { moneySince: (since) => (reads.money++, repos.payments.moneySince(since)) },
  };
  return { reads, counted };
}

function summaryOn(liveEvents: LiveEvents = createInProcessLiveEvents(), instanceId = "a") {
  const { reads, counted } = countedReads();
  let now = at;
  const summary = createDashboardSummary({ reads: counted, liveEvents, instanceId, now: () => now });
  return {
    summary,
    reads,
    setNow: (when: Date) => {
      now = when;
    },
    issues: watchWrites(repos.issues, ISSUES_TOUCH, summary.touched),
    leads: watchWrites(repos.leads, LEADS_TOUCH, summary.touched),
    calls: watchWrites(repos.calls, CALLS_TOUCH, summary.touched),
  };
}

let sid = 0;
/** A call `minutesAgo` before `at`, through the given (watched) repository. */
const aCall = (calls: OpenDatabase["calls"], minutesAgo: number, lead: string | null = leadId) =>
  calls.record({
    providerCallId: `CA${String(++sid).padStart(32, "0")}`,
    direction: "inbound",
    from: "+447700900123",
    to: "+442079460000",
    leadId: lead,
    status: "ringing",
    startedAt: new Date(at.getTime() - minutesAgo * 60_000),
  });

let leadId: string;
beforeEach(async () => {
  const lead = await repos.leads.create(aLead({ source: "manual" }));
  leadId = lead.id;
});

const anIssue = (title: string, urgency: Urgency = "urgent") =>
  issueFields(leadId, { title, urgency, address: null, postcode: null });

describe("the dashboard summary", () => {
  test("many loads read each part once", async () => {
    const { summary, reads } = summaryOn();
    await Promise.all(Array.from({ length: 20 }, () => summary.read(at)));
    for (let i = 0; i < 20; i++) await summary.read(at);
    expect(reads).toEqual({ calls: 1, leads: 1, issues: 1, money: 1 });
  });

  test("a write re-reads only the parts it changed, and the next load shows it", async () => {
    const { summary, reads, issues } = summaryOn();
    expect((await summary.read(at)).figures.openIssues).toEqual([]);
    await issues.create(anIssue("Burst pipe under the sink", "emergency"));
    const after = await summary.read(at);
    expect(after.figures.openIssues.map((i) => i.title)).toEqual(["Burst pipe under the sink"]);
    expect(after.figures.openByUrgency.emergency).toBe(1);
    expect(reads).toEqual({ calls: 1, leads: 1, issues: 2, money: 1 });
  });

  test("a status change through the domain's compare-and-set is shown; a refused one re-reads nothing", async () => {
    const { summary, reads, issues } = summaryOn();
    const issue = await issues.create(anIssue("Leaking tap"));
    expect((await summary.read(at)).figures.openByUrgency.urgent).toBe(1);
    expect((await issues.setStatus(issue.id, "cancelled")).ok).toBe(true);
    expect((await summary.read(at)).figures.openByUrgency.urgent).toBe(0);
    expect(reads.issues).toBe(2);
    expect((await issues.setStatus(issue.id, "done")).ok).toBe(false);
    await summary.read(at);
    expect(reads.issues).toBe(2);
  });

  test("a read that a change overtook is not kept as current", async () => {
    const { summary, reads, issues } = summaryOn();
    const first = summary.read(at);
    // The write lands while the first read is under way: whatever that read saw, it is not kept.
    await issues.create(anIssue("Damp in the bedroom"));
    await first;
    const second = await summary.read(at);
    expect(second.figures.openIssues.map((i) => i.title)).toEqual(["Damp in the bedroom"]);
    expect(reads.issues).toBe(2);
  });

  test("while the dashboard is watched a change is re-read before the next load asks; unwatched, only when one does", async () => {
    const { summary, reads, issues, setNow } = summaryOn();
    await summary.read(at);
    await issues.create(anIssue("Blocked drain"));
    await Bun.sleep(50);
    expect(reads.issues).toBe(2);
    // Nobody has loaded it for over a minute: changes wait for the next load.
    setNow(new Date(at.getTime() + 61_000));
    await issues.create(anIssue("Broken window"));
    await Bun.sleep(50);
    expect(reads.issues).toBe(2);
    const later = new Date(at.getTime() + 61_000);
    expect((await summary.read(later)).figures.openIssues).toHaveLength(2);
    expect(reads.issues).toBe(3);
  });

  test("a new London day re-reads the calls counted from it; the open issues stay", async () => {
    const { summary, reads, setNow } = summaryOn();
    // Twenty seconds apart (well within the maximum age), either side of midnight in London.
    const evening = new Date("2026-12-02T23:59:50Z");
    const morning = new Date("2026-12-03T00:00:10Z");
    setNow(evening);
    await summary.read(evening);
    setNow(morning);
    await summary.read(morning);
    expect(reads).toEqual({ calls: 2, leads: 1, issues: 1, money: 1 });
  });

  test("a new month re-reads the money and the day's calls; the week (Monday to Sunday) stays", async () => {
    const { summary, reads, setNow } = summaryOn();
    // Monday 30 November 2026, late, then Tuesday 1 December in the small hours (London).
    const monday = new Date("2026-11-30T23:59:45Z");
    const tuesday = new Date("2026-12-01T00:00:10Z");
    setNow(monday);
    await summary.read(monday);
    await summary.read(new Date(monday.getTime() + 10_000));
    setNow(tuesday);
    await summary.read(tuesday);
    expect(reads).toEqual({ calls: 2, leads: 1, issues: 1, money: 2 });
  });

  test("after its maximum age a part is re-read in the background, and loads meanwhile answer at once", async () => {
    const { summary, reads, setNow } = summaryOn();
    await summary.read(at);
    const later = new Date(at.getTime() + 31_000);
    setNow(later);
    await summary.read(later);
    await Bun.sleep(50);
    expect(reads).toEqual({ calls: 2, leads: 2, issues: 2, money: 2 });
    await summary.read(later);
    expect(reads).toEqual({ calls: 2, leads: 2, issues: 2, money: 2 });
  });

  test("another instance's write reaches this one through the live events; its own echo is ignored", async () => {
    const liveEvents = createInProcessLiveEvents();
    const a = summaryOn(liveEvents, "instance-a");
    const b = summaryOn(liveEvents, "instance-b");
    await Promise.all([a.summary.read(at), b.summary.read(at)]);
    await a.issues.create(anIssue("No hot water"));
    await Bun.sleep(10);
    expect((await b.summary.read(at)).figures.openIssues.map((i) => i.title)).toEqual(["No hot water"]);
    expect(b.reads.issues).toBe(2);
    await a.summary.read(at);
    expect(a.reads.issues).toBe(2);
  });

  test("a burst of writes leaves in few events, the last one sent after the last write", async () => {
    const liveEvents = createInProcessLiveEvents();
    const heard: DashboardPart[][] = [];
    liveEvents.subscribe(DASHBOARD_CHANNEL, null, (event) => void heard.push(event.data.parts));
    const { summary } = summaryOn(liveEvents);
    for (let i = 0; i < 50; i++) summary.touched(i % 2 ? ["calls"] : ["money", "leads"]);
    await Bun.sleep(10);
    expect(heard.length).toBeLessThanOrEqual(2);
    expect(new Set(heard.flat())).toEqual(new Set(["calls", "money", "leads"]));
  });

  test("a write that failed re-reads every part", async () => {
    const { summary, reads, issues } = summaryOn();
    await summary.read(at);
    await expect(issues.create({ ...anIssue("x"), leadId: "not-a-uuid" })).rejects.toThrow();
    await summary.read(at);
    expect(reads).toEqual({ calls: 2, leads: 2, issues: 2, money: 2 });
  });

  test("the same snapshot is handed out until a part changes", async () => {
    const { summary, issues } = summaryOn();
    const first = await summary.read(at);
    expect(await summary.read(at)).toBe(first);
    await issues.create(anIssue("Loose roof tile"));
    const after = await summary.read(at);
    expect(after).not.toBe(first);
    expect(await summary.read(at)).toBe(after);
  });
});

describe("what a call's changes re-read", () => {
  test("a transcript line or an extraction re-reads nothing", async () => {
    const { summary, reads, calls } = summaryOn();
    const call = await aCall(calls, 1);
    await summary.read(at);
    const before = { ...reads };
    await calls.addSegment({
      callId: call.id,
      track: "inbound",
      text: "the boiler is leaking",
      startMs: 0,
      endMs: 2000,
      isFinal: true,
      confidence: 0.9,
    });
    await calls.update(call.id, { summary: "Boiler leaking", transcriber: "deepgram" });
    await Bun.sleep(20);
    await summary.read(at);
    expect(reads).toEqual(before);
  });

  test("a listed call's status change re-reads the calls part, and the next load shows it", async () => {
    const { summary, reads, calls } = summaryOn();
    const call = await aCall(calls, 1);
    expect((await summary.read(at)).figures.recentCalls.map((c) => c.status)).toEqual(["ringing"]);
    expect(await calls.advance(call.id, ["ringing"], { status: "in-progress" })).not.toBeNull();
    const after = await summary.read(at);
    expect(after.figures.recentCalls.map((c) => c.status)).toEqual(["in-progress"]);
    expect(after.figures.callsToday).toBe(1);
    expect(reads.calls).toBe(2);
    // A refused move (already in progress) changes nothing and re-reads nothing.
    expect(await calls.advance(call.id, ["ringing"], { status: "in-progress" })).toBeNull();
    await summary.read(at);
    expect(reads.calls).toBe(2);
  });

  test("a status change of a call the dashboard does not list re-reads nothing, and the figures stay right", async () => {
    const { summary, reads, calls } = summaryOn();
    const oldest = await aCall(calls, 60);
    for (let i = 0; i < 8; i++) await aCall(calls, i + 1); // the eight latest: the oldest drops off the list
    const before = await summary.read(at);
    expect(before.figures.recentCalls.map((c) => c.id)).not.toContain(oldest.id);
    expect(await calls.advance(oldest.id, ["ringing"], { status: "completed", emergency: true })).not.toBeNull();
    await Bun.sleep(20);
    const after = await summary.read(at);
    expect(reads.calls).toBe(1);
    expect(after).toBe(before);
    // What a fresh read shows is what was kept.
    const fresh = await createDashboardSummary({
      reads: repos,
      liveEvents: createInProcessLiveEvents(),
      instanceId: "fresh",
      now: () => at,
    }).read(at);
    expect(fresh.figures).toEqual(after.figures);
  });

  test("a new call, or a caller to check, re-reads the calls part even when nothing listed it", async () => {
    const { summary, reads, calls } = summaryOn();
    const call = await aCall(calls, 60);
    for (let i = 0; i < 8; i++) await aCall(calls, i + 1);
    await summary.read(at);
    await aCall(calls, 0);
    expect((await summary.read(at)).figures.callsToday).toBe(10);
    expect(reads.calls).toBe(2);
    const check: CallerCheck = {
      state: "pending",
      says: { name: "David Patel", organisation: null, address: null, postcode: null },
      reason: "name",
      leadId,
      notice: "Said he is David Patel",
      filingHeld: false,
    };
    expect(await calls.update(call.id, { callerCheck: check })).not.toBeNull();
    expect((await summary.read(at)).figures.callersToCheck.map((c) => c.id)).toEqual([call.id]);
    expect(reads.calls).toBe(3);
  });

  test("a change under way while the calls part is read is read again (that read may list it)", async () => {
    const { summary, calls } = summaryOn();
    const call = await aCall(calls, 1);
    const first = summary.read(at);
    await calls.advance(call.id, ["ringing"], { status: "in-progress" });
    await first;
    expect((await summary.read(at)).figures.recentCalls.map((c) => c.status)).toEqual(["in-progress"]);
  });

  test("a lead renamed re-reads only the parts that show it", async () => {
    const { summary, reads, leads, issues } = summaryOn();
    const other = await repos.leads.create(aLead({ source: "manual", name: "Someone Else" }));
    await issues.create(anIssue("Leaking tap"));
    await summary.read(at);
    await leads.update(other.id, { name: "Nobody Listed" });
    await Bun.sleep(20);
    await summary.read(at);
    expect(reads).toEqual({ calls: 1, leads: 1, issues: 1, money: 1 });
    await leads.update(leadId, { name: "Olivia Grant" });
    const after = await summary.read(at);
    expect(after.figures.openIssues.map((i) => i.leadName)).toEqual(["Olivia Grant"]);
    // Its job is listed, it has no calls: the jobs are read again, the calls are not.
    expect(reads).toEqual({ calls: 1, leads: 1, issues: 2, money: 1 });
  });

  test("another instance re-reads for a call's change only if it lists the call", async () => {
    const liveEvents = createInProcessLiveEvents();
    const a = summaryOn(liveEvents, "instance-a");
    const b = summaryOn(liveEvents, "instance-b");
    const oldest = await a.calls.record({
      providerCallId: `CA${String(++sid).padStart(32, "0")}`,
      direction: "inbound",
      from: "+447700900999",
      to: "+442079460000",
      leadId,
      status: "ringing",
      startedAt: new Date(at.getTime() - 3600_000),
    });
    const listed = await aCall(a.calls, 0);
    for (let i = 0; i < 7; i++) await aCall(a.calls, i + 1);
    await Bun.sleep(10);
    await Promise.all([a.summary.read(at), b.summary.read(at)]);
    const readsBefore = b.reads.calls;
    await a.calls.advance(oldest.id, ["ringing"], { status: "no-answer" });
    await Bun.sleep(10);
    await b.summary.read(at);
    expect(b.reads.calls).toBe(readsBefore);
    await a.calls.advance(listed.id, ["ringing"], { status: "in-progress" });
    await Bun.sleep(10);
    const shown = await b.summary.read(at);
    expect(shown.figures.recentCalls.find((c) => c.id === listed.id)?.status).toBe("in-progress");
    expect(b.reads.calls).toBe(readsBefore + 1);
  });
});
