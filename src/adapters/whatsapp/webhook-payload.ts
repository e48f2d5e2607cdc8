import { z } from "zod";
import { phoneFromCarrier, type E164 } from "../../domain/phone.ts";
import { ok, reject, type Result } from "../../domain/result.ts";
import type { ReportedStatus } from "../../domain/messaging/delivery-status.ts";
import type { InboundBatch, IncomingMessage, Sender, StatusReport } from "../../domain/messaging/events.ts";
import type { MessageKind } from "../../domain/messaging/message.ts";

/*
 * Meta's WhatsApp Business Account webhook, as documented ("Messages webhook reference"):
 * { object: "whatsapp_business_account", entry: [{ id, changes: [{ field, value }] }] } where a
 * `messages` value holds metadata, contacts[], messages[] and/or statuses[]. Usernames bring
 * contacts[].user_id (the business-scoped user id), contacts[].profile.username,
 * messages[].from_user_id and statuses[].recipient_user_id; `from`, `wa_id` and
 * `recipient_id` (the phone number) may then be missing. Unknown extra fields are allowed
 * (Meta adds fields); missing or mistyped documented ones are not.
 */

const digits = z.string().regex(/^\d{1,20}$/);
const media = z.object({
  id: z.string().min(1),
  mime_type: z.string().min(1),
  sha256: z.string().optional(),
  caption: z.string().optional(),
});

const contact = z.object({
  profile: z.object({ name: z.string().optional(), username: z.string().optional() }).optional(),
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  parent_user_id: z.string().optional(),
});

const message = z
  .object({
    id: z.string().min(1),
    timestamp: digits,
    type: z.string().min(1),
    from: z.string().optional(),
    from_user_id: z.string().optional(),
    text: z.object({ body: z.string() }).optional(),
    audio: media.extend({ voice: z.boolean().optional() }).optional(),
    image: media.optional(),
    video: media.optional(),
    document: media.extend({ filename: z.string().optional() }).optional(),
    sticker: media.extend({ animated: z.boolean().optional() }).optional(),
    location: z
      .object({
        latitude: z.number(),
        longitude: z.number(),
        name: z.string().optional(),
        address: z.string().optional(),
      })
      .optional(),
    contacts: z
      .array(
        z
          .object({
            phones: z.array(z.object({ phone: z.string().optional(), wa_id: z.string().optional() })).optional(),
          })
          .loose(),
      )
      .optional(),
    origin: z.string().optional(),
    button: z.object({ text: z.string(), payload: z.string().optional() }).optional(),
    interactive: z
      .object({
        type: z.string(),
        button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
        list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
      })
      .optional(),
    reaction: z.object({ message_id: z.string(), emoji: z.string().optional() }).optional(),
    system: z
      .object({
        body: z.string().optional(),
        type: z.string().optional(),
        wa_id: z.string().optional(),
        new_wa_id: z.string().optional(),
      })
      .optional(),
    errors: z
      .array(z.object({ code: z.number(), title: z.string().optional(), message: z.string().optional() }).loose())
      .optional(),
  })
  .loose()
  .refine((m) => m.from !== undefined || m.from_user_id !== undefined, { message: "has neither from nor from_user_id" })
  .refine(
    (m) =>
      ![
        "text",
        "audio",
        "image",
        "video",
        "document",
        "sticker",
        "location",
        "button",
        "interactive",
        "reaction",
        "system",
      ].includes(m.type) || m[m.type as "text"] !== undefined,
    {
      message: "lacks the object its type names",
    },
  );

const status = z
  .object({
    id: z.string().min(1),
    status: z.string().min(1),
    timestamp: digits,
    recipient_id: z.string().optional(),
    recipient_user_id: z.string().optional(),
    errors: z
      .array(
        z
          .object({
            code: z.number(),
            title: z.string().optional(),
            message: z.string().optional(),
            error_data: z.object({ details: z.string().optional() }).optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();

const messagesValue = z
  .object({
    messaging_product: z.literal("whatsapp"),
    metadata: z.object({ display_phone_number: z.string(), phone_number_id: z.string() }),
    contacts: z.array(contact.loose()).optional(),
    messages: z.array(message).optional(),
    statuses: z.array(status).optional(),
    errors: z.array(z.object({ code: z.number() }).loose()).optional(),
  })
  .loose();

const envelope = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z
    .array(
      z.object({
        id: z.string(),
        changes: z.array(z.object({ field: z.string(), value: z.unknown() })),
      }),
    )
    .min(1),
});

const phoneOf = (raw: string | undefined): E164 | null => {
  if (!raw) return null;
  const normalised = phoneFromCarrier(raw.startsWith("+") ? raw : `+${raw}`);
  return normalised.ok ? normalised.value : null;
};

const REPORTED: Record<string, ReportedStatus> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  played: "read",
  failed: "failed",
};

/** Where in the payload validation failed, without the values (they may be personal). */
const where = (error: z.ZodError, prefix: string) => {
  const issue = error.issues[0]!;
  return `${[prefix, ...issue.path.map(String)].filter(Boolean).join(".")}: ${issue.message}`;
};

type ParsedMessage = z.infer<typeof message>;

function kindAndBody(m: ParsedMessage): { kind: MessageKind; body: string | null; media: IncomingMessage["media"] } {
  const withMedia = (kind: MessageKind, obj: { id: string; mime_type: string; caption?: string }, voice = false) => ({
    kind,
    body: obj.caption ?? null,
    media: { ref: obj.id, mimeType: obj.mime_type, voice },
  });
  switch (m.type) {
    case "text":
      return { kind: "text", body: m.text!.body, media: null };
    case "audio":
      return withMedia(m.audio!.voice ? "voice" : "audio", m.audio!, m.audio!.voice === true);
    case "image":
      return withMedia("image", m.image!);
    case "video":
      return withMedia("video", m.video!);
    case "document":
      return withMedia("document", { ...m.document!, caption: m.document!.caption ?? m.document!.filename });
    case "sticker":
      return withMedia("sticker", m.sticker!);
    case "location": {
      const l = m.location!;
      return {
        kind: "location",
        body: [l.name, l.address, `${l.latitude}, ${l.longitude}`].filter(Boolean).join(" · "),
        media: null,
      };
    }
    case "button":
      return { kind: "text", body: m.button!.text, media: null };
    case "interactive":
      return {
        kind: "text",
        body: m.interactive!.button_reply?.title ?? m.interactive!.list_reply?.title ?? null,
        media: null,
      };
    case "reaction":
      return {
        kind: "other",
        body: m.reaction!.emoji ? `Reacted ${m.reaction!.emoji}` : "Removed a reaction",
        media: null,
      };
    case "contacts":
      return { kind: "contacts", body: "Shared a contact", media: null };
    case "system":
      return { kind: "system", body: m.system!.body ?? "WhatsApp notice", media: null };
    default: {
      const reason = m.errors?.[0]?.title ?? m.errors?.[0]?.message;
      return { kind: "other", body: `A ${m.type} message${reason ? ` (${reason})` : ""}`, media: null };
    }
  }
}

/**
 * Reads one delivery's raw body. A body that is not JSON or does not match Meta's documented
 * shapes is rejected whole (reason "unrecognised", naming where): nothing in it is acted on.
 * Changes for other fields (template status, account updates) are valid and listed as ignored.
 */
export function parseWhatsAppWebhook(rawBody: string): Result<InboundBatch, "unrecognised"> {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    return reject("unrecognised", "The body is not JSON.");
  }
  const outer = envelope.safeParse(json);
  if (!outer.success)
    return reject("unrecognised", `Not a WhatsApp Business Account webhook (${where(outer.error, "")}).`);

  const batch: InboundBatch = { messages: [], statuses: [], ignored: [] };
  for (const [e, entry] of outer.data.entry.entries()) {
    for (const [c, change] of entry.changes.entries()) {
      const at = `entry[${e}].changes[${c}]`;
      if (change.field !== "messages") {
        batch.ignored.push(`${at}: field "${change.field}"`);
        continue;
      }
      const value = messagesValue.safeParse(change.value);
      if (!value.success)
        return reject("unrecognised", `Does not match Meta's messages webhook (${where(value.error, `${at}.value`)}).`);
      const contacts = value.data.contacts ?? [];
      const contactFor = (phone: string | undefined, userId: string | undefined) =>
        contacts.find((k) => (userId && k.user_id === userId) || (phone && k.wa_id === phone)) ??
        (contacts.length === 1 ? contacts[0] : undefined);

      for (const m of value.data.messages ?? []) {
        const contact = contactFor(m.from, m.from_user_id);
        const from: Sender = {
          phone: phoneOf(m.from ?? contact?.wa_id),
          userId: m.from_user_id ?? contact?.user_id ?? null,
          name: contact?.profile?.name ?? null,
          username: contact?.profile?.username ?? null,
        };
        if (!from.phone && !from.userId)
          return reject("unrecognised", `${at}: a message's sender is neither a phone number nor a user id.`);
        const { kind, body, media } = kindAndBody(m);
        // A contact card sent in answer to a request for the customer's number is their number.
        const sharedPhone =
          m.type === "contacts" && m.origin?.startsWith("contact_request")
            ? phoneOf(m.contacts?.[0]?.phones?.[0]?.phone ?? m.contacts?.[0]?.phones?.[0]?.wa_id)
            : null;
        batch.messages.push({
          channel: "whatsapp",
          providerId: m.id,
          at: new Date(Number(m.timestamp) * 1000),
          from,
          kind,
          body,
          media,
          sharedPhone,
        });
      }

      for (const s of value.data.statuses ?? []) {
        const contact = contactFor(s.recipient_id, s.recipient_user_id);
        const error = s.errors?.[0];
        const report: StatusReport = {
          channel: "whatsapp",
          providerId: s.id,
          status: REPORTED[s.status] ?? null,
          rawStatus: s.status,
          at: new Date(Number(s.timestamp) * 1000),
          error: error
            ? `${error.code}: ${error.error_data?.details ?? error.message ?? error.title ?? "no reason given"}`
            : null,
          recipient: {
            phone: phoneOf(s.recipient_id),
            userId: s.recipient_user_id ?? contact?.user_id ?? null,
            username: contact?.profile?.username ?? null,
          },
        };
        batch.statuses.push(report);
      }
      for (const error of value.data.errors ?? []) batch.ignored.push(`${at}: error ${error.code}`);
    }
  }
  return ok(batch);
}
