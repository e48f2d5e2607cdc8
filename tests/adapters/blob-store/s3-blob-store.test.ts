import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { S3Client } from "@aws-sdk/client-s3";
import { createS3BlobStore, type S3BlobStoreConfig } from "../../../src/adapters/s3/s3-blob-store.ts";
import { startS3Server, type TestS3Server } from "../../support/s3-server.ts";
import { blobStoreContract, bytes, readAll, sampleBytes, streamOf } from "./contract.ts";

const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const configFor = (s3: TestS3Server, extra: Partial<S3BlobStoreConfig> = {}): S3BlobStoreConfig => ({
  bucket: s3.bucket,
  region: "eu-west-2",
  ...credentials,
  endpoint: s3.endpoint,
  ...extra,
});

blobStoreContract("S3 (s3rver)", async () => {
  const s3 = await startS3Server();
  let offset = 0;
  // No client passed: this exercises the adapter's own client set-up (path-style for an endpoint).
  const store = createS3BlobStore(configFor(s3, { now: () => Date.now() + offset }));
  return {
    store,
    download: (url) => fetch(url),
    shiftClock: (ms) => {
      offset = ms;
    },
    brokenStore: async () => {
      const gone = await startS3Server();
      await gone.stop();
      return createS3BlobStore(configFor(gone));
    },
    stop: () => s3.stop(),
  };
});

describe("S3 adapter specifics", () => {
  let s3: TestS3Server;
  let commands: string[];
  let client: S3Client;
  beforeAll(async () => {
    s3 = await startS3Server();
    client = new S3Client({ region: "eu-west-2", credentials, endpoint: s3.endpoint, forcePathStyle: true });
    // Record which S3 operations the adapter sends.
    client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(String(context.commandName));
        return next(args);
      },
      { step: "initialize" },
    );
  });
  afterAll(() => s3.stop());
  const store = () => createS3BlobStore(configFor(s3), client);

  test("a short stream goes up as one PutObject", async () => {
    commands = [];
    await store().put("photos/small.jpg", streamOf(sampleBytes(4000)), "image/jpeg");
    expect(commands).toEqual(["PutObjectCommand"]);
  });

  test("a stream longer than one part goes up as a multipart upload and comes back whole", async () => {
    const data = sampleBytes(11 * 1024 * 1024 + 123);
    commands = [];
    const stored = await store().put("recordings/CA-long.wav", streamOf(data, [256 * 1024]), "audio/wav");
    expect(stored.size).toBe(data.byteLength);
    expect(commands).toEqual([
      "CreateMultipartUploadCommand",
      "UploadPartCommand",
      "UploadPartCommand",
      "UploadPartCommand",
      "CompleteMultipartUploadCommand",
    ]);
    const blob = await store().get("recordings/CA-long.wav");
    expect(blob?.size).toBe(data.byteLength);
    expect(blob?.contentType).toBe("audio/wav");
    expect(Bun.hash(await readAll(blob!.body))).toBe(Bun.hash(data));
  });

  test("a long stream that fails after two parts went up aborts the multipart upload", async () => {
    let sent = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 11 * 1024 * 1024) return controller.error(new Error("caller hung up"));
        sent += 1024 * 1024;
        controller.enqueue(sampleBytes(1024 * 1024));
      },
    });
    commands = [];
    await expect(store().put("recordings/CA-dropped.wav", source, "audio/wav")).rejects.toThrow(
      /^S3 put .*caller hung up/,
    );
    expect(commands).toEqual([
      "CreateMultipartUploadCommand",
      "UploadPartCommand",
      "UploadPartCommand",
      "AbortMultipartUploadCommand",
    ]);
    expect(await store().exists("recordings/CA-dropped.wav")).toBe(false);
  });

  test("the source stream is cancelled when the upload fails", async () => {
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(sampleBytes(1024 * 1024)),
      cancel: () => {
        cancelled = true;
      },
    });
    const missingBucket = createS3BlobStore(configFor(s3, { bucket: "no-such-bucket" }), client);
    await expect(missingBucket.put("recordings/x.wav", source, "audio/wav")).rejects.toThrow(/^S3 put/);
    expect(cancelled).toBe(true);
  });

  test("failures name S3, the bucket and the vendor's error, and keep it as the cause", async () => {
    const missingBucket = createS3BlobStore(configFor(s3, { bucket: "no-such-bucket" }), client);
    const error = await missingBucket.get("photos/a.jpg").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^S3 get "photos\/a.jpg" in bucket "no-such-bucket" failed: NoSuchBucket/);
    expect((error as Error).cause).toBeInstanceOf(Error);
    await expect(missingBucket.put("photos/a.jpg", bytes(1), "image/jpeg")).rejects.toThrow(/NoSuchBucket/);

    const check = await missingBucket.check();
    expect(check).toEqual({ ok: false, error: expect.stringContaining('S3 check in bucket "no-such-bucket" failed') });
  });

  test("refused keys never reach S3", async () => {
    commands = [];
    await expect(store().put("../photos/a.jpg", bytes(1), "image/jpeg")).rejects.toThrow(/^S3 blob key .* refused/);
    await expect(store().get("photos/../a.jpg")).rejects.toThrow(/^S3 blob key .* refused/);
    await expect(store().downloadUrl("/photos/a.jpg", 60)).rejects.toThrow(/^S3 blob key .* refused/);
    expect(commands).toEqual([]);
  });

  test("download links are presigned GETs that expire when asked", async () => {
    const url = new URL(await store().downloadUrl("photos/a.jpg", 90));
    expect(url.pathname).toBe(`/${s3.bucket}/photos/a.jpg`);
    expect(url.searchParams.get("X-Amz-Expires")).toBe("90");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    await expect(store().downloadUrl("photos/a.jpg", 0)).rejects.toThrow(RangeError);
    await expect(store().downloadUrl("photos/a.jpg", 8 * 24 * 3600)).rejects.toThrow(RangeError);
  });
});
