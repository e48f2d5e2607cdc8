/**
 * S3 wants the length of a PutObject body up front, and multipart parts of at least 5 MiB
 * (except the last). A ReadableStream of unknown length is therefore cut into parts of at
 * least `partBytes`, holding one part in memory at a time.
 */
export async function* streamParts(
  stream: ReadableStream<Uint8Array>,
  partBytes: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = stream.getReader();
  let finished = false;
  let chunks: Uint8Array[] = [];
  let buffered = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      buffered += value.byteLength;
      if (buffered >= partBytes) {
        yield concatBytes(chunks, buffered);
        chunks = [];
        buffered = 0;
      }
    }
    finished = true;
    if (buffered > 0) yield concatBytes(chunks, buffered);
  } finally {
    // Stopped early because the upload failed: tell the producer nobody is reading any more.
    // A failure to cancel is dropped on purpose; the upload's own error is the one to report.
    if (!finished) await reader.cancel().catch((cancelError: unknown) => cancelError);
    reader.releaseLock();
  }
}

export function concatBytes(chunks: Uint8Array[], total = chunks.reduce((n, c) => n + c.byteLength, 0)): Uint8Array {
  if (chunks.length === 1 && chunks[0]) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
