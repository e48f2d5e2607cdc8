/**
 * A loopback peer that speaks Meta's WhatsApp Business Cloud API as documented, for the Graph
 * API adapter and the app's media downloads (its base URL pointed here):
 *   POST /{version}/{phone-number-id}/messages   send text, template or media → { messaging_product, contacts, messages: [{ id }] }
 *   POST /{version}/{phone-number-id}/media      multipart upload (file, type, messaging_product) → { id }
 *   GET  /{version}/{media-id}                   → { messaging_product, url, mime_type, sha256, file_size, id }
 *   GET  /{version}/{phone-number-id}            → { verified_name, display_phone_number, quality_rating, id }
 *   GET  /download/{media-id}                    the media bytes (the URL above), Bearer token required
 * Errors use Graph's shape, { error: { message, type, code, error_subcode, error_data, fbtrace_id } }.
 * Every request is recorded; failures can be scripted per endpoint.
 *
 * Also here: webhook payloads in Meta's documented shapes, and signing them as Meta does.
 */
import { createHash } from "node:crypto";
import { metaSignature } from "../../src/adapters/whatsapp/signature.ts";

export const PEER_ACCESS_TOKEN = "EAAtest-access-token";
export const PEER_PHONE_NUMBER_ID = "106540352242922";
export const PEER_WABA_ID = "102290129340398";

export interface PeerRequest {
  method: string;
  path: string;
  authorization: string | null;
  json?: any;
  form?: FormData;
}

export interface ScriptedFailure {
  status: number;
  code?: number;
  message?: string;
  /** Wait before answering (to make a client time out). */
  delayMs?: number;
}

export interface StoredMedia {
  bytes: Uint8Array;
  mimeType: string;
  /** What the lookup says the size is (defaults to the real size). */
  declaredSize?: number;
}

export interface MetaPeer {
  /** For the adapter: "http://127.0.0.1:PORT" (the version goes after it). */
  baseUrl: string;
  requests: PeerRequest[];
  /** Media the peer can serve, by media id. */
  media: Map<string, StoredMedia>;
  /** Failures to answer with, in order, before succeeding again: per "send", "upload", "lookup", "download". */
  fail(endpoint: "send" | "upload" | "lookup" | "download", ...failures: ScriptedFailure[]): void;
  /** The message ids handed out, in order. */
  sentIds: string[];
  close(): Promise<void>;
}

const graphError = (failure: ScriptedFailure) =>
  Response.json(
    {
      error: {
        message: failure.message ?? "(#131000) Something went wrong",
        type: "OAuthException",
        code: failure.code ?? 131000,
        error_subcode: 2494010,
        error_data: { messaging_product: "whatsapp", details: failure.message ?? "Something went wrong" },
        fbtrace_id: "AbCdEfGh",
      },
    },
    { status: failure.status },
  );

export async function startMetaPeer(options: { version?: string } = {}): Promise<MetaPeer> {
  const version = options.version ?? "v24.0";
  const requests: PeerRequest[] = [];
  const media = new Map<string, StoredMedia>();
  const failures: Record<string, ScriptedFailure[]> = { send: [], upload: [], lookup: [], download: [] };
  const sentIds: string[] = [];
  let counter = 0;
  let origin = "";

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req): Promise<Response> {
      const url = new URL(req.url);
      const request: PeerRequest = {
        method: req.method,
        path: url.pathname + url.search,
        authorization: req.headers.get("Authorization"),
      };
      const type = req.headers.get("content-type") ?? "";
      if (type.includes("application/json")) request.json = await req.json();
      else if (type.includes("multipart/form-data")) request.form = await req.formData();
      requests.push(request);
      if (request.authorization !== `Bearer ${PEER_ACCESS_TOKEN}`) {
        return graphError({
          status: 401,
          code: 190,
          message: "Invalid OAuth access token - Cannot parse access token",
        });
      }
      const scripted = async (endpoint: string) => {
        const failure = failures[endpoint]!.shift();
        if (!failure) return null;
        if (failure.delayMs) await Bun.sleep(failure.delayMs);
        return graphError(failure);
      };
      const base = `/${version}/`;

      if (req.method === "POST" && url.pathname === `${base}${PEER_PHONE_NUMBER_ID}/messages`) {
        const body = request.json;
        const to = body?.to ?? body?.recipient;
        const valid =
          body?.messaging_product === "whatsapp" &&
          typeof to === "string" &&
          typeof body.type === "string" &&
          body[body.type] !== undefined;
        if (!valid) return graphError({ status: 400, code: 100, message: "(#100) Invalid parameter" });
        const failed = await scripted("send");
        if (failed) return failed;
        const id = `wamid.PEER${String(++counter).padStart(6, "0")}`;
        sentIds.push(id);
        return Response.json({
          messaging_product: "whatsapp",
          contacts: [{ input: to, wa_id: String(to).replace(/^\+/, "") }],
          messages: [{ id }],
        });
      }

      if (req.method === "POST" && url.pathname === `${base}${PEER_PHONE_NUMBER_ID}/media`) {
        const file = request.form?.get("file");
        if (
          request.form?.get("messaging_product") !== "whatsapp" ||
          !(file instanceof Blob) ||
          !request.form?.get("type")
        ) {
          return graphError({ status: 400, code: 100, message: "(#100) Invalid parameter" });
        }
        const failed = await scripted("upload");
        if (failed) return failed;
        const id = `${900000000000 + ++counter}`;
        media.set(id, { bytes: new Uint8Array(await file.arrayBuffer()), mimeType: String(request.form.get("type")) });
        return Response.json({ id });
      }

      // The business phone number itself (the app's key check): GET /{version}/{phone-number-id}.
      if (req.method === "GET" && url.pathname === `${base}${PEER_PHONE_NUMBER_ID}`) {
        return Response.json({
          verified_name: "Handy Services",
          display_phone_number: "+44 20 7946 0000",
          quality_rating: "GREEN",
          id: PEER_PHONE_NUMBER_ID,
        });
      }

      if (req.method === "GET" && url.pathname.startsWith(base)) {
        const id = decodeURIComponent(url.pathname.slice(base.length));
        const failed = await scripted("lookup");
        if (failed) return failed;
        const stored = media.get(id);
        if (!stored)
          return graphError({
            status: 400,
            code: 100,
            message: "(#100) Unsupported get request. Object with ID does not exist",
          });
        return Response.json({
          messaging_product: "whatsapp",
          url: `${origin}/download/${encodeURIComponent(id)}?ext=1&hash=peer`,
          mime_type: stored.mimeType,
          sha256: createHash("sha256").update(stored.bytes).digest("hex"),
          file_size: String(stored.declaredSize ?? stored.bytes.byteLength),
          id,
        });
      }

      if (req.method === "GET" && url.pathname.startsWith("/download/")) {
        const failed = await scripted("download");
        if (failed) return new Response("media unavailable", { status: failed.status });
        const stored = media.get(decodeURIComponent(url.pathname.slice("/download/".length)));
        if (!stored) return new Response("not found", { status: 404 });
        return new Response(new Uint8Array(stored.bytes), { headers: { "Content-Type": stored.mimeType } });
      }

      return graphError({ status: 404, code: 100, message: `Unknown path components: ${url.pathname}` });
    },
  });

  origin = `http://127.0.0.1:${server.port}`;
  return {
    baseUrl: origin,
    requests,
    media,
    sentIds,
    fail: (endpoint, ...list) => void failures[endpoint]!.push(...list),
    close: async () => {
      await server.stop(true);
    },
  };
}

// ---- Webhook payloads, in the shapes Meta's "Messages webhook reference" documents ----

export interface Contact {
  /** The WhatsApp id (phone number digits); omitted for a username-only user. */
  waId?: string;
  /** The business-scoped user id. */
  userId?: string;
  name?: string;
  username?: string;
}

const envelope = (value: Record<string, unknown>) => ({
  object: "whatsapp_business_account",
  entry: [
    {
      id: PEER_WABA_ID,
      changes: [
        {
          value: {
            messaging_product: "whatsapp",
            metadata: { display_phone_number: "15550783881", phone_number_id: PEER_PHONE_NUMBER_ID },
            ...value,
          },
          field: "messages",
        },
      ],
    },
  ],
});

const contactOf = (c: Contact) => ({
  profile: { name: c.name ?? "Sarah Jones", ...(c.username ? { username: c.username } : {}) },
  ...(c.waId ? { wa_id: c.waId } : {}),
  ...(c.userId ? { user_id: c.userId } : {}),
});

const senderOf = (c: Contact) => ({
  ...(c.waId ? { from: c.waId } : {}),
  ...(c.userId ? { from_user_id: c.userId } : {}),
});

const stamp = (at: Date) => String(Math.floor(at.getTime() / 1000));

/** An inbound message of any type: `content` is the type's object (text, audio, image, video…). */
export function inboundMessage(contact: Contact, id: string, type: string, content: unknown, at = new Date()) {
  return envelope({
    contacts: [contactOf(contact)],
    messages: [{ ...senderOf(contact), id, timestamp: stamp(at), type, [type]: content }],
  });
}

export const textMessage = (contact: Contact, id: string, body: string, at?: Date) =>
  inboundMessage(contact, id, "text", { body }, at);
export const voiceNote = (contact: Contact, id: string, mediaId: string, at?: Date) =>
  inboundMessage(
    contact,
    id,
    "audio",
    { mime_type: "audio/ogg; codecs=opus", sha256: "c29tZS1zaGE=", id: mediaId, voice: true },
    at,
  );
export const imageMessage = (contact: Contact, id: string, mediaId: string, caption?: string, at?: Date) =>
  inboundMessage(
    contact,
    id,
    "image",
    { mime_type: "image/jpeg", sha256: "c29tZS1zaGE=", id: mediaId, ...(caption ? { caption } : {}) },
    at,
  );
export const videoMessage = (contact: Contact, id: string, mediaId: string, caption?: string, at?: Date) =>
  inboundMessage(
    contact,
    id,
    "video",
    { mime_type: "video/mp4", sha256: "c29tZS1zaGE=", id: mediaId, ...(caption ? { caption } : {}) },
    at,
  );

/** A status for a message we sent: sent, delivered, read, or failed with Meta's error object. */
export function statusUpdate(
  messageId: string,
  status: string,
  recipient: Contact,
  at = new Date(),
  error?: { code: number; title: string; details: string },
) {
  return envelope({
    ...(status === "failed" ? {} : { contacts: [contactOf(recipient)] }),
    statuses: [
      {
        id: messageId,
        status,
        timestamp: stamp(at),
        ...(recipient.waId ? { recipient_id: recipient.waId } : {}),
        ...(recipient.userId ? { recipient_user_id: recipient.userId } : {}),
        ...(status === "failed" || !error
          ? {}
          : {
              conversation: { id: "CONVERSATION_ID", origin: { type: "service" } },
              pricing: { billable: true, pricing_model: "PMP", category: "service" },
            }),
        ...(error
          ? {
              errors: [
                {
                  code: error.code,
                  title: error.title,
                  message: error.title,
                  error_data: { details: error.details },
                  href: "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
                },
              ],
            }
          : {}),
      },
    ],
  });
}

/** The body and headers of a delivery signed as Meta signs it (HMAC-SHA256 of the raw body with the app secret). */
export function signedDelivery(payload: unknown, appSecret: string): { body: string; headers: Record<string, string> } {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  return {
    body,
    headers: { "Content-Type": "application/json", "X-Hub-Signature-256": metaSignature(appSecret, body) },
  };
}
