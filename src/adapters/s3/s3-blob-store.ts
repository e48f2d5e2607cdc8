import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type CompletedPart,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { blobKeyProblem, type BlobStore, type StoredBlob } from "../../ports/blob-store.ts";
import { streamParts } from "./stream-parts.ts";
import { defaultPolicy } from "../resilience/vendor-policies.ts";
import type { VendorPolicy } from "../resilience/vendor-policy.ts";

export interface S3BlobStoreConfig {
  bucket: string;
  /** e.g. "eu-west-2" (AWS_REGION). */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** For S3-compatible stores (S3_ENDPOINT); such stores are addressed path-style by default. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Clock used to sign download links; tests move it to make expired links. */
  now?: () => number;
  /** S3's timeout, circuit and retries (src/adapters/resilience); default: one of its own. */
  policy?: VendorPolicy;
}

/** S3's smallest allowed multipart part; streams that end before it go up as one PutObject. */
const PART_BYTES = 5 * 1024 * 1024;
/** SigV4 presigned URLs live at most seven days. */
const MAX_LINK_SECONDS = 7 * 24 * 60 * 60;
const CHECK_TIMEOUT_MS = 5_000;

/**
 * Blob store on an S3 bucket (or an S3-compatible store through `endpoint`).
 * Keys map one-to-one onto object keys; nothing is public, downloads go through presigned
 * GET URLs. Failures throw errors whose message starts with "S3" and whose `cause` is the
 * SDK's error.
 *
 * @example
 * const blobs = createS3BlobStore({ bucket: "switchboard-media", region: "eu-west-2", accessKeyId, secretAccessKey });
 * await blobs.put("recordings/CA123.wav", bytes, "audio/wav");
 * const url = await blobs.downloadUrl("recordings/CA123.wav", 300);
 */
export function createS3BlobStore(config: S3BlobStoreConfig, client?: S3Client): BlobStore {
  const { bucket } = config;
  const now = config.now ?? Date.now;
  const s3 =
    client ??
    new S3Client({
      region: config.region,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      forcePathStyle: config.forcePathStyle ?? Boolean(config.endpoint),
      // The SDK's own retries are off: the vendor policy retries, so attempts are not multiplied.
      maxAttempts: 1,
    });
  const policy = config.policy ?? defaultPolicy("S3");
  /**
   * One S3 request under the policy. Every body sent here is bytes in hand (streams go up in
   * parts), and PUT, GET, HEAD and DELETE of a key are idempotent, so they may be repeated;
   * starting a multipart upload is not (a repeat would leave an orphaned upload).
   */
  const run = <T>(call: (abortSignal: AbortSignal) => Promise<T>, retry = true): Promise<T> =>
    policy.run(call, { retry });

  const fail = (action: string, key: string | null, cause: unknown): Error =>
    new Error(`S3 ${action}${key === null ? "" : ` "${key}"`} in bucket "${bucket}" failed: ${describe(cause)}`, {
      cause,
    });

  async function putBytes(key: string, bytes: Uint8Array, contentType: string): Promise<StoredBlob> {
    await run((abortSignal) =>
      s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
          ContentLength: bytes.byteLength,
        }),
        { abortSignal },
      ),
    );
    return { key, size: bytes.byteLength, contentType };
  }

  async function putMultipart(
    key: string,
    contentType: string,
    parts: AsyncIterator<Uint8Array, void>,
    firstParts: Uint8Array[],
  ): Promise<StoredBlob> {
    const created = await run(
      (abortSignal) =>
        s3.send(
          new CreateMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            ContentType: contentType,
            ChecksumAlgorithm: "CRC32",
          }),
          { abortSignal },
        ),
      false,
    );
    const uploadId = created.UploadId;
    if (!uploadId) throw new Error("CreateMultipartUpload returned no UploadId");
    const completed: CompletedPart[] = [];
    let size = 0;
    const upload = async (body: Uint8Array) => {
      const partNumber = completed.length + 1;
      const result = await run((abortSignal) =>
        s3.send(
          new UploadPartCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: body,
            ContentLength: body.byteLength,
            ChecksumAlgorithm: "CRC32",
          }),
          { abortSignal },
        ),
      );
      // An upload created with a checksum algorithm must list each part's checksum on completion.
      completed.push({ PartNumber: partNumber, ETag: result.ETag, ChecksumCRC32: result.ChecksumCRC32 });
      size += body.byteLength;
    };
    try {
      for (const part of firstParts) await upload(part);
      for (let next = await parts.next(); !next.done; next = await parts.next()) await upload(next.value);
      await run((abortSignal) =>
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: completed },
          }),
          { abortSignal },
        ),
      );
    } catch (error) {
      // Leave no orphaned parts (they are billed). If the abort fails too, say so in the error.
      const aborted = await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .then(
          () => null,
          (abortError: unknown) => abortError,
        );
      if (aborted)
        throw new Error(`${describe(error)} (and aborting upload ${uploadId} failed: ${describe(aborted)})`, {
          cause: error,
        });
      throw error;
    }
    return { key, size, contentType };
  }

  async function putStream(key: string, stream: ReadableStream<Uint8Array>, contentType: string): Promise<StoredBlob> {
    const parts = streamParts(stream, PART_BYTES);
    try {
      const first = await parts.next();
      if (first.done) return await putBytes(key, new Uint8Array(0), contentType);
      const second = await parts.next();
      if (second.done) return await putBytes(key, first.value, contentType);
      return await putMultipart(key, contentType, parts, [first.value, second.value]);
    } finally {
      await parts.return(undefined);
    }
  }

  return {
    kind: "s3",

    async put(key, body, contentType) {
      const checked = checkedKey(key);
      try {
        return body instanceof Uint8Array
          ? await putBytes(checked, body, contentType)
          : await putStream(checked, body, contentType);
      } catch (error) {
        throw fail("put", key, error);
      }
    },

    async get(key) {
      const checked = checkedKey(key);
      try {
        const object = await run((abortSignal) =>
          s3.send(new GetObjectCommand({ Bucket: bucket, Key: checked }), { abortSignal }),
        );
        if (!object.Body) throw new Error("GetObject returned no body");
        return {
          body: object.Body.transformToWebStream() as ReadableStream<Uint8Array>,
          size: object.ContentLength ?? 0,
          contentType: object.ContentType ?? "application/octet-stream",
        };
      } catch (error) {
        if (isMissingObject(error)) return null;
        throw fail("get", key, error);
      }
    },

    async delete(key) {
      const checked = checkedKey(key);
      try {
        // S3 answers 204 whether or not the object existed, so deleting twice is fine.
        await run((abortSignal) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: checked }), { abortSignal }));
      } catch (error) {
        throw fail("delete", key, error);
      }
    },

    async exists(key) {
      const checked = checkedKey(key);
      try {
        await run((abortSignal) => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: checked }), { abortSignal }));
        return true;
      } catch (error) {
        if (isMissingObject(error)) return false;
        throw fail("exists", key, error);
      }
    },

    async downloadUrl(key, expiresInSeconds) {
      const checked = checkedKey(key);
      if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_LINK_SECONDS) {
        throw new RangeError(`S3 download links last 1 to ${MAX_LINK_SECONDS} whole seconds, not ${expiresInSeconds}`);
      }
      try {
        return await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: checked }), {
          expiresIn: expiresInSeconds,
          signingDate: new Date(now()),
        });
      } catch (error) {
        throw fail("presign", key, error);
      }
    },

    async check() {
      try {
        await s3.send(new HeadBucketCommand({ Bucket: bucket }), {
          abortSignal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
        });
        return { ok: true };
      } catch (error) {
        return { ok: false, error: fail("check", null, error).message };
      }
    },
  };
}

function checkedKey(key: string): string {
  const problem = blobKeyProblem(key);
  if (problem) throw new Error(`S3 blob key ${JSON.stringify(key)} refused: it ${problem}`);
  return key;
}

/** NoSuchKey from GetObject, a bare 404 from HeadObject (which has no error body). NoSuchBucket is a real failure. */
function isMissingObject(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "NoSuchKey" || error.name === "NotFound") return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404 && error.name !== "NoSuchBucket";
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const message = error.message && error.message !== error.name ? `${error.name}: ${error.message}` : error.name;
  return status ? `${message} (HTTP ${status})` : message;
}
