/**
 * GET /metrics through app.request(): the bearer check, Prometheus' text format, and series that
 * move when the app works (webhooks, the job queue and outbox read from the database, SSE
 * viewers, the process's own figures).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import pino from "pino";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { createApp } from "../../src/http/app.ts";
import { createLogger } from "../../src/logger.ts";
import { TEST_STRIPE_WEBHOOK_SECRET } from "../support/quotes-world.ts";
import { signed, stripeEvents } from "../support/stripe-events.ts";
import { sampleValue } from "../support/prometheus-text.ts";
import { aStaffUser, buildTestApp, ORIGIN, signedTwilioPost, testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";

const TOKEN = "metrics-token-for-tests-0123456789";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
/** The test app with METRICS_TOKEN set (same deps, same registry). */
let app: ReturnType<typeof createApp>;
let browser: ReturnType<typeof testBrowser>;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  repos = await freshPglite();
  const logger = createLogger({
    level: "debug",
    pretty: false,
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  world = buildTestApp(repos, { logger });
  app = createApp({ ...world.deps, metricsEndpoint: { ...world.deps.metricsEndpoint, token: TOKEN } });
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(app);
  await browser.logIn(staff.email, staff.password);
}, 30_000);
afterAll(async () => repos?.close());

const scrape = async () => {
  const response = await app.request(`${ORIGIN}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
};

const runJobs = async () => {
  const runner = startTaskRunner(
    { tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now },
    world.messagingTasks,
    { autoStart: false },
  );
  await runner.runDue();
  await runner.stop();
};

let smsCount = 0;
const anSms = (overrides: Record<string, string> = {}) => ({
  MessageSid: `SM${String(++smsCount).padStart(32, "0")}`,
  From: "+447700900555",
  To: "+442079460000",
  Body: "Is Thursday still fine for the boiler?",
  NumMedia: "0",
  ...overrides,
});

const stripePost = async (event: object) => {
  const { body, signature } = await signed(event, TEST_STRIPE_WEBHOOK_SECRET, world.clock.now());
  return app.request(`${ORIGIN}/api/stripe/webhook`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Stripe-Signature": signature },
    body,
  });
};

describe("GET /metrics", () => {
  test("does not exist (404) when METRICS_TOKEN is not set", async () => {
    expect(world.deps.metricsEndpoint.token).toBeNull();
    const response = await world.app.request(`${ORIGIN}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(404);
  });

  test("refuses (401) a scrape without the bearer token, with a wrong one, or another scheme", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: "Bearer not-the-token" },
      { Authorization: `Bearer ${TOKEN}x` },
      { Authorization: `Basic ${btoa(`prometheus:${TOKEN}`)}` },
      { Authorization: TOKEN },
    ];
    for (const headers of attempts) {
      const response = await app.request(`${ORIGIN}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get("WWW-Authenticate")).toStartWith("Bearer");
      expect(await response.text()).not.toContain("switchboard_");
    }
  });

  test("answers the right token with Prometheus' text format, naming every series the app keeps", async () => {
    const response = await app.request(`${ORIGIN}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    for (const name of [
      "switchboard_calls_in_progress",
      "switchboard_media_frames_received_total",
      "switchboard_transcriber_result_latency_seconds",
      "switchboard_transcriber_fallbacks_total",
      "switchboard_transcriber_reconnects_total",
      "switchboard_sse_viewers",
      "switchboard_webhooks_total",
      "switchboard_webhook_duration_seconds",
      "switchboard_job_queue_depth",
      "switchboard_job_queue_oldest_age_seconds",
      "switchboard_outbox_depth",
      "switchboard_vendor_errors_total",
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "switchboard_event_loop_lag_seconds",
    ])
      expect(text).toContain(`# TYPE ${name} `);
  });
});

describe("series that move", () => {
  test("a webhook is counted by provider and outcome, and timed", async () => {
    const series = (outcome: string) => ({ provider: "twilio-sms", outcome });
    const before = await scrape();
    expect((await signedTwilioPost(app, "/api/twilio/sms", anSms())).status).toBe(200);
    const unsigned = await app.request(`${ORIGIN}/api/twilio/sms`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(anSms()).toString(),
    });
    expect(unsigned.status).toBe(403);
    expect((await stripePost(stripeEvents.other("charge.refunded"))).status).toBe(200);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string>) =>
      (sampleValue(after, name, labels) ?? 0) - (sampleValue(before, name, labels) ?? 0);
    expect(delta("switchboard_webhooks_total", series("accepted"))).toBe(1);
    expect(delta("switchboard_webhooks_total", series("refused"))).toBe(1);
    expect(delta("switchboard_webhooks_total", { provider: "stripe", outcome: "accepted" })).toBe(1);
    expect(delta("switchboard_webhook_duration_seconds_count", { provider: "twilio-sms" })).toBe(2);
    expect(delta("switchboard_webhook_duration_seconds_sum", { provider: "twilio-sms" })).toBeGreaterThan(0);
    // Staff pages are not webhooks.
    await browser.page("/inbox");
    expect(sampleValue(await scrape(), "switchboard_webhooks_total", series("accepted"))).toBe(
      sampleValue(after, "switchboard_webhooks_total", series("accepted")),
    );
  });

  test("job queue depth and the oldest job's age are read from the database, by kind, at each scrape", async () => {
    await runJobs();
    const depth = (text: string) => sampleValue(text, "switchboard_job_queue_depth", { kind: "message-understand" });
    const age = (text: string) =>
      sampleValue(text, "switchboard_job_queue_oldest_age_seconds", { kind: "message-understand" });
    const idle = await scrape();
    expect(depth(idle)).toBe(0);
    expect(age(idle)).toBe(0);

    // Two inbound texts, each leaving a job to understand it; the first added 90 s ago.
    await signedTwilioPost(app, "/api/twilio/sms", anSms());
    await repos.db.execute(sql`update jobs set created_at = now() - interval '90 seconds' where done_at is null`);
    await signedTwilioPost(app, "/api/twilio/sms", anSms());
    const busy = await scrape();
    expect(depth(busy)).toBe(2);
    expect(age(busy)).toBeGreaterThanOrEqual(90);
    expect(age(busy)).toBeLessThan(120);

    await runJobs();
    const drained = await scrape();
    expect(depth(drained)).toBe(0);
    expect(age(drained)).toBe(0);
  });

  test("the outbox's depth counts messages waiting to be sent", async () => {
    await runJobs();
    const lead = await repos.leads.create({
      name: "Ola Nowak",
      organisation: null,
      phone: "+447700900666" as E164,
      email: null,
      address: null,
      postcode: null,
      segment: "landlord",
      source: "manual",
      notes: null,
    });
    const before = sampleValue(await scrape(), "switchboard_outbox_depth");
    const sent = await world.deps.messaging.messenger.send({ leadId: lead.id, channel: "sms", text: "On our way" });
    expect(sent.ok).toBe(true);
    expect(sampleValue(await scrape(), "switchboard_outbox_depth")).toBe(before! + 1);
    // The send job runs (on the embedded default: marked not sent, nothing goes out): nothing waits.
    await runJobs();
    expect(sampleValue(await scrape(), "switchboard_outbox_depth")).toBe(before!);
  });

  test("an open live stream is one SSE viewer, until it is closed", async () => {
    const viewers = async () => sampleValue(await scrape(), "switchboard_sse_viewers");
    const before = await viewers();
    const response = await browser.request("/inbox/events", { headers: { Accept: "text/event-stream" } });
    expect(response.status).toBe(200);
    expect(await viewers()).toBe(before! + 1);
    await response.body!.cancel();
    expect(await viewers()).toBe(before!);
  });

  test("the process's CPU, memory and event-loop lag are reported", async () => {
    const first = await scrape();
    expect(sampleValue(first, "process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(sampleValue(first, "process_resident_memory_bytes")).toBeGreaterThan(10_000_000);
    expect(sampleValue(first, "process_memory_bytes", { kind: "heap_used" })).toBeGreaterThan(0);
    // Lag is sampled from the first scrape on: block the loop for 120 ms, and the next scrape shows it.
    await Bun.sleep(60);
    const blockedUntil = performance.now() + 120;
    while (performance.now() < blockedUntil) {}
    await Bun.sleep(60);
    const text = await scrape();
    expect(sampleValue(text, "switchboard_event_loop_lag_seconds", { stat: "max" })).toBeGreaterThan(0.08);
    expect(sampleValue(text, "switchboard_event_loop_lag_seconds", { stat: "p50" })).toBeLessThan(0.1);
  });
});

describe("log lines about a webhook carry its id", () => {
  const loggedSince = (from: number) => lines.slice(from);

  test("every line an inbound SMS logs carries its MessageSid as eventId", async () => {
    const from = lines.length;
    const sms = anSms({ From: "+447700900777" });
    expect((await signedTwilioPost(app, "/api/twilio/sms", sms)).status).toBe(200);
    const logged = loggedSince(from);
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) expect(line.eventId).toBe(sms.MessageSid);
  });

  test("every line a Stripe event logs carries the event's id", async () => {
    const event = stripeEvents.other("charge.refunded");
    const from = lines.length;
    expect((await stripePost(event)).status).toBe(200);
    const logged = loggedSince(from);
    expect(logged.map((line) => line.msg)).toContain("request");
    for (const line of logged) expect(line.eventId).toBe(event.id);
  });

  test("a voice webhook's lines carry the CallSid", async () => {
    const callSid = "CA0000000000000000000000000000abcd";
    const from = lines.length;
    const voice = await signedTwilioPost(app, "/api/twilio/voice", {
      CallSid: callSid,
      From: "+447700900888",
      To: "+442079460000",
      CallStatus: "ringing",
    });
    expect(voice.status).toBe(200);
    const unknown = await signedTwilioPost(app, "/api/twilio/status", {
      CallSid: "CA0000000000000000000000000000ffff",
      CallStatus: "completed",
    });
    expect(unknown.status).toBe(204);
    const logged = loggedSince(from);
    expect(logged.find((line) => line.msg === "call arriving")?.callSid).toBe(callSid);
    expect(logged.find((line) => line.msg === "status for a call we do not know; ignored")?.callSid).toBe(
      "CA0000000000000000000000000000ffff",
    );
  });
});
