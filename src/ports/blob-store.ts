import type { Result } from "../domain/result.ts";

/** The folders blobs live in, as the S3 layout names them. */
export const BLOB_PREFIXES = ["recordings/", "photos/", "documents/", "tenant-media/"] as const;
export type BlobPrefix = (typeof BLOB_PREFIXES)[number];

/**
 * Why a key may not be used, or null when it may. Both adapters refuse such keys, so a key
 * that works on the local folder also works on S3 and cannot escape the folder.
 *
 * @example
 * blobKeyProblem("photos/job-12/boiler.jpg"); // null
 * blobKeyProblem("../etc/passwd"); // 'must start with one of recordings/, photos/, …'
 */
export function blobKeyProblem(key: string): string | null {
  if (!BLOB_PREFIXES.some((prefix) => key.startsWith(prefix) && key.length > prefix.length)) {
    return `must start with one of ${BLOB_PREFIXES.join(", ")} and name something inside it`;
  }
  if (new TextEncoder().encode(key).byteLength > 1024) return "must be at most 1024 bytes as UTF-8 (the S3 limit)";
  if (key.includes("..")) return 'must not contain ".."';
  if (key.includes("\\")) return "must not contain a backslash";
  // Control characters (and NUL) break file systems, logs and HTTP headers alike.
  if (/[\u0000-\u001f\u007f]/.test(key)) return "must not contain control characters";
  if (key.endsWith("/") || key.split("/").some((segment) => segment === "" || segment === ".")) {
    return 'must not have empty or "." path segments';
  }
  return null;
}

export interface StoredBlob {
  key: string;
  size: number;
  contentType: string;
}

/**
 * Where recordings, photos, documents and tenant media are kept.
 * Keys always start with one of BLOB_PREFIXES; nothing in the store is public.
 */
export interface BlobStore {
  /** "s3" or "local folder", for the integrations page and logs. */
  readonly kind: string;
  /** Stores or replaces the blob. A stream may be of unknown length. Keys failing blobKeyProblem throw. */
  put(key: string, body: Uint8Array | ReadableStream<Uint8Array>, contentType: string): Promise<StoredBlob>;
  /** null when there is no such blob. Read the body to the end or cancel it: it may hold a connection. */
  get(key: string): Promise<{ body: ReadableStream<Uint8Array>; size: number; contentType: string } | null>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /**
   * A link that lets whoever holds it download the blob until it expires.
   * For the local folder this is an app route with a signed, expiring token.
   */
  downloadUrl(key: string, expiresInSeconds: number): Promise<string>;
  /** Cheap check for the integrations page: can we reach the store? */
  check(): Promise<{ ok: true } | { ok: false; error: string }>;
}

/** Checks a download token: the blob key it names, or a rejection with a sentence for people. */
export type VerifyFileToken = (token: string) => Result<string>;
