/**
 * Storage on S3 (a real S3 API, s3rver, on loopback) as the composition wires it: a failed call
 * to the bucket counts as an S3 vendor error; a missing object or a call that works does not.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import pino from "pino";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { createS3BlobStore } from "../../src/adapters/s3/s3-blob-store.ts";
import { wireDeps } from "../../src/compose/index.ts";
import { sampleValue } from "../support/prometheus-text.ts";
import { startS3Server, type TestS3Server } from "../support/s3-server.ts";
import { TEST_SECRETS, testConfig } from "../support/test-config.ts";
import { freshPglite } from "../support/test-db.ts";

let repos: OpenDatabase;
let s3: TestS3Server;

beforeAll(async () => {
  [repos, s3] = await Promise.all([freshPglite(), startS3Server()]);
}, 30_000);
afterAll(async () => {
  await s3?.stop();
  await repos?.close();
});

const wired = (bucket: string) =>
  wireDeps(testConfig(), {
    repos,
    storage: {
      blobStore: createS3BlobStore({
        bucket,
        region: "eu-west-2",
        accessKeyId: "S3RVER",
        secretAccessKey: "S3RVER",
        endpoint: s3.endpoint,
      }),
      verifyFileLink: null,
      detail: `S3 bucket ${bucket}`,
      vendor: "s3",
    },
    secrets: TEST_SECRETS,
    logger: pino({ level: "silent" }),
  });
const vendorErrors = async (wiring: ReturnType<typeof wired>, vendor: string) =>
  sampleValue(await wiring.deps.metricsEndpoint.exposition.text(), "switchboard_vendor_errors_total", { vendor });

test("a bucket that refuses a write counts one S3 error; reads of what is there, or is not, count none", async () => {
  const working = wired(s3.bucket);
  await working.deps.blobStore.put("documents/a.txt", new TextEncoder().encode("hello"), "text/plain");
  expect(await working.deps.blobStore.get("documents/a.txt")).not.toBeNull();
  expect(await working.deps.blobStore.get("documents/missing.txt")).toBeNull();
  expect(await vendorErrors(working, "s3")).toBe(0);

  const broken = wired("no-such-bucket");
  await expect(
    broken.deps.blobStore.put("documents/a.txt", new TextEncoder().encode("hello"), "text/plain"),
  ).rejects.toThrow();
  expect(await vendorErrors(broken, "s3")).toBe(1);
});
