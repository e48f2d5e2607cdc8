/** The folders blobs live in, as the S3 layout names them. */
export const BLOB_PREFIXES = ["recordings/", "photos/", "documents/", "tenant-media/"] as const;
export type BlobPrefix = (typeof BLOB_PREFIXES)[number];

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
  put(key: string, body: Uint8Array | ReadableStream<Uint8Array>, contentType: string): Promise<StoredBlob>;
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
