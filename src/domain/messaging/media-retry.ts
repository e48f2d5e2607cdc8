import type { LiveEvents } from "../../ports/live-events.ts";
import type { Messages } from "../../ports/messages.ts";
import { ok, reject, type Result } from "../result.ts";
import { MEDIA_TASK } from "./inbound.ts";
import { publishMessage } from "./live.ts";
import type { Message } from "./message.ts";

export type MediaRetryRejection = "not_found" | "not_given_up";

/** Why a message's media cannot be downloaded again, or null when it can (the download gave up). */
export function mediaRetryRefusal(message: Message): string | null {
  if (message.direction !== "inbound" || !message.mediaId) return "This message has no media to download.";
  if (message.mediaKey) return "Its media is already stored.";
  if (message.status === "refused")
    return `Its media was refused${message.mediaError ? ` (${message.mediaError})` : ""}; downloading it again would not change that.`;
  if (message.status !== "media_pending") return "Its media is not waiting for a download.";
  if (!message.mediaGaveUpAt) return "The download has not given up: it is still being retried.";
  return null;
}

/**
 * Staff ask again for media whose download job gave up: the job is queued afresh (attempts
 * counted from zero, due now) and the message shows "media pending" again until it is stored.
 * Rejected, changing nothing, for an unknown message or media that is not in the given-up state.
 */
export async function retryMediaDownload(
  deps: { messages: Messages; liveEvents: LiveEvents; now: () => Date; poke: () => void },
  messageId: string,
): Promise<Result<Message, MediaRetryRejection>> {
  const message = await deps.messages.byId(messageId);
  if (!message) return reject("not_found", "There is no message with that id.");
  const refusal = mediaRetryRefusal(message);
  if (refusal) return reject("not_given_up", `Not retried: ${refusal}`);
  const requeued = await deps.messages.requeueMediaDownload(message.id, MEDIA_TASK, deps.now());
  // Another click got there first, or the job is still retrying while the message says otherwise.
  if (!requeued) return reject("not_given_up", "Not retried: the download is already queued again.");
  await publishMessage(deps.liveEvents, requeued, "updated");
  deps.poke();
  return ok(requeued);
}
