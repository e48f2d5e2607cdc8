/** What Meta says about an uploaded or received media object (GET /{media-id}). */
export interface WhatsAppMediaInfo {
  /** Where to download it, with the access token; valid for about five minutes. */
  url: string;
  mimeType: string;
  /** Bytes, when Meta says. */
  size: number | null;
  sha256: string | null;
}

/**
 * Received media from the Cloud API: look up a media id (from the webhook; valid for 7 days),
 * then download it from the short-lived URL with the access token. Failures throw, naming Meta.
 */
export interface WhatsAppMedia {
  info(mediaId: string): Promise<WhatsAppMediaInfo>;
  /** Reads at most `maxBytes`; a larger body throws MediaTooLargeError without reading it all. */
  download(url: string, maxBytes: number): Promise<{ bytes: Uint8Array; contentType: string }>;
}

export class MediaTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`media is larger than ${maxBytes} bytes`);
    this.name = "MediaTooLargeError";
  }
}
