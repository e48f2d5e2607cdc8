/**
 * A dead instance's call is closed by another, through real processes on one real PostgreSQL:
 * instance A streams a call (both tracks, the whole conversation, no `stop`) and is killed with
 * SIGKILL, as a lost machine would be; instance B, started on the same database, finds the call's
 * lease lapsed (CALL_LEASE_SECONDS shortened to 3) and closes it as interrupted, every stored
 * transcript line kept and the lead and job filed from what was said. Likewise a call whose
 * instance dies while it rings, before its stream opens (its lease taken by the incoming-call webhook).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { E164 } from "../src/domain/phone.ts";
import { SHIPPED_FIXTURES_DIR } from "../src/fixtures.ts";
import { frameAt, loadCallFixture } from "../src/simulator/fixture.ts";
import { connectMediaStream } from "../src/simulator/media-stream-client.ts";
import { answerCall } from "../src/simulator/play-call.ts";
import { mediaStreamMessages, twilioSid } from "../src/simulator/twilio-wire.ts";
import { startInstances, until, type Instances } from "./support/instances.ts";

const LEASE_SECONDS = 3;
const fixture = loadCallFixture(join(SHIPPED_FIXTURES_DIR, "boiler-leak-tenant"));
const env = { CALL_LEASE_SECONDS: String(LEASE_SECONDS) };
let world: Instances;

beforeAll(async () => {
  world = await startInstances("lease_takeover");
}, 60_000);
afterAll(async () => {
  await world?.close();
}, 30_000);

describe("a dead instance's call", () => {
  test("is closed as interrupted by another instance within the lease, lines kept and job filed", async () => {
    const a = await world.start(env);
    const repos = await world.repos();

    const baseUrl = `http://localhost:${a.port}`; // PUBLIC_BASE_URL, which the signatures cover
    const authToken = readFileSync(join(a.dataDir, "secrets", "twilio-local-auth-token"), "utf8").trim();
    const call = await answerCall({ baseUrl, authToken, from: fixture.from, to: fixture.to });
    expect(call.callId).not.toBeNull();
    const callId = call.callId!;
    const stream = await connectMediaStream(call.stream.url, authToken);
    const m = mediaStreamMessages({ streamSid: twilioSid("MZ"), callSid: call.callSid, accountSid: call.accountSid });
    stream.send(m.connected());
    stream.send(m.start(["inbound", "outbound"], { ...call.stream.parameters, demoScript: fixture.name }));
    for (let i = 0; i < fixture.frameCount; i++) {
      stream.send(m.media("inbound", i * 20, frameAt(fixture.inbound, i)));
      stream.send(m.media("outbound", i * 20, frameAt(fixture.outbound, i)));
      if (i % 100 === 99) await stream.drained(0);
    }
    const turns = fixture.turns!.length;
    const stored = await until("every line stored", 30_000, async () => {
      const lines = (await repos.calls.transcript(callId)).filter((s) => s.isFinal);
      return lines.length === turns ? lines : null;
    });

    // The instance dies with the call on the line: no stream end, no filing, no status report.
    a.kill("SIGKILL");
    await a.exited;
    const killedAt = Date.now();
    const orphan = (await repos.calls.byId(callId))!;
    expect(orphan.status).not.toBe("interrupted");
    expect(orphan.issueId).toBeNull();

    const b = await world.start(env);
    const closed = await until("the call closed by instance B", 30_000, async () => {
      const now = await repos.calls.byId(callId);
      return now?.status === "interrupted" ? now : null;
    });
    const tookMs = Date.now() - killedAt;
    console.info(`instance B closed the dead instance's call ${tookMs} ms after the kill`);
    // The lease lapses at most LEASE_SECONDS after A's last renewal, and B sweeps at start and
    // every third of a lease; B's own start-up (a few seconds on this machine) is on top.
    expect(tookMs).toBeLessThan((LEASE_SECONDS + 12) * 1000);
    expect(closed.endedAt).not.toBeNull();

    expect(
      (await repos.calls.transcript(callId))
        .filter((s) => s.isFinal)
        .map((s) => s.id)
        .sort(),
    ).toEqual(stored.map((s) => s.id).sort());
    const filed = await until("the job filed", 10_000, async () => {
      const now = await repos.calls.byId(callId);
      return now?.issueId ? now : null;
    });
    expect(await repos.issues.byId(filed.issueId!)).toMatchObject({ sourceCallId: callId, category: "heating" });
    expect(await repos.leads.byPhone(fixture.from as E164)).toMatchObject({ name: "Sarah Jones", postcode: "NW1 6XE" });
    expect((await repos.audit.forEntity("call", callId)).map((e) => e.who)).toContain("call lease sweep");
    // The line is logged after the filing and the audit entry, and reaches us through a pipe: wait for it.
    await until("B's log line", 5_000, async () => b.output().includes('"msg":"lapsed call closed"'));
    expect(b.output()).toContain('"msg":"lapsed call closed"');

    await b.stop();
    expect(b.exitCode()).toBe(0);
  }, 150_000);

  test("is closed by another instance even when the instance died while it rang, before its stream opened", async () => {
    const c = await world.start(env);
    const repos = await world.repos();
    const authToken = readFileSync(join(c.dataDir, "secrets", "twilio-local-auth-token"), "utf8").trim();
    // Only the incoming-call webhook: Twilio is told to open the stream, but it never connects.
    const call = await answerCall({
      baseUrl: `http://localhost:${c.port}`,
      authToken,
      from: "+447700900777",
      to: fixture.to,
    });
    const callId = call.callId!;
    expect((await repos.calls.byId(callId))!.status).toBe("ringing");
    c.kill("SIGKILL");
    await c.exited;
    const killedAt = Date.now();

    const d = await world.start(env);
    const closed = await until("the ringing call closed by instance D", 30_000, async () => {
      const now = await repos.calls.byId(callId);
      return now?.status === "interrupted" ? now : null;
    });
    const tookMs = Date.now() - killedAt;
    console.info(`instance D closed the dead instance's ringing call ${tookMs} ms after the kill`);
    expect(tookMs).toBeLessThan((LEASE_SECONDS + 12) * 1000);
    expect(closed.endedAt).not.toBeNull();
    expect(closed.issueId).toBeNull(); // nobody spoke: nothing to file
    // The audit entry follows the status change (after the filing): wait for it.
    const audit = await until("the sweep's audit entry", 10_000, async () => {
      const entries = await repos.audit.forEntity("call", callId);
      return entries.length > 0 ? entries : null;
    });
    expect(audit.map((e) => [e.who, e.what])).toContainEqual(["call lease sweep", "status ringing → interrupted"]);

    await d.stop();
    expect(d.exitCode()).toBe(0);
  }, 120_000);
});
