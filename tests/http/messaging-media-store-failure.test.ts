import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jpeg from "jpeg-js";
import pino from "pino";
import { createFolderBlobStore, type FolderBlobStore } from "../../src/adapters/local/folder-blob-store.ts";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import { createWhatsAppCloudApi } from "../../src/adapters/whatsapp/graph-api.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { DEFAULT_RETRY } from "../../src/domain/tasks/retry-policy.ts";
import { MEDIA_TASK } from "../../src/domain/messaging/inbound.ts";
import type { Message } from "../../src/domain/messaging/message.ts";
import { freshPglite } from "../support/test-db.ts";
import { ORIGIN, aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { TEST_WHATSAPP_APP_SECRET } from "../support/messaging-world.ts";
import {
  PEER_ACCESS_TOKEN,
  PEER_PHONE_NUMBER_ID,
  imageMessage,
  signedDelivery,
  startMetaPeer,
  type MetaPeer,
} from "../support/meta-peer.ts";

let repos: OpenDatabase;
let meta: MetaPeer;
let world: ReturnType<typeof buildTestApp>;
let taskHandlers: ReturnType<typeof buildTestApp>["messagingTasks"];
let staff: Awaited<ReturnType<typeof aStaffUser>>;
const blobDir = mkdtempSync(join(tmpdir(), "sb-blobs-failing-"));

/** Puts whose key this returns true for fail as a full or unreachable store would; everything else is the real folder store. */
let refusePut: (key: string) => boolean = () => false;
const refusedPuts: string[] = [];
const folder = createFolderBlobStore({
  dir: blobDir,
  signingSecret: "store-failure-test-signing-secret-0123456789",
  publicBaseUrl: ORIGIN,
});
const failingStore: FolderBlobStore = {
  ...folder,
  async put(key, body, contentType) {
    if (refusePut(key)) {
      refusedPuts.push(key);
      throw new Error(`local folder blob put ${key} failed: ENOSPC: no space left on device`);
    }
    return folder.put(key, body, contentType);
  },
};

const SARAH = { waId: "447700900123", name: "Sarah Jones" };

beforeAll(async () => {
  [repos, meta] = await Promise.all([freshPglite(), startMetaPeer()]);
  // The app composed as the server composes it, but on the failing store: messaging stores media in it and the app serves from it.
  world = buildTestApp(
    repos,
    { blobStore: failingStore, verifyFileLink: failingStore.verifyLink },
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
  taskHandlers = world.messagingTasks;
  staff = await aStaffUser(world.deps);
}, 30_000);
afterAll(async () => {
  await meta?.close();
  await repos?.close();
  rmSync(blobDir, { recursive: true, force: true });
});

const deliver = async (payload: unknown) => {
  const { body, headers } = signedDelivery(payload, TEST_WHATSAPP_APP_SECRET);
  expect((await world.app.request(`${ORIGIN}/api/whatsapp/webhook`, { method: "POST", headers, body })).status).toBe(
    200,
  );
};
const loggedIn = async () => {
  const browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
  return browser;
};
/** A job runner as the server runs one (the default retry policy), started and stopped by the test. */
const runJobs = async () => {
  const runner = startTaskRunner(
    { tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now },
    taskHandlers,
    { autoStart: false },
  );
  await runner.runDue();
  await runner.stop();
};
const jobOf = (message: Message) => repos.tasks.byKey(MEDIA_TASK, message.id);

function aJpeg(width = 40, height = 30): Uint8Array {
  const data = new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 11) % 256));
  return new Uint8Array(jpeg.encode({ data, width, height }, 80).data);
}

describe("media downloaded but not stored (the blob store's put fails)", () => {
  test("is retried with backoff like a failed download, then given up with a Retry button; the retry stores it once the store works", async () => {
    const bytes = aJpeg();
    meta.media.set("8001", { bytes, mimeType: "image/jpeg" });
    refusePut = (key) => key.startsWith("tenant-media/");
    await deliver(imageMessage(SARAH, "wamid.STOREFAIL1", "8001", "Mould by the window"));
    await runJobs(); // the delivery, then the first download: fetched, but the store refuses it
    let message = (await repos.messages.byProviderId("whatsapp", "wamid.STOREFAIL1"))!;
    expect(refusedPuts).toEqual([`tenant-media/${message.leadId}/${message.id}.jpg`]);
    expect(message).toMatchObject({ status: "media_pending", mediaKey: null, mediaGaveUpAt: null });
    expect(message.mediaError).toBe(
      `Could not store the media: local folder blob put tenant-media/${message.leadId}/${message.id}.jpg failed: ENOSPC: no space left on device (attempt 1; retrying)`,
    );
    const first = (await jobOf(message))!;
    expect(first).toMatchObject({ attempts: 1, failedAt: null, doneAt: null });
    expect(first.lastError).toContain("ENOSPC");
    expect(first.nextAttemptAt.getTime()).toBeGreaterThan(world.clock.now().getTime()); // backoff, not at once
    let browser = await loggedIn();
    let page = (await browser.page(`/inbox/${message.leadId}`)).html;
    expect(page).toContain("Media pending: Could not store the media");
    expect(page).not.toContain("Download failed");

    // Every later attempt downloads it again and the store refuses it again, until the runner gives up.
    for (let i = 1; i < DEFAULT_RETRY.maxAttempts; i++) {
      world.clock.advanceMinutes(75);
      await runJobs();
    }
    expect(refusedPuts).toHaveLength(DEFAULT_RETRY.maxAttempts);
    const gaveUp = (await jobOf(message))!;
    expect(gaveUp.attempts).toBe(DEFAULT_RETRY.maxAttempts);
    expect(gaveUp.failedAt).not.toBeNull();
    message = (await repos.messages.byId(message.id))!;
    expect(message).toMatchObject({ status: "media_pending", mediaKey: null });
    expect(message.mediaGaveUpAt).toEqual(world.clock.now());
    expect(message.mediaError).toStartWith("Could not store the media: ");
    expect(message.mediaError).toEndWith(`(gave up after ${DEFAULT_RETRY.maxAttempts} attempts)`);
    expect(await folder.exists(`tenant-media/${message.leadId}/${message.id}.jpg`)).toBe(false);

    // Staff are offered the retry, as for a download that gave up.
    browser = await loggedIn(); // the session idled out while the clock moved on
    page = (await browser.page(`/inbox/${message.leadId}`)).html;
    expect(page).toContain("Download failed: Could not store the media");
    expect(page).toContain(`hx-post="/messages/${message.id}/media/retry"`);

    refusePut = () => false; // the store has room again
    const retried = await browser.post(
      `/messages/${message.id}/media/retry`,
      {},
      { "HX-Request": "true", "X-CSRF-Token": browser.csrf },
    );
    expect(retried.status).toBe(200);
    expect((await jobOf(message))!).toMatchObject({ attempts: 0, failedAt: null });
    await runJobs();
    message = (await repos.messages.byId(message.id))!;
    expect(message).toMatchObject({
      status: "done",
      mediaError: null,
      mediaGaveUpAt: null,
      mediaKey: `tenant-media/${message.leadId}/${message.id}.jpg`,
    });
    expect(message.thumbnailKey).toBe(`tenant-media/${message.leadId}/${message.id}-thumb.jpg`);
    const media = await browser.request(`/messages/${message.id}/media`);
    expect(media.status).toBe(200);
    expect(new Uint8Array(await media.arrayBuffer())).toEqual(new Uint8Array(bytes));
    expect((await jobOf(message))!.doneAt).not.toBeNull();
  }, 60_000);

  test("a thumbnail the store refuses fails the attempt too: retried, and stored with its thumbnail on the next attempt", async () => {
    meta.media.set("8002", { bytes: aJpeg(64, 48), mimeType: "image/jpeg" });
    refusedPuts.length = 0;
    refusePut = (key) => key.endsWith("-thumb.jpg");
    await deliver(imageMessage(SARAH, "wamid.STOREFAIL2", "8002"));
    await runJobs();
    let message = (await repos.messages.byProviderId("whatsapp", "wamid.STOREFAIL2"))!;
    expect(refusedPuts).toEqual([`tenant-media/${message.leadId}/${message.id}-thumb.jpg`]);
    expect(message).toMatchObject({ status: "media_pending", mediaKey: null, thumbnailKey: null, mediaGaveUpAt: null });
    expect(message.mediaError).toStartWith("Could not store the media: ");
    expect(message.mediaError).toEndWith("(attempt 1; retrying)");
    expect((await jobOf(message))!).toMatchObject({ attempts: 1, failedAt: null });

    refusePut = () => false;
    world.clock.advanceMinutes(5);
    await runJobs();
    message = (await repos.messages.byId(message.id))!;
    expect(message).toMatchObject({
      status: "done",
      mediaError: null,
      mediaGaveUpAt: null,
      thumbnailKey: `tenant-media/${message.leadId}/${message.id}-thumb.jpg`,
    });
    expect(await folder.exists(message.thumbnailKey!)).toBe(true);
    expect((await jobOf(message))!).toMatchObject({ attempts: 2, failedAt: null });
    expect((await jobOf(message))!.doneAt).not.toBeNull();
  }, 30_000);
});
