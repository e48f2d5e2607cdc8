import { FRAME_BYTES, ULAW_SILENCE } from "../../ports/voice-synthesiser.ts";
import { createChunker } from "./chunker.ts";

/**
 * Re-cuts µ-law audio arriving in chunks of any size into the port's 20 ms frames (160 bytes),
 * yielding each frame as soon as it is whole; the last is padded with µ-law silence (0xFF),
 * unless `signal` aborted (barge-in: nothing more is played).
 *
 * @example for await (const frame of ulawFrames(response.body)) ws.send(frame);
 */
export async function* ulawFrames(chunks: AsyncIterable<Uint8Array>, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const chunker = createChunker(FRAME_BYTES);
  for await (const chunk of chunks) {
    for (const frame of chunker.push(chunk)) {
      if (signal?.aborted) return;
      yield frame;
    }
  }
  if (signal?.aborted) return;
  const last = chunker.flush(ULAW_SILENCE);
  if (last) yield last;
}
