/**
 * Decodes one track's media payloads (base64 µ-law) into a shared slab rather than a Buffer per
 * frame: 50 frames a second per track made one small native allocation each, and the Deepgram
 * batch then copied ten of them into one message. Consecutive frames of a track land side by
 * side, so a batch of them is one view of the slab, sent without copying (see the Deepgram
 * adapter's batch).
 *
 * A slab is written once, front to back, and never reused: a full one is left to its frames
 * (they may be held for seconds: frame ordering, a connecting transcriber, a fallback's buffer)
 * and the garbage collector frees it once none is referenced.
 *
 * @example
 * const decode = createMediaPayloadDecoder();
 * const payload = decode(message.media.payload); // Uint8Array view, the bytes Buffer.from(…, "base64") gives
 */
export function createMediaPayloadDecoder(slabBytes = 16_000): (base64: string) => Uint8Array {
  // Taken at the first frame, so a stream refused before its audio costs nothing.
  let slab: Buffer | null = null;
  let used = 0;
  return (base64) => {
    // Upper bound of the decoded size (padding makes it smaller, never larger).
    const most = Math.ceil((base64.length * 3) / 4);
    if (most > slabBytes) return Buffer.from(base64, "base64");
    if (slab === null || used + most > slabBytes) {
      slab = Buffer.allocUnsafe(slabBytes);
      used = 0;
    }
    const written = slab.write(base64, used, "base64");
    const payload = slab.subarray(used, used + written);
    used += written;
    return payload;
  };
}
