import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import { createWhatsAppCloudApi } from "../../src/adapters/whatsapp/graph-api.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import type { Issue } from "../../src/domain/issues.ts";
import type { Lead } from "../../src/domain/leads.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { quoteTotals, type QuoteLine } from "../../src/domain/quotes.ts";
import { freshPglite } from "../support/test-db.ts";
import { aLead } from "../support/jobs.ts";
import { aStaffUser, buildTestApp, ORIGIN, testBrowser } from "../support/test-app.ts";
import { TEST_WHATSAPP_APP_SECRET } from "../support/messaging-world.ts";
import {
  PEER_ACCESS_TOKEN,
  PEER_PHONE_NUMBER_ID,
  signedDelivery,
  startMetaPeer,
  textMessage,
  videoMessage,
  type MetaPeer,
} from "../support/meta-peer.ts";

let repos: OpenDatabase;
let meta: MetaPeer;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;
let lead: Lead;
let older: Issue;
let newer: Issue;

const LINES: QuoteLine[] = [
  { kind: "labour", description: "Replace the sink trap", quantity: 1, unitPricePence: 9_500, vatRatePercent: 20 },
];
const MP4 = new Uint8Array([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x70, 0x34, 0x32, ...new Array(64).fill(1)]);

const runJobs = async () => {
  const r = startTaskRunner(
    { tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now },
    world.messagingTasks,
    { autoStart: false },
  );
  await r.runDue();
  await r.stop();
};
const deliver = async (payload: unknown) => {
  const { body, headers } = signedDelivery(payload, TEST_WHATSAPP_APP_SECRET);
  expect((await world.app.request(`${ORIGIN}/api/whatsapp/webhook`, { method: "POST", headers, body })).status).toBe(
    200,
  );
};
const anIssue = (title: string) =>
  repos.issues.create({
    leadId: lead.id,
    title,
    description: null,
    category: "plumbing",
    urgency: "routine",
    address: "3 Park Row",
    postcode: "LS1 5HN",
    accessNotes: null,
  });

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
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
  lead = await repos.leads.create(aLead({ name: "Priya Shah", phone: "+447700900777" as E164 }));
  older = await anIssue("Sink draining slowly");
  world.clock.advanceMinutes(1);
  newer = await anIssue("Loose banister");
}, 30_000);
afterAll(async () => {
  await meta?.close();
  await repos?.close();
});

describe("video requests and video quotes (WhatsApp, loopback peer in Meta's documented format)", () => {
  test("the issue page loads its messaging panel: video request, photos and videos, quote by WhatsApp", async () => {
    expect((await browser.page(`/issues/${older.id}`)).html).toContain(`hx-get="/issues/${older.id}/messaging"`);
    const { html } = await browser.page(`/issues/${older.id}/messaging`);
    expect(html).toContain("Ask for a video on WhatsApp");
    expect(html).toContain("No quote to send yet.");
  });

  test("a video request goes as the configured template (the customer has not written in 24 hours) and is linked to the job", async () => {
    const response = await browser.post(
      `/issues/${older.id}/video-request`,
      { _csrf: browser.csrf },
      { "HX-Request": "true" },
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Video request queued.");
    await runJobs();
    const [request] = (await repos.messages.forIssue(older.id)).filter((m) => m.purpose === "video_request");
    expect(request).toMatchObject({ kind: "template", status: "accepted", channel: "whatsapp", issueId: older.id });
    expect(meta.requests.at(-1)!.json).toMatchObject({
      to: "+447700900777",
      type: "template",
      template: {
        name: "video_request",
        language: { code: "en_GB" },
        components: [{ type: "body", parameters: [{ text: "Priya" }, { text: "Sink draining slowly" }] }],
      },
    });
  });

  test("the video that comes back is filed under the requested job, not the newest open one", async () => {
    meta.media.set("8001", { bytes: MP4, mimeType: "video/mp4" });
    world.clock.advanceMinutes(10);
    await deliver(
      videoMessage({ waId: "447700900777", name: "Priya" }, "wamid.VIDEO1", "8001", "Here it is", world.clock.now()),
    );
    await runJobs();
    const video = await repos.messages.byProviderId("whatsapp", "wamid.VIDEO1");
    expect(video).toMatchObject({ status: "done", kind: "video", issueId: older.id, mediaType: "video/mp4" });
    expect(video!.mediaKey).toStartWith(`tenant-media/${lead.id}/`);
    const { html } = await browser.page(`/issues/${older.id}/messaging`);
    expect(html).toContain(`<video controls="" preload="metadata" src="/messages/${video!.id}/media"`);
    const media = await browser.request(`/messages/${video!.id}/media`);
    expect(media.headers.get("Content-Type")).toBe("video/mp4");
    expect(new Uint8Array(await media.arrayBuffer())).toEqual(MP4);
    expect((await world.app.request(`${ORIGIN}/messages/${video!.id}/media`, { redirect: "manual" })).status).toBe(303); // staff only
    expect(await repos.messages.forIssue(newer.id)).toHaveLength(0);
  });

  test("a draft quote is not offered; once sent from its page, its link goes by WhatsApp with a staff video (inside the window: a video message with the link in the caption)", async () => {
    const quote = await repos.quotes.createDraft({
      issueId: older.id,
      lines: LINES,
      totals: quoteTotals(LINES),
      discountPence: 0,
      deposit: null,
      validUntil: null,
      terms: null,
    });
    expect((await browser.page(`/issues/${older.id}/messaging`)).html).toContain(
      "Send the quote from its own page first",
    );
    expect(await repos.quotes.markSent(quote.id, world.clock.now())).toBe(true);
    const { html } = await browser.page(`/issues/${older.id}/messaging`);
    expect(html).toContain("Send the quote on WhatsApp");

    const form = new FormData();
    form.set("_csrf", browser.csrf);
    form.set("quoteId", quote.id);
    form.set("note", "Here is a quick video walking through the quote.");
    form.set("video", new File([MP4], "explainer.mp4", { type: "video/mp4" }));
    const response = await browser.request(`/issues/${older.id}/quote-message`, {
      method: "POST",
      body: form,
      headers: { Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", "HX-Request": "true" },
    });
    expect(response.status).toBe(200);
    await runJobs();
    const [sent] = (await repos.messages.forIssue(older.id)).filter((m) => m.purpose === "quote");
    expect(sent).toMatchObject({ kind: "video", status: "accepted" });
    expect(sent!.body).toContain(`${ORIGIN}/q/${quote.token}`);
    expect(sent!.mediaKey).toStartWith(`documents/quote-videos/${older.id}/`);
    const [upload, send] = meta.requests.slice(-2);
    expect(upload!.path).toBe(`/v24.0/${PEER_PHONE_NUMBER_ID}/media`);
    expect(send!.json).toMatchObject({
      type: "video",
      video: { caption: expect.stringContaining(`/q/${quote.token}`) },
    });
  });

  test("outside the window the quote goes as the video quote template, the video as its header", async () => {
    world.clock.advanceMinutes(25 * 60);
    const fresh = testBrowser(world.app);
    const staff = await aStaffUser(world.deps, "ann@handy.example");
    await fresh.logIn(staff.email, staff.password);
    const [quote] = await repos.quotes.forIssue(older.id);
    const form = new FormData();
    form.set("_csrf", fresh.csrf);
    form.set("quoteId", quote!.id);
    form.set("video", new File([MP4], "explainer.mp4", { type: "video/mp4" }));
    await fresh.request(`/issues/${older.id}/quote-message`, {
      method: "POST",
      body: form,
      headers: { Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", "HX-Request": "true" },
    });
    await runJobs();
    const sent = (await repos.messages.forIssue(older.id)).filter((m) => m.purpose === "quote").at(-1)!;
    expect(sent).toMatchObject({ kind: "template", status: "accepted" });
    const send = meta.requests.at(-1)!.json;
    expect(send.template.name).toBe("quote_ready_video");
    expect(send.template.components[0]).toMatchObject({ type: "header", parameters: [{ type: "video" }] });
    expect(send.template.components[1].parameters.map((p: { text: string }) => p.text)).toEqual([
      "Priya Shah",
      "Sink draining slowly",
      `${ORIGIN}/q/${quote!.token}`,
    ]);

    const gif = new FormData();
    gif.set("_csrf", fresh.csrf);
    gif.set("quoteId", quote!.id);
    gif.set("video", new File([new Uint8Array(10)], "x.gif", { type: "image/gif" }));
    const refused = await fresh.request(`/issues/${older.id}/quote-message`, {
      method: "POST",
      body: gif,
      headers: { Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", "HX-Request": "true" },
    });
    expect(refused.status).toBe(422);

    // A note past the edge's bound is refused with the reason, not cut and sent.
    const before = (await repos.messages.forIssue(older.id)).length;
    const long = new FormData();
    long.set("_csrf", fresh.csrf);
    long.set("quoteId", quote!.id);
    long.set("note", "x".repeat(20_001));
    const tooLong = await fresh.request(`/issues/${older.id}/quote-message`, {
      method: "POST",
      body: long,
      headers: { Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", "HX-Request": "true" },
    });
    expect(tooLong.status).toBe(422);
    expect(await tooLong.text()).toContain("note: Keep it to 20000 characters or fewer.");
    expect((await repos.messages.forIssue(older.id)).length).toBe(before);

    // The upload's body may be far larger than any other form's 1 MB, up to the video's 16 MB.
    const upload = async (bytes: number) => {
      const big = new FormData();
      big.set("_csrf", fresh.csrf);
      big.set("quoteId", quote!.id);
      big.set("video", new File([new Uint8Array(bytes)], "x.gif", { type: "image/gif" }));
      return fresh.request(`/issues/${older.id}/quote-message`, {
        method: "POST",
        body: big,
        headers: { Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", "HX-Request": "true" },
      });
    };
    expect((await upload(3 * 1024 * 1024)).status).toBe(422); // read, then refused for its type
    expect((await upload(17 * 1024 * 1024)).status).toBe(413);
    expect((await repos.messages.forIssue(older.id)).length).toBe(before);
  });
});

test("a text with the job in it, from a customer with no open job, opens one", async () => {
  await deliver(
    textMessage(
      { waId: "447700900888", name: "Dev" },
      "wamid.NEWJOB",
      "Hi, there is a burst pipe under the kitchen sink at 9 Kings Road, SW3 4TR. Water everywhere",
      world.clock.now(),
    ),
  );
  await runJobs();
  const message = await repos.messages.byProviderId("whatsapp", "wamid.NEWJOB");
  const [issue] = await repos.issues.forLead(message!.leadId!);
  expect(issue).toMatchObject({ category: "plumbing", urgency: "emergency", postcode: "SW3 4TR" });
  expect(message!.issueId).toBe(issue!.id);
});
