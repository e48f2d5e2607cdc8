import { emptyExtraction } from "../../../src/domain/extraction/extraction.ts";
import { afterAll, beforeAll, beforeEach, describe, expect, test as bunTest } from "bun:test";
import { eq, sql } from "drizzle-orm";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import {
  calls as callsTable,
  issues as issuesTable,
  leads as leadsTable,
  messages,
  quotes as quotesTable,
} from "../../../src/adapters/db/schema.ts";
import { DuplicateEmailError } from "../../../src/adapters/db/staff-repository.ts";
import { reject } from "../../../src/domain/result.ts";
import type { NewCall } from "../../../src/ports/calls.ts";
import type { NewMessage } from "../../../src/ports/messages.ts";
import { MEDIA_TASK } from "../../../src/domain/messaging/inbound.ts";
import { INVOICE_ISSUED_TASK, RECORDING_TASK, SEND_TASK } from "../../../src/domain/tasks/kinds.ts";
import type { E164 } from "../../../src/domain/phone.ts";
import { quoteTotals, type QuoteLine } from "../../../src/domain/quotes.ts";
import { truncateAll } from "../../support/test-db.ts";
import { aLead, anIssue } from "../../support/jobs.ts";
import { anInboundMessage } from "../../support/messages.ts";
import { schedulingContract } from "./scheduling-contract.ts";
import { fieldWorkContract } from "./field-work-contract.ts";
import { onCallContract } from "./on-call-contract.ts";

// The builders moved to tests/support/jobs.ts; older tests still import them from here.
export { aLead, anIssue } from "../../support/jobs.ts";

/** Opens the database under test; the suite empties it before each test and closes it at the end. */
export type OpenTarget = () => Promise<OpenDatabase>;

/** Every contract test gets 20 s: racing statements can exceed bun's 5 s default on a busy two-core machine. */
const test = (name: string, body: () => Promise<void>) => bunTest(name, body, 20_000);

const phone = (value: string) => value as E164;

export const aCall = (fields: Partial<NewCall> = {}): NewCall => ({
  providerCallId: `CA${crypto.randomUUID().replaceAll("-", "")}`,
  direction: "inbound",
  from: "+447700900123",
  to: "+442079460000",
  leadId: null,
  status: "ringing",
  startedAt: new Date("2026-11-20T10:00:00Z"),
  ...fields,
});

const lines: QuoteLine[] = [
  { kind: "labour", description: "Replace tap", quantity: 1.5, unitPricePence: 6000, vatRatePercent: 20 },
  { kind: "materials", description: "Mixer tap", quantity: 1, unitPricePence: 8999, vatRatePercent: 20 },
];

const aQuote = (issueId: string) => ({
  issueId,
  lines,
  discountPence: 500,
  deposit: { kind: "percent" as const, percent: 25 },
  validUntil: new Date("2026-12-31T23:59:59Z"),
  terms: "Payment on completion.",
  totals: quoteTotals(lines, 500, { kind: "percent", percent: 25 }),
});

/**
 * The behaviour every database behind the Repositories port must show, run against each engine:
 * PGlite in-process, PGlite through its socket, PostgreSQL via postgres.js, and Neon's driver.
 */
export function repositoryContract(name: string, open: OpenTarget): void {
  describe(`Repositories on ${name}`, () => {
    let repos: OpenDatabase;

    beforeAll(async () => {
      repos = await open();
    }, 60_000);
    afterAll(async () => {
      await repos?.close();
    }, 30_000);
    beforeEach(async () => {
      await truncateAll(repos);
    });

    /** Moves a row's creation time, for tests about order. */
    const setCreatedAt = async (
      table: typeof leadsTable | typeof issuesTable | typeof quotesTable,
      id: string,
      at: Date,
    ) => {
      await repos.db.update(table).set({ createdAt: at }).where(eq(table.id, id));
    };

    schedulingContract(() => repos);
    fieldWorkContract(() => repos);
    onCallContract(() => repos);

    test("ping answers", async () => {
      await repos.ping();
      expect(typeof repos.kind).toBe("string");
    });

    describe("leads", () => {
      test("a created lead reads back by id and by phone, with defaults and timestamps", async () => {
        const lead = await repos.leads.create(aLead({ phone: phone("+447700900123"), postcode: "NW1 6XE" }));
        expect(lead).toMatchObject({ name: "Sarah Jones", phone: "+447700900123", status: "new", segment: "tenant" });
        expect(lead.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(lead.createdAt).toBeInstanceOf(Date);
        expect(await repos.leads.byId(lead.id)).toEqual(lead);
        expect(await repos.leads.byPhone(phone("+447700900123"))).toEqual(lead);
        expect(await repos.leads.byPhone(phone("+447700900999"))).toBeNull();
      });

      test("an unknown or malformed id finds nothing instead of throwing", async () => {
        expect(await repos.leads.byId(crypto.randomUUID())).toBeNull();
        expect(await repos.leads.byId("not-a-uuid")).toBeNull();
        expect(await repos.leads.update("../etc", { name: "x" })).toBeNull();
      });

      test("update changes only the given fields and moves updatedAt; setStatus sets the status", async () => {
        const lead = await repos.leads.create(aLead({ email: "sarah@example.com" }));
        await Bun.sleep(5);
        const updated = await repos.leads.update(lead.id, { organisation: "Acme Lettings", notes: "Prefers mornings" });
        expect(updated).toMatchObject({
          name: "Sarah Jones",
          email: "sarah@example.com",
          organisation: "Acme Lettings",
          notes: "Prefers mornings",
        });
        expect(updated!.updatedAt.getTime()).toBeGreaterThan(lead.updatedAt.getTime());
        await repos.leads.setStatus(lead.id, "qualified");
        expect((await repos.leads.byId(lead.id))!.status).toBe("qualified");
      });

      test("a lead's setStatus goes only where the transition table allows, and otherwise writes nothing and says why", async () => {
        const lead = await repos.leads.create(aLead());
        expect(await repos.leads.setStatus(lead.id, "won")).toEqual({
          ok: false,
          reason: "illegal_transition",
          message: "A lead cannot go from new to won: from new it can go to qualified, quoted, lost.",
        });
        expect((await repos.leads.byId(lead.id))!.status).toBe("new");
        expect(await repos.leads.setStatus(lead.id, "quoted")).toEqual({ ok: true, value: "quoted" });
        expect(await repos.leads.setStatus(lead.id, "won")).toEqual({ ok: true, value: "won" });
        expect(await repos.leads.setStatus(lead.id, "lost")).toMatchObject({
          ok: false,
          message: "A lead cannot go from won to lost: won is final.",
        });
        expect((await repos.leads.byId(lead.id))!.status).toBe("won");
        expect(await repos.leads.setStatus("00000000-0000-4000-8000-000000000000", "lost")).toMatchObject({
          ok: false,
          reason: "not_found",
        });
        expect(await repos.leads.setStatus("nope", "lost")).toMatchObject({ ok: false, reason: "not_found" });
      });

      test("a phone number belongs to one lead; leads without a phone are not limited", async () => {
        await repos.leads.create(aLead({ phone: phone("+447700900123") }));
        await expect(repos.leads.create(aLead({ phone: phone("+447700900123") }))).rejects.toThrow();
        await repos.leads.create(aLead({ name: "No number 1" }));
        await repos.leads.create(aLead({ name: "No number 2" }));
        expect((await repos.leads.search({ limit: 10, offset: 0 })).total).toBe(3);
      });

      test("findOrCreateByPhone creates once, then finds the same lead", async () => {
        const first = await repos.leads.findOrCreateByPhone(phone("+447700900123"), aLead({ name: "Caller" }));
        expect(first.created).toBe(true);
        expect(first.lead).toMatchObject({ phone: "+447700900123", name: "Caller" });
        const second = await repos.leads.findOrCreateByPhone(phone("+447700900123"), aLead({ name: "Someone else" }));
        expect(second).toEqual({ lead: first.lead, created: false });
      });

      test("findOrCreateByPhone racing with itself yields one lead for everyone", async () => {
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) =>
            repos.leads.findOrCreateByPhone(phone("+447700900555"), aLead({ name: `Racer ${i}` })),
          ),
        );
        expect(new Set(results.map((r) => r.lead.id)).size).toBe(1);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        const rows = await repos.db.select().from(leadsTable).where(eq(leadsTable.phone, "+447700900555"));
        expect(rows).toHaveLength(1);
      });

      test("givePhone gives a lead without a number this one; null when the number is another lead's or the lead has one", async () => {
        const taken = await repos.leads.create(aLead({ phone: phone("+447700900123") }));
        const alias = await repos.leads.create(aLead({ name: "Priya" }));
        expect(await repos.leads.givePhone(alias.id, phone("+447700900123"))).toBeNull();
        expect((await repos.leads.byId(alias.id))!.phone).toBeNull();
        expect(await repos.leads.givePhone(taken.id, phone("+447700900456"))).toBeNull();
        expect(await repos.leads.givePhone(alias.id, phone("+447700900456"))).toMatchObject({
          id: alias.id,
          phone: "+447700900456",
        });
        expect(await repos.leads.givePhone("not-a-uuid", phone("+447700900789"))).toBeNull();
      });

      test("updateUnlessPhoneTaken names the lead with the number; two edits racing for one number: one wins, the other is told who", async () => {
        const owner = await repos.leads.create(aLead({ phone: phone("+447700900123") }));
        const [a, b] = await Promise.all([
          repos.leads.create(aLead({ name: "A" })),
          repos.leads.create(aLead({ name: "B" })),
        ]);
        expect(await repos.leads.updateUnlessPhoneTaken(a.id, { name: "A2", phone: phone("+447700900123") })).toEqual({
          phoneTakenBy: owner,
        });
        expect((await repos.leads.byId(a.id))!.name).toBe("A");
        expect(await repos.leads.updateUnlessPhoneTaken(crypto.randomUUID(), { name: "Nobody" })).toBeNull();
        const outcomes = await Promise.all(
          [a, b].map((lead) => repos.leads.updateUnlessPhoneTaken(lead.id, { phone: phone("+447700900555") })),
        );
        const winner = outcomes.flatMap((o) => (o && "updated" in o ? [o.updated] : []));
        expect(winner).toHaveLength(1);
        expect(outcomes).toContainEqual({ phoneTakenBy: winner[0]! });
      });

      test("merge moves the absorbed lead's calls, jobs and aliases to the survivor, fills its blanks, and deletes the absorbed lead", async () => {
        const survivor = await repos.leads.create(
          aLead({ name: null, phone: phone("+447700900321"), address: "5 Elm Road", segment: "unknown" }),
        );
        const absorbed = await repos.leads.create(
          aLead({ name: "Priya", address: "9 Other Street", email: "priya@example.com", segment: "landlord" }),
        );
        const call = await repos.calls.record(aCall({ leadId: absorbed.id }));
        const issue = await repos.issues.create(anIssue(absorbed.id));
        await repos.leadAliases.add(absorbed.id, "whatsapp_user_id", "GB.1");
        await repos.leadAliases.add(survivor.id, "whatsapp_user_id", "GB.2");
        await repos.leadContacts.add({ leadId: absorbed.id, name: "David Patel", role: "landlord", phone: null });
        await repos.leads.merge(absorbed.id, survivor.id);
        expect(await repos.leadContacts.forLead(survivor.id)).toMatchObject([
          { name: "David Patel", role: "landlord" },
        ]);
        expect(await repos.leads.byId(absorbed.id)).toBeNull();
        expect(await repos.leads.byId(survivor.id)).toMatchObject({
          name: "Priya",
          phone: "+447700900321",
          address: "5 Elm Road",
          email: "priya@example.com",
          segment: "landlord",
        });
        expect((await repos.calls.byId(call.id))!.leadId).toBe(survivor.id);
        expect((await repos.issues.byId(issue.id))!.leadId).toBe(survivor.id);
        expect((await repos.leadAliases.forLead(survivor.id)).map((a) => a.value).sort()).toEqual(["GB.1", "GB.2"]);
      });

      describe("search", () => {
        beforeEach(async () => {
          await repos.leads.create(
            aLead({
              name: "Sarah Jones",
              phone: phone("+447700900123"),
              address: "12 Baker Street",
              postcode: "NW1 6XE",
            }),
          );
          await repos.leads.create(
            aLead({
              name: "Tom O'Brien",
              organisation: "Oakwood Lettings",
              phone: phone("+447700900456"),
              postcode: "SW1A 1AA",
            }),
          );
          await repos.leads.create(
            aLead({
              name: "Priya Patel",
              organisation: "Patel & Sons 100% Builders",
              phone: phone("+12025550123"),
              postcode: "M1 1AE",
            }),
          );
          await repos.leads.create(
            aLead({ name: null, organisation: null, phone: phone("+447911123456"), postcode: null }),
          );
        });

        const names = async (query: string) =>
          (await repos.leads.search({ query, limit: 50, offset: 0 })).leads.map((l) => l.name ?? l.phone).sort();

        test("by name or organisation, case-insensitively, in part", async () => {
          expect(await names("sarah")).toEqual(["Sarah Jones"]);
          expect(await names("JONES")).toEqual(["Sarah Jones"]);
          expect(await names("o'brien")).toEqual(["Tom O'Brien"]);
          expect(await names("oakwood")).toEqual(["Tom O'Brien"]);
          expect(await names("lettings")).toEqual(["Tom O'Brien"]);
        });

        test("by name in any word order, and by the words of an organisation", async () => {
          expect(await names("sarah jones")).toEqual(["Sarah Jones"]);
          expect(await names("jones sarah")).toEqual(["Sarah Jones"]);
          expect(await names("JONES  Sarah")).toEqual(["Sarah Jones"]);
          expect(await names("jones s")).toEqual(["Sarah Jones"]); // a short word: the start of a word
          expect(await names("patel priya")).toEqual(["Priya Patel"]);
          expect(await names("lettings oakwood")).toEqual(["Tom O'Brien"]);
          expect(await names("jones priya")).toEqual([]); // every word, in the same name
        });

        test("by street", async () => {
          expect(await names("baker street")).toEqual(["Sarah Jones"]);
          expect(await names("Baker St")).toEqual(["Sarah Jones"]);
          expect(await names("12 baker")).toEqual(["Sarah Jones"]);
        });

        test("by the street or postcode of any of the lead's jobs' sites", async () => {
          const { leads } = await repos.leads.search({ query: "oakwood", limit: 1, offset: 0 });
          await repos.issues.create(anIssue(leads[0]!.id, { address: "4 Rye Lane", postcode: "SE15 4QN" }));
          await repos.issues.create(anIssue(leads[0]!.id, { address: "Flat 3, 9 Mare Street", postcode: "E8 1HR" }));
          expect(await names("SE15 4QN")).toEqual(["Tom O'Brien"]);
          expect(await names("se154qn")).toEqual(["Tom O'Brien"]);
          expect(await names("e8")).toEqual(["Tom O'Brien"]);
          expect(await names("rye lane")).toEqual(["Tom O'Brien"]);
          expect(await names("mare street")).toEqual(["Tom O'Brien"]);
          expect((await repos.leads.search({ query: "se15", limit: 50, offset: 0 })).total).toBe(1); // once, for two matches
          expect(await names("SE16")).toEqual([]);
        });

        test("by postcode, with or without its space", async () => {
          expect(await names("NW1 6XE")).toEqual(["Sarah Jones"]);
          expect(await names("nw16xe")).toEqual(["Sarah Jones"]);
          expect(await names("sw1a")).toEqual(["Tom O'Brien"]);
        });

        test("by phone number in any written form, whole or in part", async () => {
          expect(await names("07700 900123")).toEqual(["Sarah Jones"]);
          expect(await names("+44 7700 900123")).toEqual(["Sarah Jones"]);
          expect(await names("0044 7700 900 123")).toEqual(["Sarah Jones"]);
          expect(await names("(07700) 900-123")).toEqual(["Sarah Jones"]);
          expect(await names("900123")).toEqual(["Sarah Jones"]);
          expect(await names("07700 900")).toEqual(["Sarah Jones", "Tom O'Brien"]);
          expect(await names("07911")).toEqual(["+447911123456"]);
          expect(await names("+1 202 555 0123")).toEqual(["Priya Patel"]);
        });

        test("text with digits is not read as a phone number, and LIKE wildcards are literal", async () => {
          expect(await names("Flat 2")).toEqual([]);
          expect(await names("100%")).toEqual(["Priya Patel"]); // only her organisation has a literal %
          expect(await names("s_1")).toEqual([]); // would match "Sons 100%" if _ were a wildcard
          expect(await names("%")).toEqual([]);
          expect(await names("_")).toEqual([]);
          expect(await names("nobody here")).toEqual([]);
        });

        test("one or two characters match the start of a word", async () => {
          expect(await names("jo")).toEqual(["Sarah Jones"]);
          expect(await names("P")).toEqual(["Priya Patel"]);
          expect(await names("ar")).toEqual([]); // inside "Sarah", not at a word's start
          expect(await names("m1")).toEqual(["Priya Patel"]); // postcode M1 1AE
        });

        test("an empty or blank query lists everyone", async () => {
          expect((await repos.leads.search({ query: "  ", limit: 50, offset: 0 })).total).toBe(4);
          expect((await repos.leads.search({ limit: 50, offset: 0 })).total).toBe(4);
        });
      });

      test("search pages newest first with the total of all matches", async () => {
        const base = Date.parse("2026-11-01T09:00:00Z");
        for (let i = 0; i < 25; i++) {
          const lead = await repos.leads.create(aLead({ name: `Smith ${String(i).padStart(2, "0")}` }));
          await setCreatedAt(leadsTable, lead.id, new Date(base + i * 60_000));
        }
        await repos.leads.create(aLead({ name: "Jones" }));
        const pages = await Promise.all(
          [0, 10, 20].map((offset) => repos.leads.search({ query: "smith", limit: 10, offset })),
        );
        expect(pages.map((p) => p.leads.length)).toEqual([10, 10, 5]);
        expect(pages.map((p) => p.total)).toEqual([25, 25, 25]);
        const order = pages.flatMap((p) => p.leads.map((l) => l.name));
        expect(order).toEqual(Array.from({ length: 25 }, (_, i) => `Smith ${String(24 - i).padStart(2, "0")}`));
        const beyond = await repos.leads.search({ query: "smith", limit: 10, offset: 30 });
        expect(beyond).toEqual({ leads: [], total: 25 });
      });

      test("a search matching more than two thousand leads still pages newest first with the exact total", async () => {
        // Past two thousand matches the repository counts first and takes another plan: check both agree.
        const base = Date.parse("2026-10-01T09:00:00Z");
        const many = Array.from({ length: 2_030 }, (_, i) => ({
          name: `Pat Smith ${String(i).padStart(4, "0")}`,
          segment: "tenant" as const,
          source: "manual" as const,
          status: "new" as const,
          createdAt: new Date(base + i * 60_000),
        }));
        await repos.db.insert(leadsTable).values(many);
        await repos.leads.create(aLead({ name: "Jones" }));
        const first = await repos.leads.search({ query: "smith", limit: 25, offset: 0 });
        expect(first.total).toBe(2_030);
        expect(first.leads.map((l) => l.name)).toEqual(
          Array.from({ length: 25 }, (_, i) => `Pat Smith ${String(2_029 - i).padStart(4, "0")}`),
        );
        const last = await repos.leads.search({ query: "smith", limit: 25, offset: 2_025 });
        expect(last.total).toBe(2_030);
        expect(last.leads.map((l) => l.name)).toEqual([
          "Pat Smith 0004",
          "Pat Smith 0003",
          "Pat Smith 0002",
          "Pat Smith 0001",
          "Pat Smith 0000",
        ]);
        expect(await repos.leads.search({ query: "smith", limit: 25, offset: 2_050 })).toEqual({
          leads: [],
          total: 2_030,
        });
      });

      test("countCreatedSince counts leads created at or after the time", async () => {
        const old = await repos.leads.create(aLead({ name: "Old" }));
        await setCreatedAt(leadsTable, old.id, new Date("2026-01-01T00:00:00Z"));
        await repos.leads.create(aLead({ name: "New 1" }));
        await repos.leads.create(aLead({ name: "New 2" }));
        expect(await repos.leads.countCreatedSince(new Date("2026-06-01T00:00:00Z"))).toBe(2);
      });
    });

    describe("calls", () => {
      test("the caller check is swapped only from what it was; forIssue and awaitingCallerCheck find the calls", async () => {
        const lead = await repos.leads.create(aLead({ phone: phone("+447700900123") }));
        const call = await repos.calls.record(aCall({ providerCallId: "CA300", leadId: lead.id }));
        const says = { name: "David Patel", organisation: null, address: null, postcode: "CR0 1YY" };
        const pending = {
          state: "pending" as const,
          says,
          reason: "name" as const,
          leadId: lead.id,
          notice: "Caller says David Patel",
          filingHeld: false,
        };
        expect(await repos.calls.swapCallerCheck(call.id, pending, null)).toBeNull();
        expect((await repos.calls.swapCallerCheck(call.id, null, pending))!.callerCheck).toEqual(pending);
        expect((await repos.calls.awaitingCallerCheck(10)).map((c) => c.id)).toEqual([call.id]);
        const held = { ...pending, filingHeld: true };
        // A second writer that read the old value loses, changing nothing.
        expect(await repos.calls.swapCallerCheck(call.id, null, held)).toBeNull();
        const swapped = await repos.calls.swapCallerCheck(call.id, pending, held, { summary: "Fan broken" });
        expect(swapped).toMatchObject({ callerCheck: held, summary: "Fan broken" });
        expect(await repos.calls.swapCallerCheck(call.id, pending, null)).toBeNull();
        expect((await repos.calls.swapCallerCheck(call.id, held, null))!.callerCheck).toBeNull();
        expect(await repos.calls.awaitingCallerCheck(10)).toEqual([]);

        const opener = await repos.calls.record(aCall({ providerCallId: "CA301", leadId: lead.id }));
        const issue = await repos.issues.create({ ...anIssue(lead.id), sourceCallId: opener.id });
        await repos.calls.update(call.id, { issueId: issue.id });
        await repos.calls.record(aCall({ providerCallId: "CA302", leadId: lead.id }));
        expect((await repos.calls.forIssue(issue.id)).map((c) => c.id).sort()).toEqual([call.id, opener.id].sort());
      });

      test("record stores a call; recording the same provider id again returns the first, unchanged", async () => {
        const lead = await repos.leads.create(aLead({ phone: phone("+447700900123") }));
        const call = await repos.calls.record(aCall({ providerCallId: "CA100", leadId: lead.id }));
        expect(call).toMatchObject({
          providerCallId: "CA100",
          leadId: lead.id,
          status: "ringing",
          emergency: false,
          answeredAt: null,
          recordingKey: null,
        });
        const again = await repos.calls.record(
          aCall({ providerCallId: "CA100", status: "in-progress", from: "+440000000000" }),
        );
        expect(again).toEqual(call);
        expect(await repos.calls.byProviderId("CA100")).toEqual(call);
        expect(await repos.calls.byId(call.id)).toEqual(call);
        expect(await repos.calls.byProviderId("CA-unknown")).toBeNull();
      });

      test("an assistant call: stored with its own id and subject before the provider knows it, then given the CallSid", async () => {
        const id = crypto.randomUUID();
        const subjectId = crypto.randomUUID();
        const stored = await repos.calls.record({
          ...aCall({ providerCallId: `pending:${id}`, direction: "outbound", status: "queued" }),
          id,
          assistant: { script: "visit_confirmation", subjectId },
        });
        expect(stored).toMatchObject({
          id,
          direction: "outbound",
          assistant: { script: "visit_confirmation", subjectId },
        });
        const placed = await repos.calls.placed(id, "CA900");
        expect(placed).toMatchObject({
          id,
          providerCallId: "CA900",
          assistant: { script: "visit_confirmation", subjectId },
        });
        expect((await repos.calls.byProviderId("CA900"))?.id).toBe(id);
        expect(await repos.calls.placed(crypto.randomUUID(), "CA901")).toBeNull();
        expect((await repos.calls.record(aCall({ providerCallId: "CA902" }))).assistant).toBeNull();
      });

      test("concurrent records of one provider id make one call", async () => {
        const results = await Promise.all(
          Array.from({ length: 8 }, () => repos.calls.record(aCall({ providerCallId: "CA-race" }))),
        );
        expect(new Set(results.map((c) => c.id)).size).toBe(1);
        expect(await repos.calls.countSince(new Date(0))).toBe(1);
      });

      test("update moves status and fills in the call's details; id and provider id cannot change", async () => {
        const call = await repos.calls.record(aCall({ providerCallId: "CA200" }));
        const answeredAt = new Date("2026-11-20T10:00:05Z");
        const endedAt = new Date("2026-11-20T10:03:05Z");
        const updated = await repos.calls.update(call.id, {
          status: "completed",
          answeredAt,
          endedAt,
          durationSeconds: 180,
          recordingKey: "recordings/CA200.wav",
          transcriber: "wisprflow→deepgram",
          summary: "Leak under the sink",
          emergency: true,
          ...({ id: crypto.randomUUID(), providerCallId: "CA-hijack" } as object),
        });
        expect(updated).toMatchObject({
          id: call.id,
          providerCallId: "CA200",
          status: "completed",
          answeredAt,
          endedAt,
          durationSeconds: 180,
          recordingKey: "recordings/CA200.wav",
          transcriber: "wisprflow→deepgram",
          summary: "Leak under the sink",
          emergency: true,
        });
        expect(await repos.calls.update(crypto.randomUUID(), { status: "failed" })).toBeNull();
      });

      test("updates of the same fields again and again keep each value, json, nulls and all; an undefined field is left alone", async () => {
        const call = await repos.calls.record(aCall());
        const extraction = (name: string) => ({ ...emptyExtraction("rules"), name, postcode: "SW1A 1AA" });
        for (const name of ["Sarah Jones", "Sarah O'Neil", 'Sam "Sparky" Lee']) {
          const updated = await repos.calls.update(call.id, { extracted: extraction(name) });
          expect(updated?.extracted).toEqual(extraction(name));
        }
        const answeredAt = new Date("2026-11-20T10:00:05Z");
        await repos.calls.update(call.id, { summary: "Leak under the sink", emergency: true, answeredAt });
        const cleared = await repos.calls.update(call.id, { summary: null, emergency: undefined, answeredAt: null });
        expect(cleared).toMatchObject({ summary: null, emergency: true, answeredAt: null });
        const again = await repos.calls.update(call.id, { summary: "Dripping tap", answeredAt });
        expect(again).toMatchObject({ summary: "Dripping tap", answeredAt });
        expect((await repos.calls.byId(call.id))?.extracted?.name).toBe('Sam "Sparky" Lee');
      });

      test("forLead, recent (with the lead's name) and countSince", async () => {
        const sarah = await repos.leads.create(aLead({ name: "Sarah Jones" }));
        const times = ["2026-11-20T09:00:00Z", "2026-11-20T11:00:00Z", "2026-11-20T10:00:00Z"].map((t) => new Date(t));
        for (const [i, startedAt] of times.entries())
          await repos.calls.record(aCall({ providerCallId: `CA${i}`, leadId: sarah.id, startedAt }));
        await repos.calls.record(aCall({ providerCallId: "CA-anon", startedAt: new Date("2026-11-19T09:00:00Z") }));

        expect((await repos.calls.forLead(sarah.id)).map((c) => c.providerCallId)).toEqual(["CA1", "CA2", "CA0"]);
        const recent = await repos.calls.recent({ limit: 3, offset: 0 });
        expect(recent.map((c) => [c.providerCallId, c.leadName])).toEqual([
          ["CA1", "Sarah Jones"],
          ["CA2", "Sarah Jones"],
          ["CA0", "Sarah Jones"],
        ]);
        expect((await repos.calls.recent({ limit: 3, offset: 3 })).map((c) => [c.providerCallId, c.leadName])).toEqual([
          ["CA-anon", null],
        ]);
        expect(await repos.calls.countSince(new Date("2026-11-20T00:00:00Z"))).toBe(3);
      });

      test("a transcript line that brings its own id is stored once, however often it is sent", async () => {
        const call = await repos.calls.record(aCall());
        const line = {
          id: "0b6f7a52-4c9e-4d7a-9a51-2f5b8e1c3d40",
          callId: call.id,
          track: "inbound",
          text: "Flat 2, 14 Mill Lane.",
          startMs: 0,
          endMs: 1500,
          isFinal: true,
          confidence: 0.9,
        } as const;
        const first = await repos.calls.addSegment(line);
        const again = await repos.calls.addSegment({ ...line, text: "sent again after a lost answer" });
        expect(first.id).toBe(line.id);
        expect(again).toEqual(first);
        expect((await repos.calls.transcript(call.id)).map((s) => s.text)).toEqual(["Flat 2, 14 Mill Lane."]);
      });

      test("a live call's line (its own id and time) is stored as given, once, with or without a confidence", async () => {
        const call = await repos.calls.record(aCall());
        const at = new Date("2026-03-04T10:11:12.345Z");
        const line = {
          id: crypto.randomUUID(),
          callId: call.id,
          track: "outbound",
          text: "Is that 14 Mill Lane?",
          startMs: 2000,
          endMs: 3400,
          isFinal: true,
          confidence: null,
          createdAt: at,
        } as const;
        const first = await repos.calls.addSegment(line);
        expect(first).toEqual(line);
        const again = await repos.calls.addSegment({ ...line, text: "sent again", confidence: 0.5 });
        expect(again).toEqual(first);
        const scored = await repos.calls.addSegment({
          ...line,
          id: crypto.randomUUID(),
          startMs: 3500,
          confidence: 0.87,
        });
        expect(scored.confidence).toBe(0.87);
        expect((await repos.calls.transcript(call.id)).map((s) => [s.text, s.createdAt.toISOString()])).toEqual([
          ["Is that 14 Mill Lane?", at.toISOString()],
          ["Is that 14 Mill Lane?", at.toISOString()],
        ]);
      });

      test("transcript segments come back in spoken order, both tracks interleaved", async () => {
        const call = await repos.calls.record(aCall());
        const said = [
          { track: "outbound", text: "How can I help?", startMs: 1200, endMs: 2000 },
          { track: "inbound", text: "Hello, Switchboard?", startMs: 0, endMs: 1100 },
          { track: "inbound", text: "My boiler is leaking.", startMs: 2300, endMs: 4000 },
          { track: "outbound", text: "What's the address?", startMs: 4100, endMs: 5000 },
        ] as const;
        for (const s of said) {
          await repos.calls.addSegment({ callId: call.id, ...s, isFinal: true, confidence: 0.91 });
        }
        const interim = await repos.calls.addSegment({
          callId: call.id,
          track: "inbound",
          text: "It's 1 Bak",
          startMs: 5200,
          endMs: 5600,
          isFinal: false,
          confidence: null,
        });
        expect(interim).toMatchObject({ isFinal: false, confidence: null, callId: call.id });
        expect(interim.createdAt).toBeInstanceOf(Date);

        const transcript = await repos.calls.transcript(call.id);
        expect(transcript.map((s) => s.text)).toEqual([
          "Hello, Switchboard?",
          "How can I help?",
          "My boiler is leaking.",
          "What's the address?",
          "It's 1 Bak",
        ]);
        expect(transcript[0]).toMatchObject({
          track: "inbound",
          startMs: 0,
          endMs: 1100,
          isFinal: true,
          confidence: 0.91,
        });
        expect(await repos.calls.transcript(crypto.randomUUID())).toEqual([]);
      });
    });

    describe("issues", () => {
      test("create (with its source call), read, update, set status, list for a lead", async () => {
        const lead = await repos.leads.create(aLead());
        const call = await repos.calls.record(aCall({ leadId: lead.id }));
        const issue = await repos.issues.create({ ...anIssue(lead.id), sourceCallId: call.id });
        expect(issue).toMatchObject({
          leadId: lead.id,
          sourceCallId: call.id,
          status: "open",
          urgency: "routine",
          category: "plumbing",
        });
        expect(await repos.issues.byId(issue.id)).toEqual(issue);

        const updated = await repos.issues.update(issue.id, { urgency: "urgent", accessNotes: "Key under the mat" });
        expect(updated).toMatchObject({
          urgency: "urgent",
          accessNotes: "Key under the mat",
          title: "Leaking kitchen tap",
        });
        expect(await repos.issues.setStatus(issue.id, "scheduled")).toEqual({ ok: true, value: "scheduled" });
        expect((await repos.issues.byId(issue.id))!.status).toBe("scheduled");

        const second = await repos.issues.create(anIssue(lead.id, { title: "Broken window" }));
        await setCreatedAt(issuesTable, issue.id, new Date("2026-01-01T00:00:00Z"));
        expect((await repos.issues.forLead(lead.id)).map((i) => i.id)).toEqual([second.id, issue.id]);
        expect(await repos.issues.byId("nope")).toBeNull();
      });

      test("openForCall: two racing for one call open one job between them; another call gets its own", async () => {
        const lead = await repos.leads.create(aLead());
        const call = await repos.calls.record(aCall({ providerCallId: "CA-RACE-1", leadId: lead.id }));
        const [first, second] = await Promise.all([
          repos.issues.openForCall({ ...anIssue(lead.id), sourceCallId: call.id }),
          repos.issues.openForCall({
            ...anIssue(lead.id, { title: "Same call, filed at its end" }),
            sourceCallId: call.id,
          }),
        ]);
        expect(first!.issue.id).toBe(second!.issue.id);
        expect([first!.created, second!.created].sort()).toEqual([false, true]);
        expect((await repos.issues.forLead(lead.id)).map((i) => i.id)).toEqual([first!.issue.id]);

        const other = await repos.calls.record(aCall({ providerCallId: "CA-RACE-2", leadId: lead.id }));
        const own = await repos.issues.openForCall({ ...anIssue(lead.id), sourceCallId: other.id });
        expect(own.created).toBe(true);
        expect(own.issue.id).not.toBe(first!.issue.id);
      });

      test("setStatus goes only where the transition table allows, and otherwise writes nothing and says why", async () => {
        const lead = await repos.leads.create(aLead());
        const issue = await repos.issues.create(anIssue(lead.id));
        expect(await repos.issues.setStatus(issue.id, "done")).toEqual({
          ok: false,
          reason: "illegal_transition",
          message:
            "A job cannot go from open to done: from open it can go to quoted, scheduled, in_progress, cancelled.",
        });
        expect(await repos.issues.byId(issue.id)).toEqual(issue);
        expect(await repos.issues.setStatus(issue.id, "in_progress")).toMatchObject({ ok: true });
        expect(await repos.issues.setStatus(issue.id, "done")).toMatchObject({ ok: true });
        expect(await repos.issues.setStatus(issue.id, "cancelled")).toMatchObject({
          ok: false,
          message: "A job cannot go from done to cancelled: done is final.",
        });
        expect((await repos.issues.byId(issue.id))!.status).toBe("done");
        expect(await repos.issues.setStatus("00000000-0000-4000-8000-000000000000", "cancelled")).toMatchObject({
          ok: false,
          reason: "not_found",
        });
        expect(await repos.issues.setStatus("nope", "cancelled")).toMatchObject({ ok: false, reason: "not_found" });
      });

      test("the board shows open work and recently closed jobs, emergencies first", async () => {
        const lead = await repos.leads.create(aLead({ name: "Board Lead" }));
        const routine = await repos.issues.create(anIssue(lead.id, { title: "Routine", urgency: "routine" }));
        const emergency = await repos.issues.create(anIssue(lead.id, { title: "Emergency", urgency: "emergency" }));
        const doneRecently = await repos.issues.create(anIssue(lead.id, { title: "Done recently", urgency: "urgent" }));
        await repos.issues.setStatus(doneRecently.id, "in_progress");
        await repos.issues.setStatus(doneRecently.id, "done");
        const doneLongAgo = await repos.issues.create(anIssue(lead.id, { title: "Done long ago" }));
        await repos.issues.setStatus(doneLongAgo.id, "in_progress");
        await repos.issues.setStatus(doneLongAgo.id, "done");
        await repos.db
          .update(issuesTable)
          .set({ updatedAt: new Date("2025-01-01T00:00:00Z") })
          .where(eq(issuesTable.id, doneLongAgo.id));

        const board = await repos.issues.board();
        expect(board.map((i) => i.title)).toEqual(["Emergency", "Done recently", "Routine"]);
        expect(board[0]!.leadName).toBe("Board Lead");
        expect(routine.status).toBe("open");
        expect(emergency.urgency).toBe("emergency");
      });

      test("open counts by urgency, and open jobs emergencies first then oldest first", async () => {
        const lead = await repos.leads.create(aLead());
        const make = async (title: string, urgency: "emergency" | "urgent" | "routine", createdAt: string) => {
          const issue = await repos.issues.create(anIssue(lead.id, { title, urgency }));
          await setCreatedAt(issuesTable, issue.id, new Date(createdAt));
          return issue;
        };
        await make("Routine old", "routine", "2026-11-01T00:00:00Z");
        await make("Urgent", "urgent", "2026-11-03T00:00:00Z");
        await make("Emergency new", "emergency", "2026-11-05T00:00:00Z");
        await make("Emergency old", "emergency", "2026-11-02T00:00:00Z");
        const cancelled = await make("Cancelled emergency", "emergency", "2026-11-01T00:00:00Z");
        await repos.issues.setStatus(cancelled.id, "cancelled");

        expect(await repos.issues.openCountsByUrgency()).toEqual({ emergency: 2, urgent: 1, routine: 1 });
        expect((await repos.issues.openByUrgency(10)).map((i) => i.title)).toEqual([
          "Emergency old",
          "Emergency new",
          "Urgent",
          "Routine old",
        ]);
        expect((await repos.issues.openByUrgency(2)).map((i) => i.title)).toEqual(["Emergency old", "Emergency new"]);
        await truncateAll(repos);
        expect(await repos.issues.openCountsByUrgency()).toEqual({ emergency: 0, urgent: 0, routine: 0 });
      });
    });

    describe("quotes", () => {
      const anIssueWithLead = async () => {
        const lead = await repos.leads.create(aLead());
        return { lead, issue: await repos.issues.create(anIssue(lead.id)) };
      };

      test("drafts are numbered per issue, each with its own 128-bit base64url token", async () => {
        const { issue } = await anIssueWithLead();
        const { issue: other } = await anIssueWithLead();
        const v1 = await repos.quotes.createDraft(aQuote(issue.id));
        const v2 = await repos.quotes.createDraft(aQuote(issue.id));
        const otherV1 = await repos.quotes.createDraft(aQuote(other.id));
        expect([v1.version, v2.version, otherV1.version]).toEqual([1, 2, 1]);
        for (const q of [v1, v2, otherV1]) {
          expect(q.status).toBe("draft");
          expect(q.token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
          expect(q.sentAt).toBeNull();
        }
        expect(new Set([v1.token, v2.token, otherV1.token]).size).toBe(3);
      });

      test("a version's document key is recorded once: the first key stays, and a new draft has none", async () => {
        const { issue } = await anIssueWithLead();
        const quote = await repos.quotes.createDraft(aQuote(issue.id));
        expect(quote.documentKey).toBeNull();
        await repos.quotes.setDocumentKey(quote.id, `documents/quotes/${issue.id}/v1.pdf`);
        await repos.quotes.setDocumentKey(quote.id, "documents/quotes/elsewhere.pdf");
        await repos.quotes.setDocumentKey("not-a-uuid", "documents/quotes/x.pdf");
        expect((await repos.quotes.byId(quote.id))!.documentKey).toBe(`documents/quotes/${issue.id}/v1.pdf`);
        expect((await repos.quotes.byToken(quote.token))!.documentKey).toBe(`documents/quotes/${issue.id}/v1.pdf`);
      });

      test("drafts created at once for one issue get distinct consecutive versions", async () => {
        const { issue } = await anIssueWithLead();
        const drafts = await Promise.all(Array.from({ length: 6 }, () => repos.quotes.createDraft(aQuote(issue.id))));
        expect(drafts.map((q) => q.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
      });

      test("lines, totals and deposit round-trip as JSON objects, not strings", async () => {
        const { issue } = await anIssueWithLead();
        const quote = await repos.quotes.createDraft(aQuote(issue.id));
        const read = await repos.quotes.byId(quote.id);
        expect(read).toEqual(quote);
        expect(read!.lines).toEqual(lines);
        expect(read!.totals).toEqual(quoteTotals(lines, 500, { kind: "percent", percent: 25 }));
        expect(read!.deposit).toEqual({ kind: "percent", percent: 25 });
        expect(read!.discountPence).toBe(500);
        expect(read!.validUntil).toEqual(new Date("2026-12-31T23:59:59Z"));
        const [types] = await repos.db
          .select({
            lines: sql<string>`jsonb_typeof(${quotesTable.lines})`,
            totals: sql<string>`jsonb_typeof(${quotesTable.totals})`,
            firstDescription: sql<string>`${quotesTable.lines} -> 0 ->> 'description'`,
          })
          .from(quotesTable)
          .where(eq(quotesTable.id, quote.id));
        expect(types).toEqual({ lines: "array", totals: "object", firstDescription: "Replace tap" });

        const noDeposit = await repos.quotes.createDraft({
          ...aQuote(issue.id),
          deposit: null,
          validUntil: null,
          terms: null,
        });
        expect(noDeposit).toMatchObject({ deposit: null, validUntil: null, terms: null });
      });

      test("found by token, listed per issue (latest version first) and per lead", async () => {
        const { lead, issue } = await anIssueWithLead();
        const other = await repos.issues.create(anIssue(lead.id, { title: "Second job" }));
        const v1 = await repos.quotes.createDraft(aQuote(issue.id));
        const v2 = await repos.quotes.createDraft(aQuote(issue.id));
        const o1 = await repos.quotes.createDraft(aQuote(other.id));
        const { issue: stranger } = await anIssueWithLead();
        await repos.quotes.createDraft(aQuote(stranger.id));

        expect(await repos.quotes.byToken(v2.token)).toEqual(v2);
        expect(await repos.quotes.byToken("not-a-token")).toBeNull();
        expect((await repos.quotes.forIssue(issue.id)).map((q) => q.version)).toEqual([2, 1]);
        expect(new Set((await repos.quotes.forLead(lead.id)).map((q) => q.id))).toEqual(new Set([v1.id, v2.id, o1.id]));
      });

      test("setStatus records the status and stamps sentAt when sent", async () => {
        const { issue } = await anIssueWithLead();
        const quote = await repos.quotes.createDraft(aQuote(issue.id));
        const sentAt = new Date("2026-11-21T12:00:00Z");
        await repos.quotes.setStatus(quote.id, "sent", sentAt);
        expect(await repos.quotes.byId(quote.id)).toMatchObject({ status: "sent", sentAt });
        await repos.quotes.setStatus(quote.id, "viewed");
        expect(await repos.quotes.byId(quote.id)).toMatchObject({ status: "viewed", sentAt });
      });

      test("setStatus and advance go only where the transition table allows; otherwise nothing is written", async () => {
        const { issue } = await anIssueWithLead();
        const quote = await repos.quotes.createDraft(aQuote(issue.id));
        const at = new Date("2026-11-21T12:00:00Z");
        expect(await repos.quotes.setStatus(quote.id, "paid", at)).toEqual({
          ok: false,
          reason: "illegal_transition",
          message: "A quote cannot go from draft to paid: from draft it can go to sent.",
        });
        expect(await repos.quotes.byId(quote.id)).toEqual(quote);
        // A from-list naming the current status still cannot skip the table.
        expect(await repos.quotes.advance(quote.id, ["draft"], "accepted", at)).toBe(false);
        expect((await repos.quotes.byId(quote.id))!.status).toBe("draft");
        expect(await repos.quotes.setStatus(quote.id, "sent", at)).toEqual({ ok: true, value: "sent" });
        expect(await repos.quotes.advance(quote.id, ["draft", "sent"], "declined", at)).toBe(true);
        expect(await repos.quotes.setStatus(quote.id, "accepted", at)).toMatchObject({
          ok: false,
          message: "A quote cannot go from declined to accepted: declined is final.",
        });
        expect((await repos.quotes.byId(quote.id))!.status).toBe("declined");
        expect(await repos.quotes.setStatus("nope", "sent")).toMatchObject({ ok: false, reason: "not_found" });
      });
    });

    describe("staff users and sessions", () => {
      const aUser = {
        email: "Ops@Example.COM ",
        name: "Olive Ops",
        role: "admin" as const,
        passwordHash: "$argon2id$v=19$hash",
      };

      test("users: create (email lower-cased), find by email in any case, by id, change password, count", async () => {
        expect(await repos.staffUsers.count()).toBe(0);
        const user = await repos.staffUsers.create(aUser);
        expect(user).toMatchObject({ email: "ops@example.com", name: "Olive Ops", role: "admin" });
        expect(await repos.staffUsers.byEmail("OPS@example.com")).toEqual(user);
        expect(await repos.staffUsers.byId(user.id)).toEqual(user);
        expect(await repos.staffUsers.byEmail("nobody@example.com")).toBeNull();
        await repos.staffUsers.setPassword(user.id, "$argon2id$new");
        expect((await repos.staffUsers.byId(user.id))!.passwordHash).toBe("$argon2id$new");
        expect(await repos.staffUsers.count()).toBe(1);
      });

      test("a second user with the same email is refused with a clear error", async () => {
        await repos.staffUsers.create(aUser);
        const attempt = repos.staffUsers.create({ ...aUser, email: "ops@example.com", role: "staff" });
        await expect(attempt).rejects.toBeInstanceOf(DuplicateEmailError);
        await expect(attempt).rejects.toThrow("A staff user with the email ops@example.com already exists.");
      });

      test("sessions: create, read, touch, delete, and sweep the expired", async () => {
        const user = await repos.staffUsers.create(aUser);
        const t0 = new Date("2026-11-20T09:00:00Z");
        const hours = (h: number) => new Date(t0.getTime() + h * 3_600_000);
        const session = {
          id: "s-live",
          userId: user.id,
          csrfToken: "csrf-1",
          createdAt: t0,
          lastSeenAt: t0,
          expiresAt: hours(8),
        };
        await repos.staffSessions.create(session);
        await repos.staffSessions.create({ ...session, id: "s-old", expiresAt: hours(1) });
        await repos.staffSessions.create({ ...session, id: "s-gone" });
        expect(await repos.staffSessions.byId("s-live")).toEqual(session);

        await repos.staffSessions.touch("s-live", hours(2), hours(10));
        expect(await repos.staffSessions.byId("s-live")).toEqual({
          ...session,
          lastSeenAt: hours(2),
          expiresAt: hours(10),
        });

        await repos.staffSessions.delete("s-gone");
        expect(await repos.staffSessions.byId("s-gone")).toBeNull();

        expect(await repos.staffSessions.deleteExpired(hours(3))).toBe(1);
        expect(await repos.staffSessions.byId("s-old")).toBeNull();
        expect(await repos.staffSessions.byId("s-live")).not.toBeNull();
        expect(await repos.staffSessions.deleteExpired(hours(3))).toBe(0);
      });

      test("withUser: the session and its user in one read; each id finds its own, an unknown one nothing", async () => {
        const ann = await repos.staffUsers.create(aUser);
        const sam = await repos.staffUsers.create({ ...aUser, email: "sam@example.com", role: "staff" });
        const t0 = new Date("2026-11-20T09:00:00Z");
        const session = {
          csrfToken: "csrf-w",
          createdAt: t0,
          lastSeenAt: t0,
          expiresAt: new Date("2026-11-20T17:00:00Z"),
        };
        await repos.staffSessions.create({ ...session, id: "w-ann", userId: ann.id });
        await repos.staffSessions.create({ ...session, id: "w-sam", userId: sam.id, csrfToken: "csrf-s" });
        // Read in turn through the same statement: each answer is its own id's.
        expect(await repos.staffSessions.withUser("w-ann")).toEqual({
          session: { ...session, id: "w-ann", userId: ann.id },
          user: ann,
        });
        expect(await repos.staffSessions.withUser("w-sam")).toEqual({
          session: { ...session, id: "w-sam", userId: sam.id, csrfToken: "csrf-s" },
          user: sam,
        });
        expect(await repos.staffSessions.withUser("w-nobody")).toBeNull();
      });

      test("change: applies what the rule allows, counting active admins under lock; refusals change nothing", async () => {
        const ann = await repos.staffUsers.create(aUser);
        const sam = await repos.staffUsers.create({ ...aUser, email: "sam@example.com", role: "staff" });
        const seen: number[] = [];
        const demote = (id: string) =>
          repos.staffUsers.change(id, (_user, activeAdmins) => {
            seen.push(activeAdmins);
            return activeAdmins > 1 ? { ok: true, value: { role: "staff" } } : reject("last_admin", "last one");
          });
        expect(await demote(ann.id)).toMatchObject({ ok: false, reason: "last_admin" });
        expect((await repos.staffUsers.byId(ann.id))!.role).toBe("admin");

        const promoted = await repos.staffUsers.change<never>(sam.id, () => ({ ok: true, value: { role: "admin" } }));
        expect(promoted).toMatchObject({ ok: true, value: { role: "admin", disabledAt: null } });
        const disabledAt = new Date("2026-11-20T09:00:00Z");
        await repos.staffUsers.change<never>(sam.id, () => ({ ok: true, value: { disabledAt } }));
        expect((await repos.staffUsers.byId(sam.id))!.disabledAt).toEqual(disabledAt);
        // A disabled admin is not an active one.
        expect(await demote(ann.id)).toMatchObject({ ok: false, reason: "last_admin" });
        expect(seen).toEqual([1, 1]);

        await repos.staffUsers.change<never>(sam.id, () => ({ ok: true, value: { disabledAt: null } }));
        // Both at once: the second waits for the first's lock and then sees one admin left.
        const both = await Promise.all([demote(ann.id), demote(sam.id)]);
        expect(both.filter((r) => r.ok)).toHaveLength(1);
        expect((await repos.staffUsers.list()).filter((u) => u.role === "admin")).toHaveLength(1);

        expect(await repos.staffUsers.change("not-a-uuid", () => ({ ok: true, value: {} }))).toMatchObject({
          ok: false,
          reason: "not_found",
        });
        expect((await repos.staffUsers.list()).map((u) => u.email).sort()).toEqual([
          "ops@example.com",
          "sam@example.com",
        ]);
      });

      test("deleteForUser ends that user's sessions and nobody else's", async () => {
        const ann = await repos.staffUsers.create(aUser);
        const sam = await repos.staffUsers.create({ ...aUser, email: "sam@example.com" });
        const t0 = new Date("2026-11-20T09:00:00Z");
        const session = {
          csrfToken: "c",
          createdAt: t0,
          lastSeenAt: t0,
          expiresAt: new Date(t0.getTime() + 3_600_000),
        };
        await repos.staffSessions.create({ ...session, id: "ann-1", userId: ann.id });
        await repos.staffSessions.create({ ...session, id: "ann-2", userId: ann.id });
        await repos.staffSessions.create({ ...session, id: "sam-1", userId: sam.id });
        expect(await repos.staffSessions.deleteForUser(ann.id)).toBe(2);
        expect(await repos.staffSessions.byId("ann-1")).toBeNull();
        expect(await repos.staffSessions.byId("sam-1")).not.toBeNull();
      });
    });

    describe("timeline", () => {
      test("merges a lead's calls, jobs, quotes and messages, newest first, and nobody else's", async () => {
        const lead = await repos.leads.create(aLead({ phone: phone("+447700900123") }));
        const stranger = await repos.leads.create(aLead({ name: "Stranger" }));
        const at = (day: number) => new Date(Date.UTC(2026, 10, day, 12));

        const call = await repos.calls.record(aCall({ leadId: lead.id, startedAt: at(1) }));
        await repos.calls.update(call.id, { status: "completed", summary: "Boiler leaking" });
        const issue = await repos.issues.create(anIssue(lead.id, { title: "Boiler leak" }));
        await setCreatedAt(issuesTable, issue.id, at(2));
        const quote = await repos.quotes.createDraft(aQuote(issue.id));
        await setCreatedAt(quotesTable, quote.id, at(4));
        const [message] = await repos.db
          .insert(messages)
          .values({
            leadId: lead.id,
            channel: "whatsapp",
            direction: "inbound",
            body: "Photo of the leak",
            status: "received",
            providerId: "wamid.1",
            createdAt: at(3),
          })
          .returning();
        await repos.calls.record(aCall({ leadId: stranger.id, startedAt: at(5) }));
        await repos.issues.create(anIssue(stranger.id, { title: "Not theirs" }));

        const timeline = await repos.timeline.forLead(lead.id);
        expect(timeline.map((e) => [e.kind, e.id, e.at.toISOString()])).toEqual([
          ["quote", quote.id, at(4).toISOString()],
          ["message", message!.id, at(3).toISOString()],
          ["issue", issue.id, at(2).toISOString()],
          ["call", call.id, at(1).toISOString()],
        ]);
        expect(timeline.find((e) => e.kind === "call")!.detail).toBe("Boiler leaking");
        expect(timeline.find((e) => e.kind === "message")!.detail).toBe("Photo of the leak");
        expect(timeline.find((e) => e.kind === "quote")!.title).toContain("£");
        expect(await repos.timeline.forLead(crypto.randomUUID())).toEqual([]);
      });
    });

    describe("calls.advance (compare-and-set on status)", () => {
      test("applies only while the status is one of `from`", async () => {
        const call = await repos.calls.record(aCall({ status: "ringing" }));
        const answeredAt = new Date("2026-11-20T10:00:04Z");
        expect(
          await repos.calls.advance(call.id, ["queued", "ringing"], { status: "in-progress", answeredAt }),
        ).toMatchObject({
          status: "in-progress",
          answeredAt,
        });
        expect(await repos.calls.advance(call.id, ["ringing"], { status: "busy" })).toBeNull();
        expect((await repos.calls.byId(call.id))!.status).toBe("in-progress");
        expect(await repos.calls.advance(crypto.randomUUID(), ["ringing"], { status: "busy" })).toBeNull();
        expect(await repos.calls.advance(call.id, [], { status: "failed" })).toBeNull();
      });

      test("a status the transition table does not allow is refused even when `from` names the current status", async () => {
        const call = await repos.calls.record(aCall({ status: "in-progress" }));
        expect(await repos.calls.advance(call.id, ["in-progress"], { status: "busy" })).toBeNull();
        expect(await repos.calls.advance(call.id, ["in-progress"], { status: "ringing" })).toBeNull();
        expect((await repos.calls.byId(call.id))!.status).toBe("in-progress");
        expect(await repos.calls.advance(call.id, ["ringing", "in-progress"], { status: "completed" })).toMatchObject({
          status: "completed",
        });
      });

      test("the same kind of change on two calls changes each with its own values, and only from its own statuses", async () => {
        const first = await repos.calls.record(aCall({ providerCallId: "CA-adv-1", status: "ringing" }));
        const second = await repos.calls.record(aCall({ providerCallId: "CA-adv-2", status: "ringing" }));
        const at1 = new Date("2026-11-20T10:00:01Z");
        const at2 = new Date("2026-11-20T10:00:02Z");
        await repos.calls.advance(first.id, ["ringing"], { status: "in-progress", answeredAt: at1 });
        await repos.calls.advance(second.id, ["ringing"], { status: "in-progress", answeredAt: at2 });
        expect(await repos.calls.byId(first.id)).toMatchObject({ status: "in-progress", answeredAt: at1 });
        expect(await repos.calls.byId(second.id)).toMatchObject({ status: "in-progress", answeredAt: at2 });
        // Same shape (two statuses to come from) with different statuses: the second names none that holds.
        expect(
          await repos.calls.advance(first.id, ["ringing", "in-progress"], { status: "completed", durationSeconds: 7 }),
        ).toMatchObject({ status: "completed", durationSeconds: 7 });
        expect(
          await repos.calls.advance(second.id, ["queued", "ringing"], { status: "completed", durationSeconds: 9 }),
        ).toBeNull();
        expect(await repos.calls.byId(second.id)).toMatchObject({ status: "in-progress", durationSeconds: null });
        // A null among the changes is written as null.
        expect(
          await repos.calls.advance(second.id, ["in-progress"], { status: "failed", answeredAt: null }),
        ).toMatchObject({ status: "failed", answeredAt: null });
      });

      test("of two racing reports, exactly one wins", async () => {
        const call = await repos.calls.record(aCall({ status: "in-progress" }));
        const [completed, failed] = await Promise.all([
          repos.calls.advance(call.id, ["in-progress"], { status: "completed" }),
          repos.calls.advance(call.id, ["in-progress"], { status: "failed" }),
        ]);
        expect([completed, failed].filter(Boolean)).toHaveLength(1);
        expect((await repos.calls.byId(call.id))!.status).toBe((completed ?? failed)!.status);
      });
    });

    describe("call leases", () => {
      const t0 = new Date("2026-11-20T09:00:00Z");
      const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

      test("a held lease renewed in time is not claimed; one left to lapse is, by its new holder", async () => {
        const kept = await repos.calls.record(aCall({ providerCallId: "CA-lease-kept", status: "in-progress" }));
        const dead = await repos.calls.record(aCall({ providerCallId: "CA-lease-dead", status: "in-progress" }));
        const unleased = await repos.calls.record(aCall({ providerCallId: "CA-lease-none", status: "in-progress" }));
        await repos.callLeases.hold(kept.id, "instance-a", later(30));
        await repos.callLeases.hold(dead.id, "instance-b", later(30));
        expect(await repos.callLeases.renew("instance-a", later(60))).toBe(1);

        const claimed = await repos.callLeases.claimLapsed("instance-c", later(45), later(75), 10);
        expect(claimed.map((call) => call.id)).toEqual([dead.id]);
        // Now held by the sweeper: claiming again before its own lease lapses finds nothing.
        expect(await repos.callLeases.claimLapsed("instance-d", later(50), later(80), 10)).toEqual([]);
        expect(claimed.map((call) => call.id)).not.toContain(unleased.id);
      });

      test("a released call is never claimed, and only its holder can release it", async () => {
        const call = await repos.calls.record(aCall({ providerCallId: "CA-lease-released", status: "in-progress" }));
        await repos.callLeases.hold(call.id, "instance-a", later(30));
        await repos.callLeases.release(call.id, "instance-b");
        expect((await repos.callLeases.claimLapsed("instance-c", later(31), later(61), 10)).map((c) => c.id)).toEqual([
          call.id,
        ]);
        await repos.callLeases.release(call.id, "instance-c");
        expect(await repos.callLeases.claimLapsed("instance-d", later(999), later(1029), 10)).toEqual([]);
        expect(await repos.callLeases.renew("instance-c", later(2000))).toBe(0);
      });

      test("holdIfFree takes only a call nobody holds (a replayed ring webhook leaves the streaming instance's lease alone)", async () => {
        const call = await repos.calls.record(aCall({ providerCallId: "CA-lease-ring", status: "ringing" }));
        expect(await repos.callLeases.holdIfFree(call.id, "instance-a", later(30))).toBe(true);
        // The stream opened on B: B's lease replaces the ring lease.
        await repos.callLeases.hold(call.id, "instance-b", later(40));
        expect(await repos.callLeases.holdIfFree(call.id, "instance-a", later(60))).toBe(false);
        expect(await repos.callLeases.renew("instance-a", later(60))).toBe(0);
        expect((await repos.callLeases.claimLapsed("instance-c", later(41), later(71), 10)).map((c) => c.id)).toEqual([
          call.id,
        ]);
        expect(await repos.callLeases.holdIfFree("not-a-uuid", "instance-a", later(60))).toBe(false);
      });

      test("releaseAny lets the call go whoever holds it", async () => {
        const call = await repos.calls.record(aCall({ providerCallId: "CA-lease-any", status: "ringing" }));
        await repos.callLeases.hold(call.id, "instance-a", later(30));
        await repos.callLeases.releaseAny(call.id);
        expect(await repos.callLeases.claimLapsed("instance-c", later(999), later(1029), 10)).toEqual([]);
        expect(await repos.callLeases.renew("instance-a", later(60))).toBe(0);
        expect(await repos.callLeases.holdIfFree(call.id, "instance-b", later(60))).toBe(true);
      });

      test("two instances sweeping at once claim each lapsed call exactly once", async () => {
        const ids: string[] = [];
        for (let i = 0; i < 12; i++) {
          const call = await repos.calls.record(aCall({ providerCallId: `CA-lease-race-${i}`, status: "in-progress" }));
          await repos.callLeases.hold(call.id, "dead-instance", later(30));
          ids.push(call.id);
        }
        const [a, b, c] = await Promise.all(
          ["sweeper-1", "sweeper-2", "sweeper-3"].map((owner) =>
            repos.callLeases.claimLapsed(owner, later(40), later(70), 8),
          ),
        );
        const claimed = [...a!, ...b!, ...c!].map((call) => call.id);
        expect(new Set(claimed).size).toBe(claimed.length);
        // Whatever the first sweeps left (their batches are limited), the next one takes.
        const rest = await repos.callLeases.claimLapsed("sweeper-1", later(40), later(70), 20);
        expect([...claimed, ...rest.map((call) => call.id)].sort()).toEqual([...ids].sort());
      });
    });

    describe("jobs", () => {
      const t0 = new Date("2026-11-20T09:00:00Z");
      const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

      test("enqueue once per kind and key, payload kept as JSON", async () => {
        expect(
          await repos.tasks.enqueue({
            kind: RECORDING_TASK,
            key: "RE1",
            payload: { callSid: "CA1", recordingSid: "RE1", recordingUrl: "https://x/RE1" },
            runAt: t0,
          }),
        ).toBe(true);
        expect(
          await repos.tasks.enqueue({
            kind: RECORDING_TASK,
            key: "RE1",
            payload: { callSid: "CA2", recordingSid: "RE1", recordingUrl: "https://x/other" },
            runAt: t0,
          }),
        ).toBe(false);
        expect(
          await repos.tasks.enqueue({ kind: SEND_TASK, key: "RE1", payload: { messageId: "m1" }, runAt: t0 }),
        ).toBe(true);
        expect(await repos.tasks.byKey(RECORDING_TASK, "RE1")).toMatchObject({
          kind: RECORDING_TASK,
          key: "RE1",
          payload: { callSid: "CA1", recordingSid: "RE1", recordingUrl: "https://x/RE1" },
          attempts: 0,
          lastError: null,
          nextAttemptAt: t0,
          doneAt: null,
          failedAt: null,
        });
        expect(await repos.tasks.byKey(RECORDING_TASK, "nope")).toBeNull();
      });

      test("claimDue takes due jobs oldest first and holds them until the lock runs out", async () => {
        await repos.tasks.enqueue({
          kind: INVOICE_ISSUED_TASK,
          key: "second",
          payload: { invoiceId: "i" },
          runAt: later(10),
        });
        await repos.tasks.enqueue({
          kind: INVOICE_ISSUED_TASK,
          key: "first",
          payload: { invoiceId: "i" },
          runAt: later(5),
        });
        await repos.tasks.enqueue({
          kind: INVOICE_ISSUED_TASK,
          key: "future",
          payload: { invoiceId: "i" },
          runAt: later(3600),
        });
        const claimed = await repos.tasks.claimDue(later(60), 10, 30_000, "worker-1");
        expect(claimed.map((j) => j.key)).toEqual(["first", "second"]);
        expect(await repos.tasks.claimDue(later(61), 10, 30_000, "worker-1")).toEqual([]);
        expect((await repos.tasks.claimDue(later(91), 10, 30_000, "worker-1")).map((j) => j.key)).toEqual([
          "first",
          "second",
        ]);
        expect((await repos.tasks.claimDue(later(200), 1, 30_000, "worker-1")).map((j) => j.key)).toEqual(["first"]);
      });

      test("workers claiming at once never get the same job", async () => {
        for (let i = 0; i < 12; i++)
          await repos.tasks.enqueue({
            kind: INVOICE_ISSUED_TASK,
            key: `job-${i}`,
            payload: { invoiceId: `i${i}` },
            runAt: t0,
          });
        const batches = await Promise.all(
          Array.from({ length: 4 }, () => repos.tasks.claimDue(later(1), 5, 60_000, "worker-1")),
        );
        const ids = batches.flat().map((j) => j.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBe(12);
      });

      test("renew extends the hold of the jobs its owner still holds, so nobody else claims them meanwhile", async () => {
        for (const key of ["long", "other"])
          await repos.tasks.enqueue({ kind: INVOICE_ISSUED_TASK, key, payload: { invoiceId: "i" }, runAt: t0 });
        const claimed = await repos.tasks.claimDue(later(1), 10, 30_000, "instance-a");
        const ids = claimed.map((j) => j.id);
        expect(claimed.map((j) => j.key).sort()).toEqual(["long", "other"]);
        // Renewed at 21 s for another 30 s: at 40 s (past the first hold) still held.
        expect((await repos.tasks.renew(ids, "instance-a", later(51))).sort()).toEqual([...ids].sort());
        expect(await repos.tasks.claimDue(later(40), 10, 30_000, "instance-b")).toEqual([]);
        // Another owner's renewal extends nothing it does not hold.
        expect(await repos.tasks.renew(ids, "instance-b", later(500))).toEqual([]);
        expect((await repos.tasks.claimDue(later(52), 10, 30_000, "instance-b")).map((j) => j.key).sort()).toEqual([
          "long",
          "other",
        ]);
        // A's hold was taken over when it lapsed: A's late heartbeat no longer extends it.
        expect(await repos.tasks.renew(ids, "instance-a", later(200))).toEqual([]);
        expect(await repos.tasks.claimDue(later(83), 10, 30_000, "instance-a")).toHaveLength(2);
      });

      test("a lapsed holder's late failure leaves the new holder's claim alone; a late completion ends the job once", async () => {
        for (const key of ["fails-late", "completes-late"])
          await repos.tasks.enqueue({ kind: INVOICE_ISSUED_TASK, key, payload: { invoiceId: "i" }, runAt: t0 });
        await repos.tasks.claimDue(later(1), 10, 30_000, "instance-a");
        const takenOver = Object.fromEntries(
          (await repos.tasks.claimDue(later(40), 10, 30_000, "instance-b")).map((j) => [j.key, j]),
        );
        expect(Object.keys(takenOver).sort()).toEqual(["completes-late", "fails-late"]);

        // A, whose hold lapsed, reports a failure: B still holds the job, so no third instance may take it.
        await repos.tasks.fail(takenOver["fails-late"]!.id, "HTTP 503", later(45), later(42), "instance-a");
        expect(await repos.tasks.claimDue(later(50), 10, 30_000, "instance-c")).toEqual([]);
        expect(await repos.tasks.byKey(INVOICE_ISSUED_TASK, "fails-late")).toMatchObject({
          attempts: 0,
          lastError: null,
        });
        // Its holder's own failure is recorded.
        await repos.tasks.fail(takenOver["fails-late"]!.id, "HTTP 503", later(45), later(43), "instance-b");
        expect(await repos.tasks.byKey(INVOICE_ISSUED_TASK, "fails-late")).toMatchObject({
          attempts: 1,
          lastError: "HTTP 503",
        });

        // A finished the work after all: the job is done, and B's completion afterwards changes nothing.
        await repos.tasks.complete(takenOver["completes-late"]!.id, later(44));
        await repos.tasks.complete(takenOver["completes-late"]!.id, later(46));
        await repos.tasks.fail(takenOver["completes-late"]!.id, "late", null, later(47), "instance-b");
        expect(await repos.tasks.byKey(INVOICE_ISSUED_TASK, "completes-late")).toMatchObject({
          doneAt: later(44),
          attempts: 1,
          failedAt: null,
        });
      });

      test("renew skips jobs done or given up, and ids that are not jobs", async () => {
        for (const key of ["done", "given-up", "running"])
          await repos.tasks.enqueue({ kind: INVOICE_ISSUED_TASK, key, payload: { invoiceId: "i" }, runAt: t0 });
        const byKey = Object.fromEntries(
          (await repos.tasks.claimDue(later(1), 10, 30_000, "instance-a")).map((j) => [j.key, j]),
        );
        await repos.tasks.complete(byKey.done!.id, later(2));
        await repos.tasks.fail(byKey["given-up"]!.id, "HTTP 404", null, later(2));
        const ids = [byKey.done!.id, byKey["given-up"]!.id, byKey.running!.id, "not-a-uuid"];
        expect(await repos.tasks.renew(ids, "instance-a", later(60))).toEqual([byKey.running!.id]);
        expect(await repos.tasks.renew([], "instance-a", later(60))).toEqual([]);
        expect(await repos.tasks.byKey(INVOICE_ISSUED_TASK, "done")).toMatchObject({ doneAt: later(2) });
      });

      test("complete ends a job; fail retries it later or gives it up", async () => {
        await repos.tasks.enqueue({ kind: INVOICE_ISSUED_TASK, key: "ok", payload: { invoiceId: "i" }, runAt: t0 });
        await repos.tasks.enqueue({ kind: INVOICE_ISSUED_TASK, key: "flaky", payload: { invoiceId: "i" }, runAt: t0 });
        await repos.tasks.enqueue({ kind: INVOICE_ISSUED_TASK, key: "doomed", payload: { invoiceId: "i" }, runAt: t0 });
        const byKey = Object.fromEntries(
          (await repos.tasks.claimDue(later(1), 10, 1_000, "worker-1")).map((j) => [j.key, j]),
        );
        await repos.tasks.complete(byKey.ok!.id, later(2));
        await repos.tasks.fail(byKey.flaky!.id, "HTTP 503 from the provider", later(120), later(2));
        await repos.tasks.fail(byKey.doomed!.id, "HTTP 404: recording gone", null, later(2));

        expect(await repos.tasks.byKey(INVOICE_ISSUED_TASK, "ok")).toMatchObject({
          doneAt: later(2),
          attempts: 1,
          lastError: null,
        });
        expect(await repos.tasks.byKey(INVOICE_ISSUED_TASK, "flaky")).toMatchObject({
          attempts: 1,
          lastError: "HTTP 503 from the provider",
          nextAttemptAt: later(120),
          failedAt: null,
        });
        expect(await repos.tasks.byKey(INVOICE_ISSUED_TASK, "doomed")).toMatchObject({
          attempts: 1,
          failedAt: later(2),
        });
        expect(await repos.tasks.claimDue(later(60), 10, 1_000, "worker-1")).toEqual([]);
        expect((await repos.tasks.claimDue(later(121), 10, 1_000, "worker-1")).map((j) => j.key)).toEqual(["flaky"]);
      });
      test("backlog counts the jobs neither done nor given up, by kind, and ages the oldest by the database's clock", async () => {
        expect(await repos.tasks.backlog()).toEqual([]);
        for (const key of ["done", "waiting", "retrying", "given-up"])
          await repos.tasks.enqueue({ kind: INVOICE_ISSUED_TASK, key, payload: { invoiceId: "i" }, runAt: t0 });
        await repos.tasks.enqueue({ kind: SEND_TASK, key: "m1", payload: { messageId: "m1" }, runAt: t0 });
        const byKey = Object.fromEntries(
          (await repos.tasks.claimDue(later(1), 10, 1_000, "worker-1")).map((j) => [j.key, j]),
        );
        await repos.tasks.complete(byKey.done!.id, later(2));
        await repos.tasks.fail(byKey.retrying!.id, "HTTP 503", later(120), later(2));
        await repos.tasks.fail(byKey["given-up"]!.id, "HTTP 404", null, later(2));
        await repos.db.execute(
          sql`update jobs set created_at = now() - interval '5 minutes' where key in ('retrying', 'given-up')`,
        );

        const backlog = await repos.tasks.backlog();
        expect(
          backlog.map(({ kind, depth }) => ({ kind, depth })).sort((a, b) => a.kind.localeCompare(b.kind)),
        ).toEqual([
          { kind: INVOICE_ISSUED_TASK, depth: 2 },
          { kind: SEND_TASK, depth: 1 },
        ]);
        const invoices = backlog.find((b) => b.kind === INVOICE_ISSUED_TASK)!;
        expect(invoices.oldestAgeSeconds).toBeGreaterThanOrEqual(300);
        expect(invoices.oldestAgeSeconds).toBeLessThan(360);
        expect(backlog.find((b) => b.kind === SEND_TASK)!.oldestAgeSeconds).toBeLessThan(60);
      });
      test("a failure whose text the database could not store (NUL, other control characters) still counts and ends the job", async () => {
        await repos.tasks.enqueue({ kind: INVOICE_ISSUED_TASK, key: "nul", payload: { invoiceId: "i" }, runAt: t0 });
        const [job] = await repos.tasks.claimDue(later(1), 10, 1_000, "worker-1");
        await repos.tasks.fail(job!.id, "params: Leak\u0000 under\u001b sink\nsecond line", null, later(2));
        expect(await repos.tasks.byKey(INVOICE_ISSUED_TASK, "nul")).toMatchObject({
          attempts: 1,
          failedAt: later(2),
          lastError: "params: Leak under sink\nsecond line",
        });
      });
    });

    describe("messages: media downloads given up, and re-queued by staff", () => {
      const t0 = new Date("2026-11-20T09:00:00Z");
      const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

      const anInboundPhoto = (providerId: string, fields: Partial<NewMessage> = {}): NewMessage =>
        anInboundMessage({
          kind: "image",
          body: "The damp patch",
          status: "media_pending",
          providerId,
          address: "+447700900123",
          senderName: "Sarah Jones",
          mediaId: `media-${providerId}`,
          mediaType: "image/jpeg",
          occurredAt: t0,
          ...fields,
        });

      /** The message's download job, failed `failures` times; the last is given up for good when `givenUp`. */
      const downloadJob = async (messageId: string, failures: number, givenUp: boolean) => {
        expect(await repos.tasks.enqueue({ kind: MEDIA_TASK, key: messageId, payload: { messageId }, runAt: t0 })).toBe(
          true,
        );
        for (let attempt = 1; attempt <= failures; attempt++) {
          const claimed = await repos.tasks.claimDue(later(attempt * 3_600), 10, 60_000, "worker-1");
          const job = claimed.find((j) => j.key === messageId)!;
          const last = givenUp && attempt === failures;
          await repos.tasks.fail(
            job.id,
            "HTTP 503 from the media URL",
            last ? null : later(attempt * 3_600 + 60),
            later(attempt * 3_600),
          );
        }
        return (await repos.tasks.byKey(MEDIA_TASK, messageId))!;
      };

      /** An inbound photo whose download job ran out of attempts, marked given up as the media job marks it. */
      const aGivenUpPhoto = async (providerId: string) => {
        const { message } = await repos.messages.recordInbound(anInboundPhoto(providerId));
        const job = await downloadJob(message.id, 3, true);
        expect(job).toMatchObject({ attempts: 3, failedAt: later(3 * 3_600) });
        const marked = await repos.messages.update(message.id, {
          mediaError: "HTTP 503 from the media URL (gave up after 3 attempts)",
          mediaGaveUpAt: later(3 * 3_600),
        });
        return { message: marked!, job };
      };

      /** Asserts requeueMediaDownload refuses the message and leaves both it and its job as they were. */
      const expectRefusedUnchanged = async (messageId: string, taskKind: string = MEDIA_TASK) => {
        const [messageBefore, jobBefore] = await Promise.all([
          repos.messages.byId(messageId),
          repos.tasks.byKey(MEDIA_TASK, messageId),
        ]);
        expect(await repos.messages.requeueMediaDownload(messageId, taskKind, later(86_400))).toBeNull();
        expect(await repos.messages.byId(messageId)).toEqual(messageBefore);
        expect(await repos.tasks.byKey(MEDIA_TASK, messageId)).toEqual(jobBefore);
      };

      test("a new inbound message is not given up; marking it given up stores the time, and clearing it clears it", async () => {
        const { message } = await repos.messages.recordInbound(anInboundPhoto("wamid.MARK"));
        expect(message.mediaGaveUpAt).toBeNull();
        const at = new Date("2026-11-20T12:34:56.789Z");
        const marked = await repos.messages.update(message.id, {
          mediaError: "HTTP 503 (gave up after 12 attempts)",
          mediaGaveUpAt: at,
        });
        expect(marked).toMatchObject({
          status: "media_pending",
          mediaError: "HTTP 503 (gave up after 12 attempts)",
          mediaGaveUpAt: at,
        });
        expect(marked!.mediaGaveUpAt).toBeInstanceOf(Date);
        expect(await repos.messages.byId(message.id)).toEqual(marked);
        const cleared = await repos.messages.update(message.id, { mediaGaveUpAt: null });
        expect(cleared!.mediaGaveUpAt).toBeNull();
        expect((await repos.messages.byId(message.id))!.mediaGaveUpAt).toBeNull();
      });

      test("re-queueing resets the message and its job together: pending without error, the job due at once with attempts from 0", async () => {
        const { message } = await aGivenUpPhoto("wamid.REQUEUE");
        const { message: bystander, job: bystanderJob } = await aGivenUpPhoto("wamid.BYSTANDER");
        const at = later(86_400);

        const requeued = await repos.messages.requeueMediaDownload(message.id, MEDIA_TASK, at);
        expect(requeued).toMatchObject({
          id: message.id,
          status: "media_pending",
          mediaKey: null,
          mediaError: null,
          mediaGaveUpAt: null,
        });
        expect(await repos.messages.byId(message.id)).toEqual(requeued);
        expect(await repos.tasks.byKey(MEDIA_TASK, message.id)).toMatchObject({
          attempts: 0,
          failedAt: null,
          doneAt: null,
          nextAttemptAt: at,
        });
        // Unlocked and due: the runner takes it at `at`, and only it.
        const claimed = await repos.tasks.claimDue(at, 10, 60_000, "worker-1");
        expect(claimed.map((j) => j.key)).toEqual([message.id]);
        expect(claimed[0]!.attempts).toBe(0);
        // Another given-up message and its job are untouched.
        expect(await repos.messages.byId(bystander.id)).toEqual(bystander);
        expect(await repos.tasks.byKey(MEDIA_TASK, bystander.id)).toEqual(bystanderJob);
      });

      test("a second re-queue of the same message is refused and changes nothing", async () => {
        const { message } = await aGivenUpPhoto("wamid.TWICE");
        expect(await repos.messages.requeueMediaDownload(message.id, MEDIA_TASK, later(86_400))).not.toBeNull();
        await expectRefusedUnchanged(message.id);
        expect(await repos.tasks.byKey(MEDIA_TASK, message.id)).toMatchObject({
          attempts: 0,
          failedAt: null,
          nextAttemptAt: later(86_400),
        });
      });

      test("of two re-queues racing for the same message, exactly one wins", async () => {
        const { message } = await aGivenUpPhoto("wamid.RACE");
        const results = await Promise.all([
          repos.messages.requeueMediaDownload(message.id, MEDIA_TASK, later(86_400)),
          repos.messages.requeueMediaDownload(message.id, MEDIA_TASK, later(90_000)),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results[0] ? later(86_400) : later(90_000);
        expect(await repos.tasks.byKey(MEDIA_TASK, message.id)).toMatchObject({
          attempts: 0,
          failedAt: null,
          nextAttemptAt: winner,
        });
        expect(await repos.messages.byId(message.id)).toMatchObject({ mediaGaveUpAt: null, mediaError: null });
      });

      test("a message whose download is still being retried is refused and unchanged", async () => {
        const { message } = await repos.messages.recordInbound(anInboundPhoto("wamid.RETRYING"));
        await downloadJob(message.id, 1, false);
        await repos.messages.update(message.id, { mediaError: "HTTP 503 from the media URL (attempt 1; retrying)" });
        await expectRefusedUnchanged(message.id);
        expect(await repos.tasks.byKey(MEDIA_TASK, message.id)).toMatchObject({
          attempts: 1,
          failedAt: null,
          nextAttemptAt: later(3_600 + 60),
        });
      });

      test("a message marked given up whose job is still retrying is refused, and the message is not half reset (the transaction rolls back)", async () => {
        const { message } = await repos.messages.recordInbound(anInboundPhoto("wamid.HALF"));
        await downloadJob(message.id, 2, false);
        await repos.messages.update(message.id, { mediaError: "gave up", mediaGaveUpAt: later(7_200) });
        await expectRefusedUnchanged(message.id);
        expect(await repos.messages.byId(message.id)).toMatchObject({
          mediaError: "gave up",
          mediaGaveUpAt: later(7_200),
        });

        // No job at all, or only a job of another kind: refused the same way.
        const { message: jobless } = await repos.messages.recordInbound(anInboundPhoto("wamid.NOJOB"));
        await repos.messages.update(jobless.id, { mediaError: "gave up", mediaGaveUpAt: later(7_200) });
        await expectRefusedUnchanged(jobless.id);
        const { message: otherKind } = await aGivenUpPhoto("wamid.OTHERKIND");
        await expectRefusedUnchanged(otherKind.id, "some-other-job");
      });

      test("a given-up job whose message is not marked given up, stored, refused or done is refused and unchanged", async () => {
        const { message: unmarked } = await repos.messages.recordInbound(anInboundPhoto("wamid.UNMARKED"));
        await downloadJob(unmarked.id, 3, true);
        await expectRefusedUnchanged(unmarked.id);
        expect(await repos.tasks.byKey(MEDIA_TASK, unmarked.id)).toMatchObject({
          attempts: 3,
          failedAt: later(3 * 3_600),
        });

        const { message: stored } = await aGivenUpPhoto("wamid.STORED");
        await repos.messages.update(stored.id, { mediaKey: `tenant-media/unknown/${stored.id}.jpg` });
        await expectRefusedUnchanged(stored.id);

        const { message: refused } = await aGivenUpPhoto("wamid.REFUSED");
        await repos.messages.update(refused.id, { status: "refused" });
        await expectRefusedUnchanged(refused.id);

        const { message: done } = await aGivenUpPhoto("wamid.DONE");
        await repos.messages.update(done.id, { status: "done" });
        await expectRefusedUnchanged(done.id);
      });

      test("an unknown or malformed id is refused without throwing", async () => {
        expect(await repos.messages.requeueMediaDownload(crypto.randomUUID(), MEDIA_TASK, t0)).toBeNull();
        expect(await repos.messages.requeueMediaDownload("not-a-uuid", MEDIA_TASK, t0)).toBeNull();
      });
    });

    test("a call keeps its extracted details and staff's corrections as JSON", async () => {
      const call = await repos.calls.record(aCall());
      const extracted = { ...emptyExtraction("rules"), name: "Sarah", postcode: "NW1 6XE" };
      await repos.calls.update(call.id, { extracted, corrections: { name: "Sarah Jones" } });
      const [row] = await repos.db
        .select({ extracted: callsTable.extracted })
        .from(callsTable)
        .where(eq(callsTable.id, call.id));
      expect(row!.extracted).toEqual(extracted);
      expect(await repos.calls.byId(call.id)).toMatchObject({ extracted, corrections: { name: "Sarah Jones" } });
    });

    test("corrections made at once on different fields are all kept, each with who and when", async () => {
      const call = await repos.calls.record(aCall());
      const at = new Date("2026-12-03T10:15:00Z");
      await Promise.all([
        repos.calls.correct(call.id, { field: "name", value: "Sara Jones", by: "tom@handy.example", at }),
        repos.calls.correct(call.id, { field: "accessNotes", value: "Gate code 4512", by: "ana@handy.example", at }),
        repos.calls.correct(call.id, { field: "organisation", value: null, by: "ana@handy.example", at }),
      ]);
      const again = await repos.calls.correct(call.id, {
        field: "name",
        value: "Sarah Jones",
        by: "ana@handy.example",
        at,
      });
      expect(again!.corrections).toEqual({ name: "Sarah Jones", accessNotes: "Gate code 4512", organisation: null });
      expect(again!.correctedBy).toEqual({
        name: { by: "ana@handy.example", at: at.toISOString() },
        accessNotes: { by: "ana@handy.example", at: at.toISOString() },
        organisation: { by: "ana@handy.example", at: at.toISOString() },
      });
      expect(await repos.calls.correct(crypto.randomUUID(), { field: "name", value: "x", by: "x", at })).toBeNull();
      expect(await repos.calls.correct("not-a-uuid", { field: "name", value: "x", by: "x", at })).toBeNull();
    });
  });
}
