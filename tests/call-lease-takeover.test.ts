/**
 * A dead instance's call is closed by another, through real processes on one real PostgreSQL:
 * instance A streams a call (both tracks, the whole conversation, no `stop`) and is killed with
 * SIGKILL, as a lost machine would be; instance B, started on the same database, finds the call's
 * lease lapsed (CALL_LEASE_SECONDS shortened to 3) and closes it as interrupted, every stored
 * transcript line kept and the lead and job filed from what was said.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { OpenDatabase } from "../src/adapters/db/database.ts";
import { openDatabase } from "../src/adapters/db/open.ts";
import type { E164 } from "../src/domain/phone.ts";
import { SHIPPED_FIXTURES_DIR } from "../src/fixtures.ts";
import { frameAt, loadCallFixture } from "../src/simulator/fixture.ts";
import { connectMediaStream } from "../src/simulator/media-stream-client.ts";
import { answerCall } from "../src/simulator/play-call.ts";
import { mediaStreamMessages, twilioSid } from "../src/simulator/twilio-wire.ts";
import { startServer, type RunningServer } from "./support/browser.ts";
import { startPostgres, type TestPostgres } from "./support/postgres.ts";

const LEASE_SECONDS = 3;
const fixture = loadCallFixture(join(SHIPPED_FIXTURES_DIR, "boiler-leak-tenant"));
const dirs = [mkdtempSync(join(tmpdir(), "sb-lease-a-")), mkdtempSync(join(tmpdir(), "sb-lease-b-"))];
let pg: TestPostgres;
let databaseUrl: string;
let repos: OpenDatabase | null = null;
const servers: RunningServer[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  databaseUrl = await pg.createDatabase("lease_takeover");
}, 60_000);
afterAll(async () => {
  for (const server of servers) if (server.exitCode() === null) server.kill("SIGKILL");
  await Promise.all(servers.map((server) => server.exited));
  await repos?.close();
  await pg?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 30_000);

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null | undefined | false>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(100);
  }
}

describe("a dead instance's call", () => {
  test("is closed as interrupted by another instance within the lease, lines kept and job filed", async () => {
    const env = { DATABASE_URL: databaseUrl, CALL_LEASE_SECONDS: String(LEASE_SECONDS) };
    const a = await startServer({ ...env, DATA_DIR: dirs[0]! }, 60_000);
    servers.push(a);
    repos = await openDatabase({ databaseUrl, dataDir: dirs[0]!, logger: pino({ level: "silent" }) });

    const baseUrl = `http://localhost:${a.port}`; // PUBLIC_BASE_URL, which the signatures cover
    const authToken = readFileSync(join(dirs[0]!, "secrets", "twilio-local-auth-token"), "utf8").trim();
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
      const lines = (await repos!.calls.transcript(callId)).filter((s) => s.isFinal);
      return lines.length === turns ? lines : null;
    });

    // The instance dies with the call on the line: no stream end, no filing, no status report.
    a.kill("SIGKILL");
    await a.exited;
    const killedAt = Date.now();
    const orphan = (await repos.calls.byId(callId))!;
    expect(orphan.status).not.toBe("interrupted");
    expect(orphan.issueId).toBeNull();

    const b = await startServer({ ...env, DATA_DIR: dirs[1]! }, 60_000);
    servers.push(b);
    const closed = await until("the call closed by instance B", 30_000, async () => {
      const now = await repos!.calls.byId(callId);
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
      const now = await repos!.calls.byId(callId);
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
});
