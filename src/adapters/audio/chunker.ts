/**
 * Cuts a byte stream into chunks of exactly `chunkBytes` (WisprFlow wants every chunk of a
 * session to last the same time). Bytes that do not fill a chunk wait for the next push.
 *
 * @example
 * const chunker = createChunker(32_000); // 1 s of 16 kHz 16-bit mono
 * for (const chunk of chunker.push(pcm)) send(chunk);
 * const last = chunker.flush(); // the remainder padded with zeros (silence), or null
 */
export interface Chunker {
  readonly chunkBytes: number;
  /** Bytes waiting for the next chunk. */
  readonly pendingBytes: number;
  /** Adds bytes; returns the chunks they completed (each a fresh array of chunkBytes). */
  push(bytes: Uint8Array): Uint8Array[];
  /** The pending bytes padded with `padByte` to a whole chunk, or null when nothing is pending. */
  flush(padByte?: number): Uint8Array | null;
}

export function createChunker(chunkBytes: number): Chunker {
  if (!Number.isInteger(chunkBytes) || chunkBytes <= 0)
    throw new RangeError(`chunk size must be a positive integer, got ${chunkBytes}`);
  let current = new Uint8Array(chunkBytes);
  let filled = 0;
  return {
    chunkBytes,
    get pendingBytes() {
      return filled;
    },
    push(bytes) {
      const done: Uint8Array[] = [];
      let offset = 0;
      while (offset < bytes.length) {
        const take = Math.min(chunkBytes - filled, bytes.length - offset);
        current.set(bytes.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === chunkBytes) {
          done.push(current);
          current = new Uint8Array(chunkBytes);
          filled = 0;
        }
      }
      return done;
    },
    flush(padByte = 0) {
      if (filled === 0) return null;
      const chunk = current;
      chunk.fill(padByte, filled);
      current = new Uint8Array(chunkBytes);
      filled = 0;
      return chunk;
    },
  };
}
