import { baseMediaType } from "../messaging/media-policy.ts";
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

const EXTENSIONS: Record<(typeof SITE_PHOTO_TYPES)[number], string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/heic": "heic",
};

/**
 * Whether a photo taken on site may be kept, and under which file extension.
 * @example sitePhotoAllowed("image/jpeg", 2_000_000) // ok("jpg")
 */
export function sitePhotoAllowed(contentType: string, size: number): Result<string, "invalid_photo"> {
  const type = baseMediaType(contentType) as (typeof SITE_PHOTO_TYPES)[number];
  if (!SITE_PHOTO_TYPES.includes(type))
    return reject("invalid_photo", "Only photos can be added here (JPEG, PNG, WebP or HEIC).");
  if (size === 0) return reject("invalid_photo", "That photo is empty.");
  if (size > MAX_SITE_PHOTO_BYTES)
    return reject("invalid_photo", `That photo is over ${MAX_SITE_PHOTO_BYTES / 1024 / 1024} MB.`);
  return ok(EXTENSIONS[type]);
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
