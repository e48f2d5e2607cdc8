import { ok, reject, type Result } from "../result.ts";

/** A note or a photo an engineer recorded on a visit. */
export interface VisitRecord {
  id: string;
  appointmentId: string;
  issueId: string;
  kind: "note" | "photo";
  note: string | null;
  photoKey: string | null;
  thumbnailKey: string | null;
  contentType: string | null;
  size: number | null;
  byUserId: string | null;
  createdAt: Date;
}

/** A phone photo is a few MB; 15 MB leaves room for a big one without letting uploads fill the store. */
export const MAX_SITE_PHOTO_BYTES = 15 * 1024 * 1024;
/** What phones' cameras save (iPhones HEIC unless set to "most compatible"). */
export const SITE_PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp", "image/heic"] as const;
export const MAX_VISIT_NOTE_LENGTH = 2000;

type SitePhotoType = (typeof SITE_PHOTO_TYPES)[number];

const EXTENSIONS: Record<SitePhotoType, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/heic": "heic",
};

const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

/**
 * What the bytes are, read from their first few (magic numbers), not from the name or the type
 * the phone declared: a renamed PDF is not a photo.
 */
export function photoTypeOf(bytes: Uint8Array): SitePhotoType | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes[0] === 0x89 && ascii(bytes, 1, 4) === "PNG") return "image/png";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP") return "image/webp";
  if (ascii(bytes, 4, 8) === "ftyp" && ["heic", "heix", "mif1", "msf1", "hevc"].includes(ascii(bytes, 8, 12)))
    return "image/heic";
  return null;
}

/**
 * Whether a photo taken on site may be kept: its type (from its bytes) and file extension.
 * @example sitePhotoAllowed(jpegBytes) // ok({ type: "image/jpeg", extension: "jpg" })
 */
export function sitePhotoAllowed(
  bytes: Uint8Array,
): Result<{ type: SitePhotoType; extension: string }, "invalid_photo"> {
  if (bytes.byteLength === 0) return reject("invalid_photo", "That photo is empty.");
  if (bytes.byteLength > MAX_SITE_PHOTO_BYTES)
    return reject("invalid_photo", `That photo is over ${MAX_SITE_PHOTO_BYTES / 1024 / 1024} MB.`);
  const type = photoTypeOf(bytes);
  if (!type) return reject("invalid_photo", "Only photos can be added here (JPEG, PNG, WebP or HEIC).");
  return ok({ type, extension: EXTENSIONS[type] });
}

/** The blob key of a site photo: under photos/, by job and visit, named by a fresh id. */
export const sitePhotoKey = (issueId: string, appointmentId: string, id: string, extension: string) =>
  `photos/issues/${issueId}/visits/${appointmentId}/${id}.${extension}`;

/** A note as typed on the phone: trimmed, not empty, not a novel. */
export function parseVisitNote(text: string): Result<string, "invalid_note"> {
  const note = text.trim();
  if (note === "") return reject("invalid_note", "Write something in the note first.");
  if (note.length > MAX_VISIT_NOTE_LENGTH)
    return reject("invalid_note", `Keep a note under ${MAX_VISIT_NOTE_LENGTH} characters.`);
  return ok(note);
}
