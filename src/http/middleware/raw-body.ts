import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";

/**
 * The request's raw bytes, at most `maxBytes` of them: a larger declared Content-Length, or a
 * stream that grows past the limit, is refused with 413 and `tooLarge` before anything is
 * verified, and nothing past the limit is buffered. Signatures are computed over these exact
 * bytes, so the webhook middleware reads them here rather than through a parser.
 * @example const raw = await readRawBody(c, 1024 * 1024, "The body is too large to be a WhatsApp delivery.");
 */
export async function readRawBody(c: Context, maxBytes: number, tooLarge: string): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(c.req.header("Content-Length") ?? "0");
  if (declared > maxBytes) throw new HTTPException(413, { message: tooLarge });
  const body = c.req.raw.body;
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new HTTPException(413, { message: tooLarge });
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const raw = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    raw.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return raw;
}
