import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { BlobStore, VerifyFileToken } from "../ports/blob-store.ts";

/**
 * Types a browser may show in place. Everything else is sent as an attachment, so an uploaded
 * HTML or SVG file can never run script on the app's origin.
 */
const SHOWN_INLINE = /^(image\/(png|jpeg|gif|webp|avif)|audio\/[\w.+-]+|video\/[\w.+-]+|application\/pdf|text\/plain)$/;

/**
 * GET /files/:token — downloads a blob through a signed, expiring link (the links the local
 * folder store's `downloadUrl` makes). The token is the whole check, so this sits outside
 * staff auth: 403 with the reason for a bad or expired token, 404 when the blob is gone,
 * otherwise the bytes streamed with their type and length.
 *
 * @example
 * const blobs = createFolderBlobStore({ dir, signingSecret, publicBaseUrl });
 * app.route("/", fileRoutes(blobs, blobs.verifyLink));
 */
export function fileRoutes(blobStore: BlobStore, verify: VerifyFileToken): Hono {
  const files = new Hono();

  files.get("/files/:token", async (c) => {
    const link = verify(c.req.param("token"));
    if (!link.ok) throw new HTTPException(403, { message: link.message });

    const blob = await blobStore.get(link.value);
    if (!blob) throw new HTTPException(404, { message: "This file no longer exists." });

    const headers = {
      "Content-Type": blob.contentType,
      "Content-Length": String(blob.size),
      "Cache-Control": "private",
      "Content-Disposition": contentDisposition(link.value, blob.contentType),
      "X-Content-Type-Options": "nosniff",
      // The token is in the URL: don't hand it to whatever a PDF links to.
      "Referrer-Policy": "no-referrer",
    };
    // Hono answers HEAD with this GET handler and drops the body; release the file first.
    if (c.req.method === "HEAD") {
      await blob.body.cancel();
      return c.body(null, 200, headers);
    }
    return c.body(blob.body, 200, headers);
  });

  return files;
}

/** `inline` for types safe to show, `attachment` otherwise, named after the key's last segment. */
export function contentDisposition(key: string, contentType: string): string {
  const essence = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  const type = SHOWN_INLINE.test(essence) ? "inline" : "attachment";
  const name = key.slice(key.lastIndexOf("/") + 1);
  const ascii = name.replace(/[^\w.\-() ]/g, "_");
  // RFC 5987 leaves ' ( ) * out of the characters that may go unescaped.
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
