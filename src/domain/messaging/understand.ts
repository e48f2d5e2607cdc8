import { maskCardData } from "../card-masking.ts";
import type { BlobStore } from "../../ports/blob-store.ts";
import type { Extractor } from "../../ports/extractor.ts";
import type { Issues } from "../../ports/issues.ts";
import type { Task } from "../../ports/tasks.ts";
import type { VoiceNoteTranscriber } from "../../ports/voice-note-transcriber.ts";
import { DEFAULT_RETRY } from "../tasks/retry-policy.ts";
import { issueTitle, leadUpdatesFrom } from "../extraction/call-intake.ts";
import type { Extraction } from "../extraction/extraction.ts";
import { isOpenIssue, type Issue } from "../issues.ts";
import type { InboundDeps } from "./inbound.ts";
import { publishMessage } from "./live.ts";
import { NO_TRANSCRIBER, type Message } from "./message.ts";
import type { TaskPayload, UNDERSTAND_TASK } from "../tasks/kinds.ts";

/** Below this the extractor is guessing: nothing is filed on it. */
const SURE = 0.5;

export interface UnderstandDeps extends InboundDeps {
  blobStore: BlobStore;
  issues: Issues;
  extractor: Extractor;
  /** Null when none is configured: voice notes are kept and played, and say they are not transcribed. */
  voiceNotes: VoiceNoteTranscriber | null;
  /** The job runner's attempts before it gives up. */
  maxAttempts?: number;
}

async function readBlob(blobStore: BlobStore, key: string): Promise<Uint8Array> {
  const blob = await blobStore.get(key);
  if (!blob) throw new Error(`the stored media ${key} is missing`);
  return new Uint8Array(await new Response(blob.body).arrayBuffer());
}

/** Whether the words describe a job well enough to open one. */
const describesJob = (extraction: Extraction) =>
  (extraction.summary !== null && extraction.confidence.summary >= SURE) ||
  (extraction.category !== null && extraction.category !== "general" && extraction.confidence.category >= SURE);

/**
 * What an inbound message says (durable job keyed by the message id, after its media is stored):
 * a voice note is transcribed first (whisper-1, or marked "not transcribed" when no transcriber
 * is configured) and extraction starts only once its transcript is ready; text goes straight to
 * extraction. The lead's empty details are filled in (never overwriting staff's), the message is
 * filed under the lead's open job, or a new job is opened when the message describes one.
 * A transcriber or extractor failure throws and the job is retried; the message stays
 * "processing" meanwhile.
 */
export function understandMessage(deps: UnderstandDeps) {
  return async ({ messageId }: TaskPayload<typeof UNDERSTAND_TASK>, job: Task) => {
    let message = await deps.messages.byId(messageId);
    if (!message || (message.status !== "received" && message.status !== "processing")) return;

    if ((message.kind === "voice" || message.kind === "audio") && message.transcript === null) {
      if (!message.mediaKey) return; // the media job has not stored it yet; it queues this job again
      if (!deps.voiceNotes) {
        const done = await deps.messages.advance(message.id, ["processing", "received"], {
          status: "done",
          transcriber: NO_TRANSCRIBER,
        });
        if (done) await publishMessage(deps.liveEvents, done, "updated");
        return;
      }
      const audio = await readBlob(deps.blobStore, message.mediaKey);
      let result: { text: string };
      try {
        result = await deps.voiceNotes.transcribe(audio, message.mediaType ?? "audio/ogg");
      } catch (error) {
        const attempts = job.attempts + 1;
        if (attempts < (deps.maxAttempts ?? DEFAULT_RETRY.maxAttempts)) throw error;
        // Given up: the voice note stays playable, and says why it has no transcript.
        const reason = error instanceof Error ? error.message : String(error);
        const done = await deps.messages.advance(message.id, ["processing"], {
          status: "done",
          transcriber: `${deps.voiceNotes.name} failed: ${reason}`,
        });
        if (done) await publishMessage(deps.liveEvents, done, "updated");
        return;
      }
      message =
        (await deps.messages.update(message.id, {
          // Masked before it is stored, shown or sent to the extractor: callers read card numbers out.
          transcript: maskCardData(result.text).text,
          transcriber: deps.voiceNotes.name,
        })) ?? message;
      await publishMessage(deps.liveEvents, message, "updated");
    }

    const text =
      (message.kind === "voice" || message.kind === "audio" ? message.transcript : message.body)?.trim() ?? "";
    let issueId = message.issueId;
    let extracted: Extraction | null = message.extracted;
    if (text !== "" && (message.kind === "text" || message.kind === "voice" || message.kind === "audio")) {
      extracted = await deps.extractor.extract({ lines: [{ speaker: "caller", text }] });
      issueId = (await fileUnderJob(deps, message, extracted))?.id ?? issueId;
    }
    const done = await deps.messages.advance(message.id, ["processing", "received"], {
      status: "done",
      extracted,
      issueId,
    });
    if (done) await publishMessage(deps.liveEvents, done, "updated");
  };
}

async function fileUnderJob(deps: UnderstandDeps, message: Message, extraction: Extraction): Promise<Issue | null> {
  if (!message.leadId) return null;
  const lead = await deps.leads.byId(message.leadId);
  if (!lead) return null;
  const sure: Extraction = { ...extraction };
  for (const field of ["name", "organisation", "address", "postcode"] as const)
    if (extraction.confidence[field] < SURE) sure[field] = null;
  const updates = leadUpdatesFrom(lead, sure);
  if (Object.keys(updates).length > 0) await deps.leads.update(lead.id, updates);
  if (message.issueId) return null;
  const open = (await deps.issues.forLead(lead.id)).filter((issue) => isOpenIssue(issue.status));
  if (open[0]) return open[0];
  if (!describesJob(extraction)) return null;
  const issue = await deps.issues.create({
    leadId: lead.id,
    title: issueTitle(extraction),
    description: extraction.summary,
    category: extraction.category ?? "general",
    urgency: extraction.urgency ?? "routine",
    address: sure.address ?? lead.address,
    postcode: sure.postcode ?? lead.postcode,
    accessNotes: extraction.accessNotes,
  });
  deps.log.info({ messageId: message.id, issueId: issue.id }, "job opened from a message");
  return issue;
}
