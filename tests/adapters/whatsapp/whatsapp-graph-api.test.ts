import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { createWhatsAppCloudApi } from "../../../src/adapters/whatsapp/graph-api.ts";
import { metaSignature, metaSignatureValid } from "../../../src/adapters/whatsapp/signature.ts";
import { parseWhatsAppWebhook } from "../../../src/adapters/whatsapp/webhook-payload.ts";
import { SendError } from "../../../src/ports/messengers.ts";
import { MediaTooLargeError } from "../../../src/ports/whatsapp.ts";
import {
  PEER_ACCESS_TOKEN,
  PEER_PHONE_NUMBER_ID,
  imageMessage,
  startMetaPeer,
  statusUpdate,
  textMessage,
  voiceNote,
  type MetaPeer,
} from "../../support/meta-peer.ts";

let peer: MetaPeer;
beforeAll(async () => {
  peer = await startMetaPeer();
});
afterAll(() => peer.close());
beforeEach(() => {
  peer.requests.length = 0;
});

const api = (token = PEER_ACCESS_TOKEN, timeoutMs?: number) =>
  createWhatsAppCloudApi({
    accessToken: token,
    phoneNumberId: PEER_PHONE_NUMBER_ID,
    baseUrl: peer.baseUrl,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
const template = { name: "video_request", language: "en_GB", bodyParams: ["Sarah", "Leaking boiler"], preview: "…" };

describe("the Graph API adapter against a loopback peer speaking the Cloud API's documented formats", () => {
  test("sends text as POST /{phone-number-id}/messages with the bearer token, and returns the wamid", async () => {
    const { providerId } = await api().send({
      kind: "text",
      to: { phone: "+447700900123" },
      text: "We can come on Tuesday: https://example.test/q/abc",
    });
    expect(providerId).toStartWith("wamid.PEER");
    const [request] = peer.requests;
    expect(request!.path).toBe(`/v24.0/${PEER_PHONE_NUMBER_ID}/messages`);
    expect(request!.authorization).toBe(`Bearer ${PEER_ACCESS_TOKEN}`);
    expect(request!.json).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "+447700900123",
      type: "text",
      text: { preview_url: true, body: "We can come on Tuesday: https://example.test/q/abc" },
    });
  });

  test("sends a template with its language and body parameters; a user id goes as the recipient", async () => {
    await api().send({ kind: "template", to: { userId: "GB.13491208655302741918" }, template });
    expect(peer.requests[0]!.json).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      recipient: "GB.13491208655302741918",
      type: "template",
      template: {
        name: "video_request",
        language: { code: "en_GB" },
        components: [
          {
            type: "body",
            parameters: [
              { type: "text", text: "Sarah" },
              { type: "text", text: "Leaking boiler" },
            ],
          },
        ],
      },
    });
  });

  test("a video is uploaded first (POST /{phone-number-id}/media, multipart) and sent by its media id, with a caption; a template's video header likewise", async () => {
    const video = new Uint8Array([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 1, 2, 3]);
    await api().send({
      kind: "media",
      to: { phone: "+447700900123" },
      media: { kind: "video", bytes: video, contentType: "video/mp4" },
      caption: "Here is how we would fix it",
    });
    const [upload, send] = peer.requests;
    expect(upload!.path).toBe(`/v24.0/${PEER_PHONE_NUMBER_ID}/media`);
    expect(upload!.form!.get("messaging_product")).toBe("whatsapp");
    expect(upload!.form!.get("type")).toBe("video/mp4");
    expect(new Uint8Array(await (upload!.form!.get("file") as Blob).arrayBuffer())).toEqual(video);
    const mediaId = send!.json.video.id;
    expect(peer.media.get(mediaId)?.mimeType).toBe("video/mp4");
    expect(send!.json).toMatchObject({ type: "video", video: { id: mediaId, caption: "Here is how we would fix it" } });

    peer.requests.length = 0;
    await api().send({
      kind: "template",
      to: { phone: "+447700900123" },
      template: { ...template, name: "quote_ready_video" },
      headerMedia: { kind: "video", bytes: video, contentType: "video/mp4" },
    });
    expect(peer.requests[1]!.json.template.components[0]).toEqual({
      type: "header",
      parameters: [{ type: "video", video: { id: expect.any(String) } }],
    });
  });

  test("looks a media id up (GET /{media-id}) and downloads it from the URL given, with the token", async () => {
    peer.media.set("1234567890", { bytes: new Uint8Array([1, 2, 3, 4]), mimeType: "audio/ogg" });
    const info = await api().info("1234567890");
    expect(info).toMatchObject({ mimeType: "audio/ogg", size: 4 });
    expect(info.url).toStartWith(`${peer.baseUrl}/download/1234567890`);
    expect(peer.requests[0]!.path).toBe(`/v24.0/1234567890?phone_number_id=${PEER_PHONE_NUMBER_ID}`);
    const media = await api().download(info.url, 1000);
    expect(media).toEqual({ bytes: new Uint8Array([1, 2, 3, 4]), contentType: "audio/ogg" });
    expect(peer.requests[1]!.authorization).toBe(`Bearer ${PEER_ACCESS_TOKEN}`);
  });

  test("a download larger than the limit is refused without keeping it", async () => {
    peer.media.set("big", { bytes: new Uint8Array(5000), mimeType: "video/mp4" });
    const info = await api().info("big");
    await expect(api().download(info.url, 4999)).rejects.toBeInstanceOf(MediaTooLargeError);
  });

  test("Meta's errors become SendErrors: throttling and 5xx are retryable, the 24-hour rule and bad tokens are not", async () => {
    peer.fail("send", { status: 429, code: 130429, message: "(#130429) Rate limit hit" });
    const throttled = await api()
      .send({ kind: "text", to: { phone: "+447700900123" }, text: "hi" })
      .catch((e) => e);
    expect(throttled).toBeInstanceOf(SendError);
    expect(throttled.options).toMatchObject({ retryable: true, code: "130429" });

    peer.fail("send", { status: 400, code: 131047, message: "(#131047) Re-engagement message" });
    const outside = await api()
      .send({ kind: "text", to: { phone: "+447700900123" }, text: "hi" })
      .catch((e) => e);
    expect(outside.options.retryable).toBe(false);
    expect(outside.message).toContain("More than 24 hours have passed since the customer last wrote");

    const badToken = await api("wrong-token")
      .send({ kind: "text", to: { phone: "+447700900123" }, text: "hi" })
      .catch((e) => e);
    expect(badToken.options).toMatchObject({ retryable: false, code: "190" });
    expect(badToken.message).toContain("access token has expired or is invalid");
  });

  test("a request that times out after going out is ambiguous (never retried); a refused connection is safe to retry", async () => {
    peer.fail("send", { status: 500, delayMs: 400 });
    const slow = await api(PEER_ACCESS_TOKEN, 100)
      .send({ kind: "text", to: { phone: "+447700900123" }, text: "hi" })
      .catch((e) => e);
    expect(slow.options).toMatchObject({ retryable: false, ambiguous: true });
    const nowhere = createWhatsAppCloudApi({ accessToken: "x", phoneNumberId: "1", baseUrl: "http://127.0.0.1:9" });
    const refused = await nowhere.send({ kind: "text", to: { phone: "+447700900123" }, text: "hi" }).catch((e) => e);
    expect(refused.options).toMatchObject({ retryable: true, ambiguous: false });
  });
});

describe("Meta's webhook signature and payloads", () => {
  test("X-Hub-Signature-256 is sha256= and the hex HMAC of the raw body; anything else is refused", () => {
    const body = JSON.stringify(textMessage({ waId: "447700900123" }, "wamid.A", "hi"));
    expect(metaSignatureValid("secret", body, metaSignature("secret", body))).toBe(true);
    expect(metaSignatureValid("secret", body, metaSignature("other", body))).toBe(false);
    expect(metaSignatureValid("secret", `${body} `, metaSignature("secret", body))).toBe(false);
    expect(metaSignatureValid("secret", body, undefined)).toBe(false);
    expect(metaSignatureValid("secret", body, "sha256=zz")).toBe(false);
  });

  test("text, voice notes, photos and statuses read in our words; the sender's number becomes E.164", () => {
    const text = parseWhatsAppWebhook(
      JSON.stringify(
        textMessage({ waId: "447700900123", name: "Sarah" }, "wamid.T", "hello", new Date("2026-11-27T10:00:00Z")),
      ),
    );
    expect(text.ok && text.value.messages[0]).toMatchObject({
      providerId: "wamid.T",
      kind: "text",
      body: "hello",
      from: { phone: "+447700900123", name: "Sarah", userId: null },
      at: new Date("2026-11-27T10:00:00Z"),
    });
    const voice = parseWhatsAppWebhook(JSON.stringify(voiceNote({ waId: "447700900123" }, "wamid.V", "m1")));
    expect(voice.ok && voice.value.messages[0]).toMatchObject({
      kind: "voice",
      media: { ref: "m1", mimeType: "audio/ogg; codecs=opus", voice: true },
    });
    const photo = parseWhatsAppWebhook(
      JSON.stringify(imageMessage({ waId: "447700900123" }, "wamid.P", "m2", "the crack")),
    );
    expect(photo.ok && photo.value.messages[0]).toMatchObject({ kind: "image", body: "the crack" });
    const failed = parseWhatsAppWebhook(
      JSON.stringify(
        statusUpdate("wamid.S", "failed", { waId: "447700900123" }, new Date(), {
          code: 131026,
          title: "Message undeliverable",
          details: "Message Undeliverable.",
        }),
      ),
    );
    expect(failed.ok && failed.value.statuses[0]).toMatchObject({
      providerId: "wamid.S",
      status: "failed",
      error: "131026: Message Undeliverable.",
    });
  });

  test("a username-only sender carries the business-scoped user id and username instead of the number", () => {
    const parsed = parseWhatsAppWebhook(
      JSON.stringify(textMessage({ userId: "GB.1234", username: "@sam", name: "Sam" }, "wamid.U", "hi")),
    );
    expect(parsed.ok && parsed.value.messages[0]!.from).toEqual({
      phone: null,
      userId: "GB.1234",
      name: "Sam",
      username: "@sam",
    });
  });

  test("other webhook fields are valid and ignored; shapes that break the documentation are refused whole", () => {
    const other = {
      object: "whatsapp_business_account",
      entry: [{ id: "1", changes: [{ field: "message_template_status_update", value: { event: "APPROVED" } }] }],
    };
    const parsed = parseWhatsAppWebhook(JSON.stringify(other));
    expect(parsed.ok && parsed.value.ignored).toEqual(['entry[0].changes[0]: field "message_template_status_update"']);
    const noTimestamp = textMessage({ waId: "447700900123" }, "wamid.X", "hi") as any;
    noTimestamp.entry[0].changes[0].value.messages[0].timestamp = "yesterday";
    expect(parseWhatsAppWebhook(JSON.stringify(noTimestamp))).toMatchObject({ ok: false, reason: "unrecognised" });
    expect(parseWhatsAppWebhook(JSON.stringify({ object: "page", entry: [] }))).toMatchObject({ ok: false });
  });
});
