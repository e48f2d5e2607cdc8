import type { BlobStore } from "../../ports/blob-store.ts";
import type { Calls } from "../../ports/calls.ts";
import { RECORDING_TASK, type TaskPayload } from "../tasks/kinds.ts";
export { RECORDING_TASK };

/** recordingUrl: where the provider serves the audio; fetching it needs the account's credentials. */
export type RecordingTask = TaskPayload<typeof RECORDING_TASK>;

/** Fetches a recording's audio from the provider (authenticated). */
export type FetchRecording = (url: string) => Promise<{ bytes: Uint8Array; contentType: string }>;

/**
 * Downloads a finished recording into the blob store under recordings/ and links it to its
 * call. Runs as a durable job: a failure throws and is retried later, even after a restart.
 */
export function downloadRecording(deps: { calls: Calls; blobStore: BlobStore; fetchRecording: FetchRecording }) {
  return async ({ callSid, recordingSid, recordingUrl }: RecordingTask) => {
    const call = await deps.calls.byProviderId(callSid);
    if (!call) throw new Error(`no call ${callSid} for recording ${recordingSid}`);
    const { bytes, contentType } = await deps.fetchRecording(recordingUrl);
    if (bytes.byteLength === 0) throw new Error(`recording ${recordingSid} came back empty`);
    const extension = contentType.includes("mpeg") ? "mp3" : "wav";
    const key = `recordings/${call.id}/${recordingSid}.${extension}`;
    await deps.blobStore.put(key, bytes, contentType);
    await deps.calls.update(call.id, { recordingKey: key });
  };
}
