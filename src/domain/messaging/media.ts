import type { BlobStore, StoredBlob } from "../../ports/blob-store.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Task } from "../../ports/tasks.ts";
import type { SmsMediaFetcher } from "../../ports/sms.ts";
import { MediaTooLargeError, type WhatsAppMedia } from "../../ports/whatsapp.ts";
import { DEFAULT_RETRY } from "../tasks/retry-policy.ts";
import { isOpenIssue, type Issue } from "../issues.ts";
import { UNDERSTAND_TASK, type InboundDeps } from "./inbound.ts";
import { publishMessage } from "./live.ts";
import { baseMediaType, extensionFor, formatBytes, maxBytesFor, mediaAllowed } from "./media-policy.ts";
import type { Message } from "./message.ts";
import type { MEDIA_TASK, TaskPayload } from "../tasks/kinds.ts";

/** A video or photo that comes back within this long of a video request goes to the request's job. */
const VIDEO_REQUEST_ANSWERED_WITHIN_MS = 14 * 24 * 60 * 60_000;

export interface MediaDeps extends InboundDeps {
  blobStore: BlobStore;
  issues: Issues;
  /** Null on the embedded default (no WhatsApp keys): media cannot be fetched and stays pending. */
  whatsappMedia: WhatsAppMedia | null;
  smsMedia: SmsMediaFetcher | null;
  makeThumbnail: (bytes: Uint8Array, contentType: string) => Promise<{ bytes: Uint8Array; contentType: string } | null>;
  /** The job runner's attempts before it gives up (to say so on the message). */
  maxAttempts?: number;
}

/**
 * The job a photo or video is filed under: the job a recent video request to this lead was
 * for, else the lead's latest open job, else a new one made from the message.
 */
export async function issueForMedia(
  deps: Pick<MediaDeps, "messages" | "issues" | "leads" | "now">,
  message: Message,
): Promise<Issue | null> {
  if (!message.leadId) return null;
  const request = await deps.messages.latestVideoRequest(
    message.leadId,
    new Date(message.occurredAt.getTime() - VIDEO_REQUEST_ANSWERED_WITHIN_MS),
  );
  if (request?.issueId && request.occurredAt <= message.occurredAt) {
    const requested = await deps.issues.byId(request.issueId);
    if (requested && isOpenIssue(requested.status)) return requested;
  }
  const open = (await deps.issues.forLead(message.leadId)).filter((issue) => isOpenIssue(issue.status));
  if (open[0]) return open[0];
  const lead = await deps.leads.byId(message.leadId);
  const caption = message.body?.trim();
  const what = message.kind === "video" ? "Video" : message.kind === "document" ? "Document" : "Photo";
  return deps.issues.create({
    leadId: message.leadId,
    title: caption
      ? caption.length > 80
        ? `${caption.slice(0, 77).trimEnd()}…`
        : caption
      : `${what} sent by ${message.channel === "whatsapp" ? "WhatsApp" : "text"}`,
    description: caption ?? null,
    category: "general",
    urgency: "routine",
    address: lead?.address ?? null,
    postcode: lead?.postcode ?? null,
    accessNotes: null,
  });
}

/** Fetches the media from the provider, refusing it (without reading it all) when over WhatsApp's limits. */
async function fetchMedia(
  deps: MediaDeps,
  message: Message,
): Promise<{ bytes: Uint8Array; contentType: string } | { refused: string }> {
  const maxBytes = maxBytesFor(message.kind);
  if (message.channel === "whatsapp") {
    if (!deps.whatsappMedia)
      throw new Error("WhatsApp is not configured (no access token), so its media cannot be downloaded");
    const info = await deps.whatsappMedia.info(message.mediaId!);
    const allowed = mediaAllowed(message.kind, info.mimeType, info.size);
    if (!allowed.ok) return { refused: allowed.message };
    return deps.whatsappMedia.download(info.url, maxBytes);
  }
  if (!deps.smsMedia) throw new Error("Twilio is not configured, so MMS media cannot be downloaded");
  return deps.smsMedia(message.mediaId!, maxBytes);
}

/**
 * Records a failed attempt to download or store a message's media: the reason (and whether it
 * will be retried) on the message, which is marked given up on the runner's last attempt so
 * staff are offered a retry (retryMediaDownload). Returns the error for the handler to throw.
 */
async function attemptFailed(
  deps: MediaDeps,
  job: Task,
  message: Message,
  error: unknown,
  what?: string,
): Promise<unknown> {
  const attempts = job.attempts + 1;
  const gaveUp = attempts >= (deps.maxAttempts ?? DEFAULT_RETRY.maxAttempts);
  const reason = error instanceof Error ? error.message : String(error);
  const updated = await deps.messages.update(message.id, {
    mediaError: `${what ? `${what}: ` : ""}${reason}${gaveUp ? ` (gave up after ${attempts} attempts)` : ` (attempt ${attempts}; retrying)`}`,
    mediaGaveUpAt: gaveUp ? deps.now() : null,
  });
  if (updated) await publishMessage(deps.liveEvents, updated, "updated");
  return error;
}

/**
 * Downloads an inbound message's media (durable job keyed by the message id), stores it under
 * tenant-media/, makes a thumbnail for photos, and files photos, videos and documents under the
 * lead's job; voice notes and audio go on to transcription. A failed download, or a failure to
 * store what was downloaded (the blob store's put), throws (the job is retried with backoff,
 * and marked given up on its last attempt) and the message shows "media pending" with the
 * reason meanwhile: it is never marked done while its media is missing.
 */
export function downloadMessageMedia(deps: MediaDeps) {
  return async ({ messageId }: TaskPayload<typeof MEDIA_TASK>, job: Task) => {
    let message = await deps.messages.byId(messageId);
    if (!message || message.status !== "media_pending" || !message.mediaId) return;

    if (!message.mediaKey) {
      let fetched: Awaited<ReturnType<typeof fetchMedia>>;
      try {
        fetched = await fetchMedia(deps, message);
      } catch (error) {
        if (error instanceof MediaTooLargeError) {
          fetched = {
            refused: `This ${message.kind === "voice" ? "voice note" : message.kind} is over WhatsApp's ${formatBytes(error.maxBytes)} limit; it was not stored.`,
          };
        } else {
          throw await attemptFailed(deps, job, message, error);
        }
      }
      if ("refused" in fetched) {
        const refused = await deps.messages.advance(message.id, ["media_pending"], {
          status: "refused",
          mediaError: fetched.refused,
        });
        if (refused) await publishMessage(deps.liveEvents, refused, "updated");
        deps.log.warn({ messageId: message.id, kind: message.kind }, "inbound media refused");
        return;
      }
      const contentType =
        baseMediaType(fetched.contentType) === "application/octet-stream" && message.mediaType
          ? message.mediaType
          : fetched.contentType;
      const allowed = mediaAllowed(message.kind, contentType, fetched.bytes.byteLength);
      if (!allowed.ok) {
        const refused = await deps.messages.advance(message.id, ["media_pending"], {
          status: "refused",
          mediaError: allowed.message,
        });
        if (refused) await publishMessage(deps.liveEvents, refused, "updated");
        return;
      }
      const folder = `tenant-media/${message.leadId ?? "unknown"}`;
      let stored: StoredBlob;
      let thumbnailKey: string | null = null;
      try {
        stored = await deps.blobStore.put(
          `${folder}/${message.id}.${extensionFor(contentType)}`,
          fetched.bytes,
          baseMediaType(contentType),
        );
        if (message.kind === "image") {
          const thumbnail = await deps.makeThumbnail(fetched.bytes, contentType).catch(() => null);
          if (thumbnail)
            thumbnailKey = (
              await deps.blobStore.put(`${folder}/${message.id}-thumb.jpg`, thumbnail.bytes, thumbnail.contentType)
            ).key;
        }
      } catch (error) {
        // Downloaded but not kept: retried (downloaded again) like a failed download, then given up.
        throw await attemptFailed(deps, job, message, error, "Could not store the media");
      }
      message =
        (await deps.messages.update(message.id, {
          mediaKey: stored.key,
          mediaSize: stored.size,
          mediaType: stored.contentType,
          thumbnailKey,
          mediaError: null,
          mediaGaveUpAt: null,
        })) ?? message;
    }

    if (message.kind === "voice" || message.kind === "audio") {
      const next = await deps.messages.advance(message.id, ["media_pending"], { status: "processing" });
      await deps.tasks.enqueue({
        kind: UNDERSTAND_TASK,
        key: message.id,
        payload: { messageId: message.id },
        runAt: deps.now(),
      });
      if (next) await publishMessage(deps.liveEvents, next, "updated");
      return;
    }
    const issue = message.kind === "sticker" ? null : await issueForMedia(deps, message);
    const done = await deps.messages.advance(message.id, ["media_pending"], {
      status: "done",
      issueId: issue?.id ?? message.issueId,
    });
    if (done) await publishMessage(deps.liveEvents, done, "updated");
    if (issue)
      deps.log.info({ messageId: message.id, issueId: issue.id, kind: message.kind }, "media filed under the job");
  };
}
