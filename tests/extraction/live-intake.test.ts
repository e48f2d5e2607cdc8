import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { createInProcessLiveEvents } from "../../src/adapters/local/in-process-live-events.ts";
import { createRulesExtractor } from "../../src/adapters/local/rules-extractor/index.ts";
import { closeCallIntake, issueTitle, leadUpdatesFrom } from "../../src/domain/extraction/call-intake.ts";
import { correctField } from "../../src/domain/extraction/corrections.ts";
import { emptyExtraction, type Extraction } from "../../src/domain/extraction/extraction.ts";
import { startLiveExtraction } from "../../src/domain/extraction/live-extraction.ts";
import { DEFAULT_SAFETY_RULES } from "../../src/domain/extraction/safety.ts";
import { parseSafetyRules } from "../../src/domain/extraction/safety-rules.ts";
import type { Lead } from "../../src/domain/leads.ts";
import type { Repositories } from "../../src/ports/database.ts";
import type { Extractor } from "../../src/ports/extractor.ts";
import { callChannel } from "../../src/domain/live-call/channels.ts";
import { freshPglite } from "../support/test-db.ts";

let repos: Repositories;
beforeAll(async () => {
  repos = await freshPglite();
}, 30_000);
afterAll(async () => repos?.close());

const anExtraction = (fields: Partial<Extraction>): Extraction => ({ ...emptyExtraction("rules"), ...fields });
const aLead = (fields: Partial<Lead> = {}) =>
  repos.leads.create({
    name: null,
    organisation: null,
    phone: null,
    email: null,
    address: null,
    postcode: null,
    segment: "unknown",
    source: "phone",
    notes: null,
    ...fields,
  });
let sid = 0;
const aCall = (leadId: string | null) =>
  repos.calls.record({
    providerCallId: `CA${String(++sid).padStart(32, "0")}`,
    direction: "inbound",
    from: "+447700900123",
    to: "+442079460000",
    leadId,
    status: "in-progress",
    startedAt: new Date(),
  });

describe("what the end of a call files", () => {
  test("a lead's empty fields are filled; what staff typed is kept", async () => {
    const lead = (await aLead({ name: "Mrs S. Jones" })) as Lead;
    const updates = leadUpdatesFrom(
      lead,
      anExtraction({ name: "Sarah Jones", segment: "tenant", address: "12 Baker Street", postcode: "NW1 6XE" }),
    );
    expect(updates).toEqual({ segment: "tenant", address: "12 Baker Street", postcode: "NW1 6XE" });
  });

  test("a job title is the summary's first clause, short enough for the board", () => {
    expect(issueTitle({ summary: "Boiler leaking onto the kitchen floor. Heating off.", category: "heating" })).toBe(
      "Boiler leaking onto the kitchen floor",
    );
    expect(issueTitle({ summary: null, category: "drainage" })).toBe("Drainage job");
    expect(issueTitle({ summary: "x".repeat(120), category: null }).length).toBeLessThanOrEqual(80);
  });

  test("a call with a job opens one; a second call about the same site joins it and raises its urgency", async () => {
    const lead = await aLead();
    const first = await aCall(lead.id);
    const said = anExtraction({
      name: "Sarah Jones",
      summary: "Boiler leaking",
      category: "heating",
      urgency: "urgent",
      postcode: "NW1 6XE",
      address: "12 Baker Street",
    });
    const opened = await closeCallIntake(repos, first, said);
    expect(opened.createdIssue).toBe(true);
    expect(opened.issue).toMatchObject({
      title: "Boiler leaking",
      category: "heating",
      urgency: "urgent",
      sourceCallId: first.id,
    });
    expect((await repos.calls.byId(first.id))!.issueId).toBe(opened.issue!.id);

    const second = await aCall(lead.id);
    const again = await closeCallIntake(repos, second, { ...said, urgency: "emergency", postcode: "nw1 6xe" });
    expect(again).toMatchObject({ createdIssue: false });
    expect(again.issue!.id).toBe(opened.issue!.id);
    expect((await repos.issues.byId(opened.issue!.id))!.urgency).toBe("emergency");
    expect(await repos.issues.forLead(lead.id)).toHaveLength(1);
  });

  test("a call about another site opens another job; a call with no job opens none", async () => {
    const lead = await aLead();
    await closeCallIntake(repos, await aCall(lead.id), anExtraction({ summary: "Leaking tap", postcode: "CF10 1EP" }));
    await closeCallIntake(repos, await aCall(lead.id), anExtraction({ summary: "Broken window", postcode: "BS1 4DJ" }));
    expect(await repos.issues.forLead(lead.id)).toHaveLength(2);
    const chat = await closeCallIntake(repos, await aCall(lead.id), anExtraction({ name: "Just checking in" }));
    expect(chat).toEqual({ issue: null, createdIssue: false });
    expect(await repos.issues.forLead(lead.id)).toHaveLength(2);
  });
});

describe("the live loop", () => {
  test("lines arriving together make one extraction at a time, and the end always makes a last one", async () => {
    const call = await aCall(null);
    const rules = createRulesExtractor();
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    const slow: Extractor = {
      name: "slow",
      async extract(t) {
        calls += 1;
        inFlight += 1;
        most = Math.max(most, inFlight);
        await Bun.sleep(30);
        inFlight -= 1;
        return rules.extract(t);
      },
    };
    const events = createInProcessLiveEvents();
    const published: unknown[] = [];
    events.subscribe(callChannel(call.id), null, (e) => published.push(e.type));
    const live = startLiveExtraction(
      {
        calls: repos.calls,
        extractor: slow,
        liveEvents: events,
        log: pino({ level: "silent" }),
        safetyRules: async () => DEFAULT_SAFETY_RULES,
      },
      call.id,
      { debounceMs: 5, minSpeechMsBetweenRuns: 0 },
    );
    const lines = [
      "Hi, my name is Sarah Jones.",
      "I'm a tenant at 12 Baker Street, N W 1, 6 X E.",
      "My boiler is leaking.",
      "It's quite urgent.",
    ];
    for (const [i, text] of lines.entries()) {
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
      await Bun.sleep(12);
    }
    const final = await live.finish();
    expect(most).toBe(1);
    expect(calls).toBeLessThan(lines.length + 1);
    expect(final!.extraction).toMatchObject({ name: "Sarah Jones", postcode: "NW1 6XE", urgency: "urgent" });
    expect(published.filter((t) => t === "details").length).toBeGreaterThanOrEqual(1);
    expect((await repos.calls.byId(call.id))!.extracted!.name).toBe("Sarah Jones");
  });

  test("safety advice reads the caller's consecutive lines as one utterance, as the transcriber splits them", async () => {
    const call = await aCall(null);
    const live = startLiveExtraction(
      {
        calls: repos.calls,
        extractor: createRulesExtractor(),
        liveEvents: createInProcessLiveEvents(),
        log: pino({ level: "silent" }),
        safetyRules: async () => DEFAULT_SAFETY_RULES,
      },
      call.id,
      { debounceMs: 5, minSpeechMsBetweenRuns: 0 },
    );
    const said: ["inbound" | "outbound", string][] = [
      ["outbound", "Switchboard Property Maintenance, how can I help?"],
      ["inbound", "There's water pouring through the ceiling in the kitchen, it's coming down really fast"],
      ["inbound", "and my husband says it's all over the floor, so we've turned off the electrics at the box"],
    ];
    for (const [i, [track, text]] of said.entries()) {
      live.segmentStored(
        await repos.calls.addSegment({
          callId: call.id,
          track,
          text,
          startMs: i * 4000,
          endMs: i * 4000 + 3500,
          isFinal: true,
          confidence: 0.9,
        }),
      );
    }
    const final = await live.finish();
    expect(final!.safety.map((a) => a.ruleId)).toEqual(["water-electrics"]);
  });

  test("a correction stands over every later extraction", async () => {
    const call = await aCall(null);
    await repos.calls.update(call.id, { corrections: { name: "Sara Jones" } });
    const live = startLiveExtraction(
      {
        calls: repos.calls,
        extractor: createRulesExtractor(),
        liveEvents: createInProcessLiveEvents(),
        log: pino({ level: "silent" }),
        safetyRules: async () => DEFAULT_SAFETY_RULES,
      },
      call.id,
      { debounceMs: 1, minSpeechMsBetweenRuns: 0 },
    );
    live.segmentStored(
      await repos.calls.addSegment({
        callId: call.id,
        track: "inbound",
        text: "Hi, my name is Sarah Jones.",
        startMs: 0,
        endMs: 2000,
        isFinal: true,
        confidence: 0.9,
      }),
    );
    const details = await live.finish();
    expect(details!.extraction.name).toBe("Sara Jones");
    expect(details!.corrected).toEqual(["name"]);
  });

  test("lines that change nothing understood are not stored or sent again; a line that does is", async () => {
    const call = await aCall(null);
    const events = createInProcessLiveEvents();
    const shown: string[] = [];
    events.subscribe(
      callChannel(call.id),
      null,
      (e) => e.type === "details" && shown.push(e.data.extraction.name ?? "-"),
    );
    let writes = 0;
    const counted = {
      ...repos.calls,
      update: (...args: Parameters<typeof repos.calls.update>) => ((writes += 1), repos.calls.update(...args)),
    };
    const live = startLiveExtraction(
      {
        calls: counted,
        extractor: createRulesExtractor(),
        liveEvents: events,
        log: pino({ level: "silent" }),
        safetyRules: async () => DEFAULT_SAFETY_RULES,
      },
      call.id,
      { debounceMs: 1, minSpeechMsBetweenRuns: 0 },
    );
    const say = async (text: string, at: number) => {
      live.segmentStored(
        await repos.calls.addSegment({
          callId: call.id,
          track: "inbound",
          text,
          startMs: at,
          endMs: at + 1000,
          isFinal: true,
          confidence: 0.9,
        }),
      );
      await Bun.sleep(20);
    };
    await say("Hi, my name is Sarah Jones.", 0);
    await say("Right.", 2000);
    await say("Okay.", 4000);
    expect(writes).toBe(1);
    expect(shown).toEqual(["Sarah Jones"]);
    await say("I'm a tenant at 12 Baker Street, N W 1, 6 X E.", 6000);
    await live.finish();
    expect(writes).toBe(2);
    expect(shown).toEqual(["Sarah Jones", "Sarah Jones"]);
    expect((await repos.calls.byId(call.id))!.extracted).toMatchObject({ name: "Sarah Jones", postcode: "NW1 6XE" });
  });

  test("a failing extractor changes nothing stored", async () => {
    const call = await aCall(null);
    const broken: Extractor = { name: "broken", extract: async () => Promise.reject(new Error("model unavailable")) };
    const live = startLiveExtraction(
      {
        calls: repos.calls,
        extractor: broken,
        liveEvents: createInProcessLiveEvents(),
        log: pino({ level: "silent" }),
        safetyRules: async () => DEFAULT_SAFETY_RULES,
      },
      call.id,
      { debounceMs: 1, minSpeechMsBetweenRuns: 0 },
    );
    live.segmentStored(
      await repos.calls.addSegment({
        callId: call.id,
        track: "inbound",
        text: "My name is Sarah.",
        startMs: 0,
        endMs: 2000,
        isFinal: true,
        confidence: 0.9,
      }),
    );
    expect(await live.finish()).toBeNull();
    expect((await repos.calls.byId(call.id))!.extracted).toBeNull();
  });
});

describe("corrections and the safety list", () => {
  test("corrections are tidied like form fields, and refused with a reason when wrong", () => {
    expect(correctField("postcode", "nw16xe")).toEqual({ ok: true, value: { field: "postcode", value: "NW1 6XE" } });
    expect(correctField("phone", "07700 900123")).toEqual({
      ok: true,
      value: { field: "phone", value: "+447700900123" },
    });
    expect(correctField("segment", "")).toEqual({ ok: true, value: { field: "segment", value: "unknown" } });
    expect(correctField("urgency", "whenever")).toMatchObject({
      ok: false,
      message: expect.stringContaining("emergency, urgent, routine"),
    });
    expect(correctField("password", "x")).toMatchObject({ ok: false });
  });

  test("an edited safety list is checked: JSON, required fields, unique ids", () => {
    expect(parseSafetyRules(JSON.stringify(DEFAULT_SAFETY_RULES)).ok).toBe(true);
    expect(parseSafetyRules("nope")).toMatchObject({ ok: false, message: expect.stringContaining("not valid JSON") });
    expect(
      parseSafetyRules(
        '[{"id":"a","danger":"A","anyOf":["x"],"advice":"y"},{"id":"a","danger":"B","anyOf":["z"],"advice":"w"}]',
      ),
    ).toMatchObject({ ok: false, message: 'Two rules have the id "a".' });
    expect(parseSafetyRules('[{"id":"a","danger":"A","anyOf":[],"advice":"y"}]')).toMatchObject({
      ok: false,
      message: expect.stringContaining("anyOf"),
    });
  });
});
