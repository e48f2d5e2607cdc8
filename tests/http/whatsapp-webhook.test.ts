import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import jpeg from "jpeg-js";
import pino from "pino";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import { createOpenAIClient, createWhisperTranscriber } from "../../src/adapters/openai/index.ts";
import { createWhatsAppCloudApi } from "../../src/adapters/whatsapp/graph-api.ts";
import { WHATSAPP_DELIVERY_TASK } from "../../src/domain/messaging/deliveries.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { rowsOf } from "../../src/adapters/db/messages-repository.ts";
import { sql } from "drizzle-orm";
import { freshPglite } from "../support/test-db.ts";
import { ORIGIN, aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { TEST_WHATSAPP_APP_SECRET, TEST_WHATSAPP_VERIFY_TOKEN, testMessaging } from "../support/messaging-world.ts";
import {
  PEER_ACCESS_TOKEN,
  PEER_PHONE_NUMBER_ID,
  imageMessage,
  inboundMessage,
  signedDelivery,
  startMetaPeer,
  textMessage,
  videoMessage,
  voiceNote,
  type MetaPeer,
} from "../support/meta-peer.ts";
import { startOpenAIPeer, transcription, type OpenAIPeer } from "../support/openai-peer.ts";

let repos: OpenDatabase;
let meta: MetaPeer;
let openai: OpenAIPeer;
let world: ReturnType<typeof buildTestApp>;

const SARAH = { waId: "447700900123", name: "Sarah Jones" };

beforeAll(async () => {
  [repos, meta, openai] = await Promise.all([freshPglite(), startMetaPeer(), startOpenAIPeer()]);
  world = buildTestApp(
    repos,
    {},
    {
      adapters: {
        whatsapp: createWhatsAppCloudApi({
          accessToken: PEER_ACCESS_TOKEN,
          phoneNumberId: PEER_PHONE_NUMBER_ID,
          baseUrl: meta.baseUrl,
        }),
        voiceNotes: createWhisperTranscriber(
          { timeoutMs: 5_000, maxRetries: 0 },
          createOpenAIClient({ apiKey: "sk-test-peer", baseURL: openai.baseURL }),
        ),
      },
    },
  );
}, 30_000);
afterAll(async () => {
  await Promise.all([meta?.close(), openai?.close()]);
  await repos?.close();
});

const post = (
  payload: unknown,
  secret = TEST_WHATSAPP_APP_SECRET,
  tamper?: (headers: Record<string, string>) => void,
) => {
  const { body, headers } = signedDelivery(payload, secret);
  tamper?.(headers);
  return world.app.request(`${ORIGIN}/api/whatsapp/webhook`, { method: "POST", headers, body });
};

/** A job runner as the server runs one, started and stopped by the test (a new one = a restart). */
const runner = () =>
  startTaskRunner({ tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now }, world.messagingTasks, {
    autoStart: false,
  });
const runJobs = async () => {
  const r = runner();
  const n = await r.runDue();
  await r.stop();
  return n;
};

const count = async (table: string) =>
  rowsOf<{ n: number }>(await repos.db.execute(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

function aJpeg(width = 64, height = 48): Uint8Array {
  const data = new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 7) % 256));
  return new Uint8Array(jpeg.encode({ data, width, height }, 80).data);
}

describe("GET /api/whatsapp/webhook (Meta's verification handshake)", () => {
  test("answers hub.challenge when hub.mode is subscribe and the verify token matches", async () => {
    const response = await world.app.request(
      `${ORIGIN}/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${TEST_WHATSAPP_VERIFY_TOKEN}&hub.challenge=1158201444`,
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("1158201444");
  });

  test("a wrong token or another mode gets 403", async () => {
    expect(
      (
        await world.app.request(
          `${ORIGIN}/api/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await world.app.request(
          `${ORIGIN}/api/whatsapp/webhook?hub.mode=unsubscribe&hub.verify_token=${TEST_WHATSAPP_VERIFY_TOKEN}&hub.challenge=1`,
        )
      ).status,
    ).toBe(403);
    expect((await world.app.request(`${ORIGIN}/api/whatsapp/webhook`)).status).toBe(403);
  });
});

describe("POST /api/whatsapp/webhook (deliveries in Meta's documented shapes, signed as Meta signs them)", () => {
  test("a bad or missing X-Hub-Signature-256 gets 401 and nothing is stored", async () => {
    const before = await count("webhook_deliveries");
    const forged = await post(textMessage(SARAH, "wamid.FORGED", "hello"), "not-the-app-secret");
    expect(forged.status).toBe(401);
    expect((await forged.json()).error).toContain("does not match");
    const unsigned = await post(
      textMessage(SARAH, "wamid.FORGED", "hello"),
      TEST_WHATSAPP_APP_SECRET,
      (h) => delete h["X-Hub-Signature-256"],
    );
    expect(unsigned.status).toBe(401);
    const sha1 = await post(
      textMessage(SARAH, "wamid.FORGED", "hello"),
      TEST_WHATSAPP_APP_SECRET,
      (h) => (h["X-Hub-Signature-256"] = h["X-Hub-Signature-256"]!.replace("sha256=", "sha1=")),
    );
    expect(sha1.status).toBe(401);
    // A valid signature over a different body (the body was changed in transit).
    const { headers } = signedDelivery(textMessage(SARAH, "wamid.FORGED", "hello"), TEST_WHATSAPP_APP_SECRET);
    const altered = await world.app.request(`${ORIGIN}/api/whatsapp/webhook`, {
      method: "POST",
      headers,
      body: JSON.stringify(textMessage(SARAH, "wamid.FORGED", "hellO")),
    });
    expect(altered.status).toBe(401);
    expect(await count("webhook_deliveries")).toBe(before);
    expect(await repos.messages.byProviderId("whatsapp", "wamid.FORGED")).toBeNull();
  });

  test("a text is acknowledged at once, then stored on the lead found by the sender's number — once, though Meta delivers it three times", async () => {
    const payload = textMessage(
      SARAH,
      "wamid.TEXT1",
      "Hi, the boiler at 12 Baker Street NW1 6XE is leaking",
      new Date("2026-11-27T09:58:00Z"),
    );
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const response = await post(payload);
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1000);
    }
    expect(await repos.messages.byProviderId("whatsapp", "wamid.TEXT1")).toBeNull(); // acknowledged before processing
    await runJobs();
    const message = await repos.messages.byProviderId("whatsapp", "wamid.TEXT1");
    expect(message).toMatchObject({
      direction: "inbound",
      kind: "text",
      status: "done",
      address: "+447700900123",
      senderName: "Sarah Jones",
    });
    expect(message!.occurredAt.toISOString()).toBe("2026-11-27T09:58:00.000Z");
    const lead = await repos.leads.byPhone("+447700900123" as never);
    expect(lead).toMatchObject({ name: "Sarah Jones", source: "whatsapp" });
    expect(message!.leadId).toBe(lead!.id);
    expect(await repos.messages.forLead(lead!.id)).toHaveLength(1);
    // Extraction read the text: a job was opened on the lead and the message filed under it.
    const [issue] = await repos.issues.forLead(lead!.id);
    expect(issue).toMatchObject({ category: "heating" });
    expect(message!.issueId).toBe(issue!.id);
  });

  test("a text with a NUL in it is stored without it, once, and its delivery is processed rather than retried for ever", async () => {
    const response = await post(textMessage(SARAH, "wamid.NUL1", "The tap\u0000 drips\u0007 all night"));
    expect(response.status).toBe(200);
    await runJobs();
    const message = await repos.messages.byProviderId("whatsapp", "wamid.NUL1");
    expect(message?.body).toBe("The tap drips all night");
    const pending = rowsOf<{ n: number }>(
      await repos.db.execute(
        sql.raw("select count(*)::int as n from jobs where done_at is null and failed_at is null"),
      ),
    )[0]!.n;
    expect(pending).toBe(0);
  });

  test("a delivery that does not match Meta's documented shapes is recorded and answered 200, and changes nothing else", async () => {
    const before = await count("messages");
    const bad = textMessage(SARAH, "wamid.BAD1", "hello") as any;
    delete bad.entry[0].changes[0].value.messages[0].text; // a text message without its text
    expect((await post(bad)).status).toBe(200);
    expect((await post({ hello: "world" })).status).toBe(200);
    expect((await post("not json at all")).status).toBe(200);
    await runJobs();
    expect(await count("messages")).toBe(before);
    const unrecognised = await repos.webhookDeliveries.recent(["unrecognised"], 10);
    expect(unrecognised).toHaveLength(3);
    expect(unrecognised.map((d) => d.detail).join("\n")).toContain("entry[0].changes[0].value.messages.0");
    expect(unrecognised.map((d) => d.detail).join("\n")).toContain("not JSON");

    // The integrations page says so, with a link to the deliveries themselves.
    const wiring = testMessaging(
      {
        repos,
        blobStore: world.deps.blobStore,
        liveEvents: world.deps.liveEvents,
        now: world.clock.now,
        publicBaseUrl: () => ORIGIN,
      },
      { adapters: { whatsapp: createWhatsAppCloudApi({ accessToken: "x", phoneNumberId: "1" }) } },
    );
    const [line] = await wiring.annotateIntegrations([
      { name: "WhatsApp", purpose: "", mode: "vendor", detail: "Cloud API", health: { state: "not_checked", why: "" } },
    ]);
    expect(line!.health).toMatchObject({
      state: "failing",
      error: expect.stringContaining("3 delivery(ies) in the last 7 days did not match Meta's documented shapes"),
    });
    expect(line!.link).toEqual({ href: "/inbox/deliveries", label: "Deliveries that did not match" });
    const staff = await aStaffUser(world.deps);
    const browser = testBrowser(world.app);
    await browser.logIn(staff.email, staff.password);
    const { html } = await browser.page("/inbox/deliveries");
    expect(html).toContain("Webhook deliveries not processed");
    expect(html).toContain("The body is not JSON.");
  });

  test("a photo whose download fails twice is 'media pending' with the reason, then stored under tenant-media/ with a thumbnail and filed under the lead's job", async () => {
    meta.media.set("5001", { bytes: aJpeg(), mimeType: "image/jpeg" });
    meta.fail("download", { status: 500 }, { status: 503 });
    expect((await post(imageMessage(SARAH, "wamid.PHOTO1", "5001", "The stain on the ceiling"))).status).toBe(200);
    await runJobs();
    let message = await repos.messages.byProviderId("whatsapp", "wamid.PHOTO1");
    expect(message).toMatchObject({ status: "media_pending", mediaKey: null });
    expect(message!.mediaError).toContain("HTTP 500");

    world.clock.advanceMinutes(1);
    await runJobs(); // a "restarted" runner retries it from the database
    message = await repos.messages.byProviderId("whatsapp", "wamid.PHOTO1");
    expect(message!.status).toBe("media_pending");
    expect(message!.mediaError).toContain("HTTP 503");

    world.clock.advanceMinutes(5);
    await runJobs();
    message = await repos.messages.byProviderId("whatsapp", "wamid.PHOTO1");
    expect(message).toMatchObject({ status: "done", mediaError: null, mediaType: "image/jpeg" });
    expect(message!.mediaKey).toBe(`tenant-media/${message!.leadId}/${message!.id}.jpg`);
    expect(message!.thumbnailKey).toBe(`tenant-media/${message!.leadId}/${message!.id}-thumb.jpg`);
    const stored = await world.deps.blobStore.get(message!.mediaKey!);
    expect(new Uint8Array(await new Response(stored!.body).arrayBuffer())).toEqual(
      new Uint8Array(meta.media.get("5001")!.bytes),
    );
    const [issue] = await repos.issues.forLead(message!.leadId!);
    expect(message!.issueId).toBe(issue!.id);
    // The media id was looked up with the access token, then downloaded with it.
    const lookups = meta.requests.filter((r) => r.path.startsWith("/v24.0/5001"));
    expect(lookups.length).toBeGreaterThanOrEqual(1);
    expect(
      meta.requests
        .filter((r) => r.path.startsWith("/download/5001"))
        .every((r) => r.authorization === `Bearer ${PEER_ACCESS_TOKEN}`),
    ).toBe(true);
  });

  test("a voice note is stored, transcribed by whisper-1, and only then passed to extraction", async () => {
    const bytes = new Uint8Array([0x4f, 0x67, 0x67, 0x53, ...new Array(300).fill(9)]);
    meta.media.set("6001", { bytes, mimeType: "audio/ogg; codecs=opus" });
    const tom = { waId: "447700900456", name: "Tom" };
    openai.reply((request) => {
      expect(request.path).toBe("/v1/audio/transcriptions");
      return transcription(
        "Hi it's Tom Baker, there's sparks coming from the socket in the kitchen at 4 Mill Lane, M1 2AB.",
      );
    });
    expect((await post(voiceNote(tom, "wamid.VOICE1", "6001"))).status).toBe(200);
    await runJobs();
    const message = await repos.messages.byProviderId("whatsapp", "wamid.VOICE1");
    expect(message).toMatchObject({
      kind: "voice",
      status: "done",
      mediaType: "audio/ogg",
      transcriber: "openai:whisper-1",
    });
    expect(message!.transcript).toContain("sparks coming from the socket");
    expect(message!.extracted).toMatchObject({ category: "electrical", postcode: "M1 2AB" });
    const lead = await repos.leads.byId(message!.leadId!);
    expect(lead).toMatchObject({ postcode: "M1 2AB" });
    const [issue] = await repos.issues.forLead(lead!.id);
    expect(issue).toMatchObject({ category: "electrical" });
    expect(openai.requests.at(-1)!.form?.get("model")).toBe("whisper-1");
  });

  test("a video over WhatsApp's 16 MB limit, and a photo of a type WhatsApp does not carry, are refused with a reason staff can read", async () => {
    meta.media.set("7001", { bytes: new Uint8Array(1000), mimeType: "video/mp4", declaredSize: 20 * 1024 * 1024 });
    expect((await post(videoMessage(SARAH, "wamid.BIGVIDEO", "7001"))).status).toBe(200);
    const gif = inboundMessage(SARAH, "wamid.GIF", "image", { mime_type: "image/gif", sha256: "x", id: "7002" });
    expect((await post(gif)).status).toBe(200);
    await runJobs();
    const video = await repos.messages.byProviderId("whatsapp", "wamid.BIGVIDEO");
    expect(video).toMatchObject({ status: "refused", mediaKey: null });
    expect(video!.mediaError).toBe("This video is 20.0 MB, over WhatsApp's 16.0 MB limit; it was not stored.");
    expect(meta.requests.some((r) => r.path.startsWith("/download/7001"))).toBe(false); // refused before downloading
    const image = await repos.messages.byProviderId("whatsapp", "wamid.GIF");
    expect(image).toMatchObject({ status: "refused" });
    expect(image!.mediaError).toContain("image/gif");
  });

  test("a process that stops mid-delivery loses nothing: the delivery is processed from its record after the restart, each message once", async () => {
    const jo = { waId: "447700900789", name: "Jo" };
    const payload = textMessage(jo, "wamid.RESTART1", "First message") as any;
    payload.entry[0].changes[0].value.messages.push({
      from: jo.waId,
      id: "wamid.RESTART2",
      timestamp: payload.entry[0].changes[0].value.messages[0].timestamp,
      type: "text",
      text: { body: "Second message" },
    });
    expect((await post(payload)).status).toBe(200);
    // The first worker dies after storing the first message (its leads lookup fails from then on).
    let calls = 0;
    const broken = { ...world.messagingTasks };
    const failingLeads = new Proxy(repos.leads, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== "findOrCreateByPhone") return value;
        return (...args: unknown[]) =>
          ++calls > 1 ? Promise.reject(new Error("the process stopped")) : (value as Function).apply(target, args);
      },
    });
    const { processWebhookDelivery } = await import("../../src/domain/messaging/deliveries.ts");
    const { parseWhatsAppWebhook } = await import("../../src/adapters/whatsapp/webhook-payload.ts");
    broken[WHATSAPP_DELIVERY_TASK] = processWebhookDelivery(
      {
        messages: repos.messages,
        leads: failingLeads,
        leadAliases: repos.leadAliases,
        auditTrail: repos.audit,
        tasks: repos.tasks,
        liveEvents: world.deps.liveEvents,
        log: pino({ level: "silent" }),
        now: world.clock.now,
        webhookDeliveries: repos.webhookDeliveries,
      },
      parseWhatsAppWebhook,
    );
    const dying = startTaskRunner(
      { tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now },
      broken,
      { autoStart: false },
    );
    await dying.runDue();
    await dying.stop();
    expect(await repos.messages.byProviderId("whatsapp", "wamid.RESTART1")).not.toBeNull();
    expect(await repos.messages.byProviderId("whatsapp", "wamid.RESTART2")).toBeNull();

    world.clock.advanceMinutes(1);
    await runJobs();
    const lead = await repos.leads.byPhone("+447700900789" as never);
    const thread = await repos.messages.forLead(lead!.id);
    expect(thread.map((m) => m.providerId)).toEqual(["wamid.RESTART1", "wamid.RESTART2"]);
    expect(thread.every((m) => m.status === "done")).toBe(true);
  });
});

describe("senders without a phone number (WhatsApp usernames: business-scoped user ids)", () => {
  test("a message carrying only a BSUID makes a lead with that alias; when the number appears later, the two leads become one", async () => {
    // The number already has a lead, from a phone call.
    const caller = await repos.leads.create({
      name: null,
      organisation: null,
      phone: "+447700900321" as never,
      email: null,
      address: "5 Elm Road",
      postcode: "E1 6AN",
      segment: "unknown",
      source: "phone",
      notes: null,
    });
    const anonymous = { userId: "GB.13491208655302741918", name: "Priya", username: "@priya.k" };
    expect((await post(textMessage(anonymous, "wamid.BSUID1", "Hello, it's about the leak"))).status).toBe(200);
    await runJobs();
    const first = await repos.messages.byProviderId("whatsapp", "wamid.BSUID1");
    expect(first).toMatchObject({ address: "GB.13491208655302741918", username: "@priya.k" });
    const aliasLead = await repos.leads.byId(first!.leadId!);
    expect(aliasLead).toMatchObject({ phone: null, name: "Priya" });
    expect(await repos.leadAliases.leadFor("whatsapp_user_id", anonymous.userId)).toBe(aliasLead!.id);

    // A later message carries both the user id and the number.
    expect(
      (await post(textMessage({ ...anonymous, waId: "447700900321" }, "wamid.BSUID2", "My number is this one"))).status,
    ).toBe(200);
    await runJobs();
    expect(await repos.leads.byId(aliasLead!.id)).toBeNull(); // merged away
    const merged = await repos.leads.byId(caller.id);
    expect(merged).toMatchObject({ phone: "+447700900321", name: "Priya", address: "5 Elm Road" });
    expect((await repos.messages.forLead(caller.id)).map((m) => m.providerId)).toEqual([
      "wamid.BSUID1",
      "wamid.BSUID2",
    ]);
    expect(await repos.leadAliases.leadFor("whatsapp_user_id", anonymous.userId)).toBe(caller.id);
    const [mergeEntry] = await repos.audit.forEntity("lead", caller.id);
    expect(mergeEntry).toMatchObject({ who: "whatsapp", details: { mergedLeadId: aliasLead!.id } });
    expect(mergeEntry!.what).toStartWith("merged another lead into this one");
  });

  test("a BSUID whose number has no lead yet: the alias's lead simply gains the number", async () => {
    const someone = { userId: "GB.99999999999999999999", name: "Alex" };
    await post(textMessage(someone, "wamid.BSUID3", "Hi"));
    await runJobs();
    const leadId = (await repos.messages.byProviderId("whatsapp", "wamid.BSUID3"))!.leadId!;
    await post(textMessage({ ...someone, waId: "447700900654" }, "wamid.BSUID4", "Hi again"));
    await runJobs();
    expect(await repos.leads.byId(leadId)).toMatchObject({ phone: "+447700900654", name: "Alex" });
    expect(await repos.messages.forLead(leadId)).toHaveLength(2);
  });
});

beforeEach(() => {
  openai.requests.length = 0;
});
