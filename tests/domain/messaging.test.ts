import { describe, expect, test } from "bun:test";
import { fromTwilioStatus, nextDeliveryStatus, statusesBefore } from "../../src/domain/messaging/delivery-status.ts";
import { extensionFor, mediaAllowed } from "../../src/domain/messaging/media-policy.ts";
import { customerServiceWindow, WINDOW_MS } from "../../src/domain/messaging/window.ts";
import { incomingSms, smsStatusReport } from "../../src/adapters/twilio/sms-webhook.ts";

describe("delivery statuses only move forward", () => {
  test("in order, each report moves the message on; repeats and late reports change nothing", () => {
    expect(nextDeliveryStatus("accepted", "sent")).toBe("sent");
    expect(nextDeliveryStatus("sent", "delivered")).toBe("delivered");
    expect(nextDeliveryStatus("delivered", "read")).toBe("read");
    expect(nextDeliveryStatus("read", "delivered")).toBeNull();
    expect(nextDeliveryStatus("read", "sent")).toBeNull();
    expect(nextDeliveryStatus("delivered", "delivered")).toBeNull();
  });

  test("Meta may skip a step: read straight from accepted", () => {
    expect(nextDeliveryStatus("accepted", "read")).toBe("read");
  });

  test("failed is taken before delivery only; delivery afterwards wins over it", () => {
    expect(nextDeliveryStatus("sent", "failed")).toBe("failed");
    expect(nextDeliveryStatus("accepted", "failed")).toBe("failed");
    expect(nextDeliveryStatus("delivered", "failed")).toBeNull();
    expect(nextDeliveryStatus("failed", "delivered")).toBe("delivered");
    expect(nextDeliveryStatus("failed", "sent")).toBeNull();
  });

  test("a message the outbox never sent takes no reports", () => {
    for (const reported of ["sent", "delivered", "read", "failed"] as const)
      expect(nextDeliveryStatus("not_sent", reported)).toBeNull();
  });

  test("statusesBefore lists exactly the statuses a report may move from", () => {
    expect(statusesBefore("read").sort() as string[]).toEqual(
      ["accepted", "delivered", "failed", "queued", "sending", "sent"].sort(),
    );
    expect(statusesBefore("failed").sort() as string[]).toEqual(["accepted", "queued", "sending", "sent"].sort());
  });

  test("Twilio's words", () => {
    expect(fromTwilioStatus("undelivered")).toBe("failed");
    expect(fromTwilioStatus("delivered")).toBe("delivered");
    expect(fromTwilioStatus("queued")).toBeNull();
    expect(fromTwilioStatus("sending")).toBeNull();
  });
});

describe("WhatsApp's 24-hour customer service window", () => {
  const last = new Date("2026-11-27T10:00:00Z");
  test("open for 24 hours after the customer's last message, closed after, closed when they never wrote", () => {
    expect(customerServiceWindow(last, new Date(last.getTime() + WINDOW_MS - 1))).toEqual({
      open: true,
      closesAt: new Date(last.getTime() + WINDOW_MS),
    });
    expect(customerServiceWindow(last, new Date(last.getTime() + WINDOW_MS))).toEqual({
      open: false,
      lastInboundAt: last,
    });
    expect(customerServiceWindow(null, last)).toEqual({ open: false, lastInboundAt: null });
  });
});

describe("media WhatsApp carries, and its limits", () => {
  const MB = 1024 * 1024;
  test("images up to 5 MB (JPEG, PNG), video up to 16 MB (MP4, 3GPP), voice notes as Ogg Opus", () => {
    expect(mediaAllowed("image", "image/jpeg", 5 * MB).ok).toBe(true);
    expect(mediaAllowed("image", "image/png", 5 * MB + 1)).toMatchObject({ ok: false, reason: "media_too_large" });
    expect(mediaAllowed("video", "video/mp4", 16 * MB).ok).toBe(true);
    expect(mediaAllowed("video", "video/quicktime", 1000)).toMatchObject({ ok: false, reason: "media_type" });
    expect(mediaAllowed("voice", "audio/ogg; codecs=opus", 200_000).ok).toBe(true);
    expect(mediaAllowed("image", "image/gif", null)).toMatchObject({ ok: false, reason: "media_type" });
    expect(mediaAllowed("document", "application/pdf", 100 * MB).ok).toBe(true);
    expect(mediaAllowed("sticker", "image/webp", 600 * 1024).ok).toBe(false);
  });

  test("the refusal says what was wrong, for staff", () => {
    const refused = mediaAllowed("video", "video/mp4", 20 * MB);
    expect(!refused.ok && refused.message).toBe(
      "This video is 20.0 MB, over WhatsApp's 16.0 MB limit; it was not stored.",
    );
  });

  test("stored files get an extension from their type", () => {
    expect(extensionFor("audio/ogg; codecs=opus")).toBe("ogg");
    expect(extensionFor("image/jpeg")).toBe("jpg");
    expect(extensionFor("application/x-unknown")).toBe("bin");
  });
});

describe("Twilio's SMS webhook form", () => {
  const at = new Date("2026-11-27T10:00:00Z");
  test("a text with two attachments becomes the text with the first, then one message per further attachment", () => {
    const parsed = incomingSms(
      {
        MessageSid: "MM0123456789abcdef0123456789abcdef",
        From: "07700 900123",
        Body: "Photos",
        NumMedia: "2",
        MediaUrl0: "https://api.twilio.com/m/0",
        MediaContentType0: "image/jpeg",
        MediaUrl1: "https://api.twilio.com/m/1",
        MediaContentType1: "video/mp4",
      },
      at,
    );
    expect(parsed.ok && parsed.value.map((m) => [m.providerId, m.kind, m.body, m.from.phone])).toEqual([
      ["MM0123456789abcdef0123456789abcdef", "image", "Photos", "+447700900123"],
      ["MM0123456789abcdef0123456789abcdef/1", "video", null, "+447700900123"],
    ]);
  });

  test("a malformed MessageSid or an undialable sender is refused with a reason", () => {
    expect(incomingSms({ MessageSid: "x", From: "+447700900123" }, at)).toMatchObject({
      ok: false,
      message: "MessageSid is missing or malformed.",
    });
    expect(incomingSms({ MessageSid: "SM0123456789abcdef0123456789abcdef", From: "hello" }, at)).toMatchObject({
      ok: false,
      message: "From is not a phone number.",
    });
  });

  test("status callbacks carry Twilio's reason for a failed text", () => {
    expect(
      smsStatusReport(
        { MessageSid: "SM0123456789abcdef0123456789abcdef", MessageStatus: "undelivered", ErrorCode: "30007" },
        at,
      ),
    ).toMatchObject({
      status: "failed",
      error: "30007: The network filtered the message as spam",
    });
  });
});
