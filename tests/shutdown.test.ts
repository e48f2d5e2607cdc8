/**
 * Stopping the server (SIGTERM, as `npm start`'s process manager does) while a call is still on
 * the line: the forced close ends the call's media stream, and the call is still filed — its lead
 * named and its job opened — before the database closes and the process exits.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { openDatabase } from "../src/adapters/db/open.ts";
import type { E164 } from "../src/domain/phone.ts";
import { SHIPPED_FIXTURES_DIR } from "../src/fixtures.ts";
import { frameAt, loadCallFixture } from "../src/simulator/fixture.ts";
import { connectMediaStream } from "../src/simulator/media-stream-client.ts";
import { answerCall } from "../src/simulator/play-call.ts";
import { mediaStreamMessages, twilioSid } from "../src/simulator/twilio-wire.ts";
import { logIn, openEvents } from "./e2e/helpers.ts";
import { runCli, seedPgliteDataDir } from "./support/browser.ts";
import { chatCompletion, startOpenAIPeer, type OpenAIPeer } from "./support/openai-peer.ts";

const root = join(import.meta.dir, "..");
const dataDir = mkdtempSync(join(tmpdir(), "sb-shutdown-"));
let openai: OpenAIPeer | null = null;
afterAll(async () => {
  await openai?.close();
  rmSync(dataDir, { recursive: true, force: true });
});
const fixture = loadCallFixture(join(SHIPPED_FIXTURES_DIR, "boiler-leak-tenant"));

/** `bun src/main.ts` on a port known in advance, so PUBLIC_BASE_URL (http://localhost:PORT) is its real address. */
async function startMain(env: Record<string, string>) {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  await probe.stop(true);
  const child = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      SHUTDOWN_DRAIN_SECONDS: "1",
      ...env,
    },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let output = "";
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += new TextDecoder().decode(chunk);
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const deadline = Date.now() + 30_000;
  while (!output.includes("Switchboard is running")) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the server did not start:\n${output}`);
    await Bun.sleep(50);
  }
  return { child, url: `http://localhost:${port}`, output: () => output, drained };
}

describe("shutting down with a call on the line", () => {
  test("SIGTERM ends the call's stream, and the call is filed before the database closes", async () => {
    await seedPgliteDataDir(dataDir);
    expect(
      (
        await runCli(["user", "add", "ops@handy.example", "--password", "shutdown-test-password"], {
          DATA_DIR: dataDir,
        })
      ).code,
    ).toBe(0);
    // A slow extractor (OpenAI, answering after 2.5 s), so filing the call takes longer than the
    // rest of shutdown: without waiting for it, the database would close first. The SDK takes its
    // endpoint from OPENAI_BASE_URL; each answer is a refusal, so the rules extractor then answers.
    openai = await startOpenAIPeer();
    openai.reply(
      ...Array.from({ length: 20 }, () => ({ ...chatCompletion(null, { refusal: "not now" }), delayMs: 2500 })),
    );
    const server = await startMain({ OPENAI_API_KEY: "sk-loopback", OPENAI_BASE_URL: openai.baseURL });
    let callId: string | null = null;
    try {
      const authToken = readFileSync(join(dataDir, "secrets", "twilio-local-auth-token"), "utf8").trim();
      const call = await answerCall({ baseUrl: server.url, authToken, from: fixture.from, to: fixture.to });
      callId = call.callId;
      const cookie = await logIn(server.url, "ops@handy.example", "shutdown-test-password");
      const sse = await openEvents(`${server.url}/calls/${callId}/events`, cookie, "0");

      // The whole conversation, both tracks, but no `stop`: the caller is still on the line.
      const stream = await connectMediaStream(call.stream.url, authToken);
      const m = mediaStreamMessages({ streamSid: twilioSid("MZ"), callSid: call.callSid, accountSid: call.accountSid });
      stream.send(m.connected());
      stream.send(m.start(["inbound", "outbound"], { ...call.stream.parameters, demoScript: fixture.name }));
      for (let i = 0; i < fixture.frameCount; i++) {
        stream.send(m.media("inbound", i * 20, frameAt(fixture.inbound, i)));
        stream.send(m.media("outbound", i * 20, frameAt(fixture.outbound, i)));
        if (i % 100 === 99) await stream.drained(0);
      }
      await sse.waitFor(
        (e) =>
          e.event === "transcript" &&
          sse.events.filter((x) => x.event === "transcript").length === fixture.turns!.length,
        20_000,
      );
      sse.close();

      server.child.kill("SIGTERM");
      const code = await server.child.exited;
      await server.drained;
      expect(code).toBe(0);
      expect((await stream.closed).byServer).toBe(true);
    } finally {
      if (server.child.exitCode === null) server.child.kill("SIGKILL");
    }
    const log = server.output();
    expect(log).toContain('"msg":"media stream ended"');
    expect(log).toContain('"msg":"job opened from the call"');
    expect(log).not.toContain("closing the call's intake failed");
    expect(log).not.toContain("shutting down before every ended call was filed");
    // The last extraction was still being asked for when the stream was cut off.
    expect(openai!.requests.length).toBeGreaterThanOrEqual(2);

    const repos = await openDatabase({ dataDir, logger: pino({ level: "silent" }) });
    try {
      const call = await repos.calls.byId(callId!);
      expect(call!.issueId).not.toBeNull();
      expect(await repos.issues.byId(call!.issueId!)).toMatchObject({ sourceCallId: callId, category: "heating" });
      expect(await repos.leads.byPhone(fixture.from as E164)).toMatchObject({
        name: "Sarah Jones",
        postcode: "NW1 6XE",
      });
    } finally {
      await repos.close();
    }
  }, 90_000);
});
