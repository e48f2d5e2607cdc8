import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import jpeg from "jpeg-js";
import pino from "pino";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import { createWhatsAppCloudApi } from "../../src/adapters/whatsapp/graph-api.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { DEFAULT_RETRY } from "../../src/domain/tasks/retry-policy.ts";
import { MEDIA_TASK } from "../../src/domain/messaging/inbound.ts";
import type { Message } from "../../src/domain/messaging/message.ts";
import { conversationChannel } from "../../src/domain/messaging/live.ts";
import type { LiveEvent } from "../../src/ports/live-events.ts";
import { freshPglite } from "../support/test-db.ts";
import { ORIGIN, aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { TEST_WHATSAPP_APP_SECRET } from "../support/messaging-world.ts";
import {
  PEER_ACCESS_TOKEN,
  PEER_PHONE_NUMBER_ID,
  imageMessage,
  signedDelivery,
  startMetaPeer,
  textMessage,
  type MetaPeer,
} from "../support/meta-peer.ts";

let repos: OpenDatabase;
let meta: MetaPeer;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;
let staff: Awaited<ReturnType<typeof aStaffUser>>;

const SARAH = { waId: "447700900123", name: "Sarah Jones" };

beforeAll(async () => {
  [repos, meta] = await Promise.all([freshPglite(), startMetaPeer()]);
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
      },
    },
  );
  staff = await aStaffUser(world.deps);
}, 30_000);
afterAll(async () => {
  await meta?.close();
  await repos?.close();
});

const deliver = async (payload: unknown) => {
  const { body, headers } = signedDelivery(payload, TEST_WHATSAPP_APP_SECRET);
  expect((await world.app.request(`${ORIGIN}/api/whatsapp/webhook`, { method: "POST", headers, body })).status).toBe(
    200,
  );
};
/** A fresh browser, logged in now (the test's clock moves past the session's idle limit). */
const logIn = async () => {
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
};
/** A job runner as the server runs one, started and stopped by the test. */
const runJobs = async () => {
  const runner = startTaskRunner(
    { tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now },
    world.messagingTasks,
    { autoStart: false },
  );
  await runner.runDue();
  await runner.stop();
};
/** The retry button as htmx sends it: the session's CSRF token in X-CSRF-Token (layout.tsx's hx-headers). */
const pressRetry = (
  id: string,
  headers: Record<string, string> = { "HX-Request": "true", "X-CSRF-Token": browser.csrf },
) => browser.post(`/messages/${id}/media/retry`, {}, headers);
const jobOf = (message: Message) => repos.tasks.byKey(MEDIA_TASK, message.id);

function aJpeg(width = 40, height = 30): Uint8Array {
  const data = new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 13) % 256));
  return new Uint8Array(jpeg.encode({ data, width, height }, 80).data);
}

describe("POST /messages/:id/media/retry (a WhatsApp media download that gave up, asked for again)", () => {
  test("a photo whose download fails until the job gives up offers a retry; the retry queues the job afresh, and the photo shows once the peer serves it", async () => {
    const bytes = aJpeg();
    meta.media.set("7001", { bytes, mimeType: "image/jpeg" });
    meta.fail("download", ...Array.from({ length: DEFAULT_RETRY.maxAttempts }, () => ({ status: 503 })));
    await logIn();
    await deliver(imageMessage(SARAH, "wamid.RETRY1", "7001", "The damp patch"));
    await runJobs(); // the delivery, then the first download attempt
    let message = (await repos.messages.byProviderId("whatsapp", "wamid.RETRY1"))!;
    expect(message).toMatchObject({ status: "media_pending", mediaKey: null, mediaGaveUpAt: null });

    // Still being retried: not in the given-up state, so the retry is refused and nothing changes.
    const early = await pressRetry(message.id);
    expect(early.status).toBe(409);
    expect(await early.text()).toContain("still being retried");
    expect((await jobOf(message))!.attempts).toBe(1);

    // Every later attempt fails too (backoff at most an hour and a fifth) until the runner gives up.
    for (let i = 1; i < DEFAULT_RETRY.maxAttempts; i++) {
      world.clock.advanceMinutes(75);
      await runJobs();
    }
    const gaveUp = (await jobOf(message))!;
    expect(gaveUp.failedAt).not.toBeNull();
    expect(gaveUp.attempts).toBe(DEFAULT_RETRY.maxAttempts);
    message = (await repos.messages.byId(message.id))!;
    expect(message.status).toBe("media_pending");
    expect(message.mediaGaveUpAt).not.toBeNull();
    expect(message.mediaError).toContain(`gave up after ${DEFAULT_RETRY.maxAttempts} attempts`);
    await logIn(); // the session idled out while the clock moved on

    // Staff see it, with the button, in the conversation and on the lead page.
    const conversation = (await browser.page(`/inbox/${message.leadId}`)).html;
    expect(conversation).toContain("Download failed");
    expect(conversation).toContain(`hx-post="/messages/${message.id}/media/retry"`);
    const leadCard = await (
      await browser.request(`/leads/${message.leadId}/conversation`, { headers: { "HX-Request": "true" } })
    ).text();
    expect(leadCard).toContain(`action="/messages/${message.id}/media/retry"`);
    expect(leadCard).toContain(`name="_csrf" value="${browser.csrf}"`);

    // Without the session's CSRF token the post is refused and the job stays given up.
    expect((await pressRetry(message.id, { "HX-Request": "true" })).status).toBe(403);
    expect((await jobOf(message))!.failedAt).not.toBeNull();

    const events: LiveEvent[] = [];
    const channel = conversationChannel(message.leadId!);
    const watching = world.deps.liveEvents.subscribe(channel, world.deps.liveEvents.lastId(channel), (event) =>
      events.push(event),
    );
    const retried = await pressRetry(message.id);
    watching.unsubscribe();
    expect(retried.status).toBe(200);
    const fragment = await retried.text();
    expect(fragment).toContain(`id="msg-${message.id}"`);
    expect(fragment).toContain("Media pending: downloading…");
    expect(fragment).not.toContain("Download failed");
    expect(fragment).toContain(`hx-get="/messages/${message.id}?poll=1"`); // refreshes itself until stored
    expect(events.map((e) => e.data)).toContainEqual({
      messageId: message.id,
      leadId: message.leadId,
      change: "updated",
    });
    const requeued = (await jobOf(message))!;
    expect(requeued).toMatchObject({ failedAt: null, doneAt: null, attempts: 0 });
    expect(requeued.nextAttemptAt.getTime()).toBeLessThanOrEqual(world.clock.now().getTime());
    expect((await repos.messages.byId(message.id))!).toMatchObject({
      status: "media_pending",
      mediaGaveUpAt: null,
      mediaError: null,
    });

    // Pressed again before the job runs: already queued, refused, nothing changes.
    const twice = await pressRetry(message.id);
    expect(twice.status).toBe(409);
    expect((await jobOf(message))!.attempts).toBe(0);

    await runJobs(); // the peer has no failures left: it serves the photo
    message = (await repos.messages.byId(message.id))!;
    expect(message).toMatchObject({ status: "done", mediaError: null, mediaGaveUpAt: null, mediaType: "image/jpeg" });
    expect((await jobOf(message))!.doneAt).not.toBeNull();
    const polled = await (
      await browser.request(`/messages/${message.id}?poll=1`, { headers: { "HX-Request": "true" } })
    ).text();
    expect(polled).toContain(`src="/messages/${message.id}/thumbnail"`);
    expect(polled).not.toContain("hx-get"); // stored: it stops refreshing itself
    const media = await browser.request(`/messages/${message.id}/media`);
    expect(media.status).toBe(200);
    expect(new Uint8Array(await media.arrayBuffer())).toEqual(new Uint8Array(bytes));
    // Opening the media is audited; the thumbnail shown with every inbox view is not.
    expect((await repos.audit.forEntity("media", message.id)).map((e) => e.what)).toEqual(["opened the media"]);
    const after = (await browser.page(`/inbox/${message.leadId}`)).html;
    expect(after).toContain(`href="/messages/${message.id}/media"`);
    expect(after).not.toContain("Download failed");
  }, 60_000);

  test("an unknown message, or one without given-up media, gets a 4xx with the reason and changes nothing", async () => {
    await logIn();
    const unknown = await pressRetry("6f1c1f8e-0000-4000-8000-000000000000");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("no message with that id");
    expect((await pressRetry("not-a-uuid")).status).toBe(404);

    await deliver(textMessage(SARAH, "wamid.RETRYTEXT", "Just a text"));
    await runJobs();
    const text = (await repos.messages.byProviderId("whatsapp", "wamid.RETRYTEXT"))!;
    const refused = await pressRetry(text.id);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain("no media to download");
    expect(await repos.messages.byId(text.id)).toEqual(text);

    const stored = (await repos.messages.byProviderId("whatsapp", "wamid.RETRY1"))!;
    const already = await pressRetry(stored.id);
    expect(already.status).toBe(409);
    expect(await already.text()).toContain("already stored");
    expect((await jobOf(stored))!.doneAt).not.toBeNull();
  });
});
