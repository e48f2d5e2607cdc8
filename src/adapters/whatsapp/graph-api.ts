import { CredentialsNotSentError, fetchWithCredentials, isMetaMediaHost } from "../credentialed-fetch.ts";
import {
  SendError,
  type WhatsAppOutgoing,
  type WhatsAppRecipient,
  type WhatsAppSender,
} from "../../ports/messengers.ts";
import { MediaTooLargeError, type WhatsAppMedia, type WhatsAppMediaInfo } from "../../ports/whatsapp.ts";
import { createRatePacer, type RatePacer } from "../resilience/rate-pacer.ts";
import { defaultPolicy } from "../resilience/vendor-policies.ts";
import { VENDOR_PACE } from "../resilience/vendor-limits.ts";
import { CircuitOpenError, type VendorPolicy } from "../resilience/vendor-policy.ts";

export interface WhatsAppCloudConfig {
  /** WHATSAPP_ACCESS_TOKEN: a system user token with whatsapp_business_messaging. */
  accessToken: string;
  /** WHATSAPP_PHONE_NUMBER_ID: the business number messages are sent from. */
  phoneNumberId: string;
  /** Default https://graph.facebook.com; tests point it at a loopback peer. */
  baseUrl?: string;
  /** Graph API version, default v24.0. */
  apiVersion?: string;
  /** Per request, ms. Default 20 s for JSON calls; downloads and uploads get 60 s. */
  timeoutMs?: number;
  /** Meta's shared circuit and retries (src/adapters/resilience); default: one of its own. */
  policy?: VendorPolicy;
  /** The business number's pace (80 messages a second); default: one of its own. */
  pacer?: RatePacer;
}

/** Meta's error object: `{ error: { message, type, code, error_subcode, error_data: { details }, fbtrace_id } }`. */
interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { details?: string };
  fbtrace_id?: string;
}

/** Meta error codes worth trying again later: throttling and temporary unavailability. */
const RETRYABLE_CODES = new Set([1, 2, 4, 17, 80007, 130429, 131000, 131016, 131048, 131056, 133004]);
/** What staff read for the errors they can act on. */
const EXPLAINED: Record<number, string> = {
  131047: "More than 24 hours have passed since the customer last wrote: only a template message can be sent",
  131026: "WhatsApp could not deliver it: the number may not be on WhatsApp",
  131051: "WhatsApp does not support this message type",
  132000: "The template's parameters do not match the template",
  132001: "The template does not exist in this language (check WHATSAPP_TEMPLATE_* and WHATSAPP_TEMPLATE_LANGUAGE)",
  190: "The WhatsApp access token has expired or is invalid",
};

/** Connection errors that happen before a request could reach Meta: safe to send again. */
const NOT_SENT = /ConnectionRefused|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|FailedToOpenSocket|certificate/i;

/**
 * The WhatsApp Business Cloud API over fetch (Meta ships no Node SDK): send text, template and
 * media messages (POST /{phone-number-id}/messages, media uploaded first with
 * POST /{phone-number-id}/media), look up received media (GET /{media-id}) and download it from
 * the short-lived URL with the access token. Failures throw: SendError for sends (retryable for
 * 429/5xx/throttling codes, never for a request that may have gone out), errors naming Meta for
 * media.
 *
 * @example
 * const whatsapp = createWhatsAppCloudApi({ accessToken, phoneNumberId });
 * const { providerId } = await whatsapp.send({ kind: "text", to: { phone: "+447700900123" }, text: "On our way" });
 */
export function createWhatsAppCloudApi(config: WhatsAppCloudConfig): WhatsAppSender & WhatsAppMedia {
  const base = `${(config.baseUrl ?? "https://graph.facebook.com").replace(/\/$/, "")}/${config.apiVersion ?? "v24.0"}`;
  const auth = { Authorization: `Bearer ${config.accessToken}` };
  // The token already goes to the configured API base (Meta's, or a test's peer); media
  // downloads may go there too, or to Meta's media hosts, and nowhere else.
  const mediaHosts = {
    vendor: "WhatsApp",
    isVendorHost: isMetaMediaHost,
    alsoAllow: [new URL(config.baseUrl ?? "https://graph.facebook.com").origin],
  };
  const timeoutMs = config.timeoutMs ?? 20_000;
  const policy = config.policy ?? defaultPolicy("WhatsApp");
  const pacer = config.pacer ?? createRatePacer(VENDOR_PACE.WhatsApp);
  /** Nothing went out while Meta's circuit is open: the outbox may try again later. */
  const notTried = (error: unknown) =>
    error instanceof CircuitOpenError ? new SendError(error.message, { retryable: true, cause: error }) : error;

  async function call(path: string, init: RequestInit, timeout = timeoutMs): Promise<Response> {
    try {
      return await fetch(`${base}/${path}`, {
        ...init,
        headers: { ...auth, ...init.headers },
        signal: AbortSignal.timeout(timeout),
      });
    } catch (error) {
      const text = `${(error as { code?: string }).code ?? ""} ${error instanceof Error ? `${error.name} ${error.message}` : String(error)}`;
      const refused = NOT_SENT.test(text);
      const timedOut = /TimeoutError|timed out/i.test(text);
      throw new SendError(
        `WhatsApp Cloud API ${timedOut ? "did not answer in time" : "could not be reached"}${refused ? "" : "; the message may have been sent"}`,
        {
          retryable: refused,
          ambiguous: !refused,
          cause: error,
        },
      );
    }
  }

  async function failure(response: Response, what: string): Promise<SendError> {
    const body = (await response.json().catch(() => null)) as { error?: GraphError } | null;
    const error = body?.error ?? {};
    const code = error.code;
    const reason =
      (code !== undefined && EXPLAINED[code]) || error.error_data?.details || error.message || response.statusText;
    const retryable =
      response.status === 429 || response.status >= 500 || (code !== undefined && RETRYABLE_CODES.has(code));
    return new SendError(
      `WhatsApp Cloud API refused ${what} (HTTP ${response.status}${code !== undefined ? `, code ${code}` : ""}): ${reason}`,
      {
        retryable,
        code: code !== undefined ? String(code) : undefined,
      },
    );
  }

  const recipient = (to: WhatsAppRecipient) => ("phone" in to ? { to: to.phone } : { recipient: to.userId });

  async function upload(media: { bytes: Uint8Array; contentType: string }): Promise<string> {
    const form = new FormData();
    form.set("messaging_product", "whatsapp");
    form.set("type", media.contentType);
    form.set(
      "file",
      new Blob([new Uint8Array(media.bytes)], { type: media.contentType }),
      `upload.${media.contentType.split("/")[1] ?? "bin"}`,
    );
    const response = await call(`${config.phoneNumberId}/media`, { method: "POST", body: form }, 60_000);
    if (!response.ok) throw await failure(response, "the media upload");
    const { id } = (await response.json()) as { id?: string };
    if (!id) throw new SendError("WhatsApp Cloud API answered the media upload without an id", { retryable: true });
    return id;
  }

  async function payloadFor(message: WhatsAppOutgoing): Promise<Record<string, unknown>> {
    switch (message.kind) {
      case "text":
        return { type: "text", text: { preview_url: /https?:\/\//.test(message.text), body: message.text } };
      case "media": {
        const id = await upload(message.media);
        return {
          type: message.media.kind,
          [message.media.kind]: { id, ...(message.caption ? { caption: message.caption } : {}) },
        };
      }
      case "template": {
        const { template } = message;
        const components: Record<string, unknown>[] = [];
        if (message.headerMedia) {
          const id = await upload(message.headerMedia);
          components.push({
            type: "header",
            parameters: [{ type: message.headerMedia.kind, [message.headerMedia.kind]: { id } }],
          });
        }
        if (template.bodyParams.length > 0) {
          components.push({ type: "body", parameters: template.bodyParams.map((text) => ({ type: "text", text })) });
        }
        return {
          type: "template",
          template: {
            name: template.name,
            language: { code: template.language },
            ...(components.length ? { components } : {}),
          },
        };
      }
    }
  }

  return {
    name: "WhatsApp Cloud API",
    live: true,

    async send(message) {
      const payload = {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        ...recipient(message.to),
        ...(await payloadFor(message)),
      };
      // Waits its turn, never dropped: the outbox job holding this message is already claimed.
      await pacer.take();
      // Tried once (Meta takes no idempotency key; the outbox decides), but Meta's trouble (429,
      // 5xx) counts towards its circuit, so an outage fails the next sends fast.
      const response = await policy
        .run(
          async () => {
            const answer = await call(`${config.phoneNumberId}/messages`, {
              method: "POST",
              headers: { "Content-Type": "application/json" },
              body: JSON.stringify(payload),
            });
            if (!answer.ok) throw await failure(answer, `the ${message.kind} message`);
            return answer;
          },
          { retry: false },
        )
        .catch((error: unknown) => {
          throw notTried(error);
        });
      const body = (await response.json().catch(() => null)) as { messages?: { id?: string }[] } | null;
      const providerId = body?.messages?.[0]?.id;
      // Accepted (2xx) but no id: it may well go out, so it must not be sent again.
      if (!providerId)
        throw new SendError("WhatsApp Cloud API accepted the message without a message id", {
          retryable: false,
          ambiguous: true,
        });
      return { providerId };
    },

    async info(mediaId): Promise<WhatsAppMediaInfo> {
      if (!/^[\w.-]{1,200}$/.test(mediaId)) throw new Error(`WhatsApp media id "${mediaId.slice(0, 40)}" is malformed`);
      // A lookup changes nothing: transient failures are tried again here.
      const response = await policy
        .run(
          async () => {
            const answer = await call(
              `${encodeURIComponent(mediaId)}?phone_number_id=${encodeURIComponent(config.phoneNumberId)}`,
              { method: "GET" },
            );
            if (!answer.ok) throw await failure(answer, "the media lookup");
            return answer;
          },
          { retry: true },
        )
        .catch((error: Error) => {
          throw new Error(`WhatsApp media lookup failed: ${error.message}`, { cause: error.cause ?? error });
        });
      const body = (await response.json()) as {
        url?: string;
        mime_type?: string;
        file_size?: string | number;
        sha256?: string;
      };
      if (!body.url || !URL.canParse(body.url))
        throw new Error("WhatsApp media lookup answered without a download URL");
      const size = body.file_size === undefined ? null : Number(body.file_size);
      return {
        url: body.url,
        mimeType: body.mime_type ?? "application/octet-stream",
        size: Number.isFinite(size) ? size : null,
        sha256: body.sha256 ?? null,
      };
    },

    async download(url, maxBytes) {
      let response: Response;
      try {
        response = await fetchWithCredentials(url, auth, mediaHosts, AbortSignal.timeout(60_000));
      } catch (error) {
        if (error instanceof CredentialsNotSentError) throw error;
        throw new Error(`WhatsApp media download failed: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`WhatsApp media download failed: HTTP ${response.status}`);
      }
      const declared = Number(response.headers.get("Content-Length") ?? "");
      if (Number.isFinite(declared) && declared > maxBytes) {
        await response.body?.cancel();
        throw new MediaTooLargeError(maxBytes);
      }
      const chunks: Uint8Array[] = [];
      let total = 0;
      for await (const chunk of response.body ?? []) {
        total += chunk.byteLength;
        if (total > maxBytes) throw new MediaTooLargeError(maxBytes);
        chunks.push(chunk);
      }
      const bytes = new Uint8Array(total);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      return { bytes, contentType: response.headers.get("Content-Type") ?? "application/octet-stream" };
    },
  };
}
