import { ok, reject, type Result } from "../result.ts";
import type { MessageKind } from "./message.ts";

const MB = 1024 * 1024;

/**
 * WhatsApp's supported media types and size limits (Cloud API, "Supported media types"):
 * audio 16 MB (AAC, AMR, MP3, MP4 audio, OGG/Opus), images 5 MB (JPEG, PNG), video 16 MB
 * (MP4, 3GPP), documents 100 MB (PDF, text, Office), stickers 500 KB (WebP).
 * Anything else is refused: we never store what WhatsApp itself would not carry.
 */
export const MEDIA_LIMITS: Record<
  "audio" | "image" | "video" | "document" | "sticker",
  { maxBytes: number; types: readonly string[] }
> = {
  audio: { maxBytes: 16 * MB, types: ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg", "audio/opus"] },
  image: { maxBytes: 5 * MB, types: ["image/jpeg", "image/png"] },
  video: { maxBytes: 16 * MB, types: ["video/mp4", "video/3gpp", "video/3gp"] },
  document: {
    maxBytes: 100 * MB,
    types: [
      "application/pdf",
      "text/plain",
      "application/msword",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.ms-excel",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.ms-powerpoint",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ],
  },
  sticker: { maxBytes: 500 * 1024, types: ["image/webp"] },
};

const limitsFor = (kind: MessageKind) =>
  kind === "voice" || kind === "audio"
    ? MEDIA_LIMITS.audio
    : kind in MEDIA_LIMITS
      ? MEDIA_LIMITS[kind as keyof typeof MEDIA_LIMITS]
      : null;

/** "image/jpeg" from "image/jpeg; charset=binary" or "audio/ogg; codecs=opus". */
export const baseMediaType = (contentType: string) => contentType.split(";")[0]!.trim().toLowerCase();

export const formatBytes = (bytes: number) =>
  bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;

/** The most bytes a download of this kind may read before it is refused. */
export const maxBytesFor = (kind: MessageKind): number => limitsFor(kind)?.maxBytes ?? 0;

/**
 * Whether media of this kind, type and size (when known) may be kept; the rejection's message is
 * shown to staff on the message.
 * @example mediaAllowed("image", "image/gif", 1000) // rejected: "GIF images are not a type WhatsApp carries…"
 */
export function mediaAllowed(
  kind: MessageKind,
  contentType: string,
  size: number | null,
): Result<true, "media_type" | "media_too_large"> {
  const limits = limitsFor(kind);
  const type = baseMediaType(contentType);
  if (!limits || !limits.types.includes(type)) {
    return reject(
      "media_type",
      `${type || "Unknown"} ${kind === "voice" ? "voice notes" : `${kind}s`} are not a type WhatsApp carries; it was not stored.`,
    );
  }
  if (size !== null && size > limits.maxBytes) {
    return reject(
      "media_too_large",
      `This ${kind === "voice" ? "voice note" : kind} is ${formatBytes(size)}, over WhatsApp's ${formatBytes(limits.maxBytes)} limit; it was not stored.`,
    );
  }
  return ok(true);
}

const EXTENSIONS: Record<string, string> = {
  "audio/aac": "aac",
  "audio/amr": "amr",
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "audio/ogg": "ogg",
  "audio/opus": "ogg",
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "video/mp4": "mp4",
  "video/3gpp": "3gp",
  "video/3gp": "3gp",
  "application/pdf": "pdf",
  "text/plain": "txt",
};

/** A file extension for a stored blob's key. */
export const extensionFor = (contentType: string) => EXTENSIONS[baseMediaType(contentType)] ?? "bin";
