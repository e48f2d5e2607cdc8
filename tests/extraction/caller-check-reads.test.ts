import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { createInProcessLiveEvents } from "../../src/adapters/local/in-process-live-events.ts";
import type { Call } from "../../src/domain/calls.ts";
import { emptyExtraction, type Extraction } from "../../src/domain/extraction/extraction.ts";
import { checkCaller, type CallerCheckDeps } from "../../src/domain/live-call/caller-check.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { aLead, anIssue } from "../support/jobs.ts";
import { freshPglite } from "../support/test-db.ts";

/**
 * The caller check during a live call reads only what its match looks at, and reuses the call
 * live extraction has just read; counted on the real repositories (PGlite), results unchanged.
 */
let repos: Repositories;
beforeAll(async () => {
  repos = await freshPglite();
}, 30_000);
afterAll(async () => repos?.close());

const heard = (fields: Partial<Extraction>): Extraction => ({ ...emptyExtraction("rules"), ...fields });
let sid = 0;
async function aCallFor(lead: Partial<Parameters<typeof aLead>[0]> = {}): Promise<Call> {
  const { id } = await repos.leads.create(
    aLead({ name: "Priya Shah", postcode: "NW1 6XE", segment: "tenant", ...lead }),
  );
  return repos.calls.record({
    providerCallId: `CA${String(++sid).padStart(32, "0")}`,
    direction: "inbound",
    from: "+447700900123",
    to: "+442079460000",
    leadId: id,
    status: "in-progress",
    startedAt: new Date(),
  });
}

/** The real repositories, each read the check makes counted by name. */
function counted() {
  const reads: string[] = [];
  const deps: CallerCheckDeps = {
    calls: {
      ...repos.calls,
      byId: (id) => (reads.push("call"), repos.calls.byId(id)),
      swapCallerCheck: (...args) => repos.calls.swapCallerCheck(...args),
    },
    leads: { byId: (id) => (reads.push("lead"), repos.leads.byId(id)) },
    leadContacts: { forLead: (id) => (reads.push("contacts"), repos.leadContacts.forLead(id)) },
    issues: { forLead: (id) => (reads.push("issues"), repos.issues.forLead(id)) },
    liveEvents: createInProcessLiveEvents(),
    log: pino({ level: "silent" }),
  };
  return { deps, reads };
}

describe("the live caller check reads only what it compares", () => {
  test("a caller who gave no name, organisation or postcode costs no reads, given the call", async () => {
    const call = await aCallFor();
    const { deps, reads } = counted();
    await checkCaller(deps, call.id, heard({ summary: "Boiler leaking" }), call);
    expect(reads).toEqual([]);
    expect((await repos.calls.byId(call.id))?.callerCheck).toBeNull();
    // Without the call in hand it is read, as before.
    await checkCaller(deps, call.id, heard({ summary: "Boiler leaking" }));
    expect(reads).toEqual(["call"]);
  });

  test("a name reads the lead and its contacts, not its jobs; a contact's name matches", async () => {
    const call = await aCallFor();
    const { deps, reads } = counted();
    await checkCaller(deps, call.id, heard({ name: "David Patel" }), call);
    expect(reads.sort()).toEqual(["contacts", "lead"]);
    const flagged = (await repos.calls.byId(call.id))!;
    expect(flagged.callerCheck).toMatchObject({ state: "pending", reason: "name" });

    await repos.leadContacts.add({ leadId: call.leadId!, name: "David Patel", role: "tenant", phone: null });
    await checkCaller(deps, call.id, heard({ name: "David Patel" }), flagged);
    expect((await repos.calls.byId(call.id))?.callerCheck).toBeNull();
  });

  test("a postcode without a name reads the lead's jobs: a job's site matches, another site is flagged", async () => {
    const call = await aCallFor();
    const { deps, reads } = counted();
    await checkCaller(deps, call.id, heard({ postcode: "CR0 1YY" }), call);
    expect(reads.sort()).toEqual(["issues", "lead"]);
    const flagged = (await repos.calls.byId(call.id))!;
    expect(flagged.callerCheck).toMatchObject({ state: "pending", reason: "site" });

    await repos.issues.create(anIssue(call.leadId!, { postcode: "CR0 1YY" }));
    await checkCaller(deps, call.id, heard({ postcode: "CR0 1YY" }), flagged);
    expect((await repos.calls.byId(call.id))?.callerCheck).toBeNull();
  });

  test("a flag is still cleared when a later reading says nothing to compare", async () => {
    const call = await aCallFor();
    const { deps } = counted();
    await checkCaller(deps, call.id, heard({ name: "David Patel" }), call);
    const flagged = (await repos.calls.byId(call.id))!;
    expect(flagged.callerCheck?.state).toBe("pending");
    await checkCaller(deps, call.id, heard({}), flagged);
    expect((await repos.calls.byId(call.id))?.callerCheck).toBeNull();
  });

  test("a call read before staff settled the flag changes nothing: their choice stands", async () => {
    const call = await aCallFor();
    const { deps } = counted();
    await checkCaller(deps, call.id, heard({ name: "David Patel" }), call);
    const stale = (await repos.calls.byId(call.id))!;
    const resolved = {
      state: "resolved" as const,
      says: stale.callerCheck!.says,
      reason: "name" as const,
      choice: "same" as const,
      fromLeadId: call.leadId!,
      leadId: call.leadId!,
      notice: "…",
      outcome: "…",
    };
    expect(await repos.calls.swapCallerCheck(call.id, stale.callerCheck, resolved)).not.toBeNull();
    await checkCaller(deps, call.id, heard({ name: "Priya Shah" }), stale);
    expect((await repos.calls.byId(call.id))?.callerCheck).toEqual(resolved);
  });
});
