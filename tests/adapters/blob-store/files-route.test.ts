import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { createFolderBlobStore, type FolderBlobStore } from "../../../src/adapters/local/folder-blob-store.ts";
import { contentDisposition, fileRoutes } from "../../../src/http/files.ts";
import { bytes } from "./contract.ts";

const signingSecret = "route-secret-route-secret-route-secret-01";

describe("GET /files/:token", () => {
  let dir: string;
  let store: FolderBlobStore;
  let offset = 0;
  let app: Hono;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "switchboard-files-"));
    store = createFolderBlobStore({
      dir,
      signingSecret,
      publicBaseUrl: "http://localhost",
      now: () => Date.now() + offset,
    });
    app = new Hono().route("/", fileRoutes(store, store.verifyLink));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  const linkTo = async (key: string, seconds = 60) => new URL(await store.downloadUrl(key, seconds)).pathname;

  test("streams the blob with its type, length, private caching and a filename", async () => {
    await store.put("photos/job-4/leak under sink.jpg", bytes(1, 2, 3, 4), "image/jpeg");
    const response = await app.request(await linkTo("photos/job-4/leak under sink.jpg"));
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "content-type": "image/jpeg",
      "content-length": "4",
      "cache-control": "private",
      "content-disposition": `inline; filename="leak under sink.jpg"; filename*=UTF-8''leak%20under%20sink.jpg`,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes(1, 2, 3, 4));
  });

  test("HEAD answers the headers without the bytes", async () => {
    const response = await app.request(await linkTo("photos/job-4/leak under sink.jpg"), { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe("4");
    expect(await response.text()).toBe("");
  });

  test("types that could run script are downloaded, not shown", async () => {
    await store.put("tenant-media/wa-9/page.html", bytes(60, 62), "text/html");
    const response = await app.request(await linkTo("tenant-media/wa-9/page.html"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toStartWith("attachment;");
    expect(contentDisposition("photos/x.svg", "image/svg+xml")).toStartWith("attachment;");
    expect(contentDisposition("recordings/x.wav", "audio/wav; codecs=1")).toStartWith("inline;");
    expect(contentDisposition("documents/Quote (£250)'s.pdf", "application/pdf")).toBe(
      `inline; filename="Quote (_250)_s.pdf"; filename*=UTF-8''Quote%20%28%C2%A3250%29%27s.pdf`,
    );
  });

  test("403 with the reason for an expired link", async () => {
    await store.put("documents/invoice-3.pdf", bytes(9), "application/pdf");
    offset = -3600_000;
    const path = await linkTo("documents/invoice-3.pdf", 60);
    offset = 0;
    const response = await app.request(path);
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("This download link has expired.");
  });

  test("403 for a tampered, foreign or malformed token", async () => {
    const path = await linkTo("documents/invoice-3.pdf");
    const [payload, signature] = path.slice("/files/".length).split(".");
    const [otherPayload] = (await linkTo("photos/job-4/leak under sink.jpg")).slice("/files/".length).split(".");
    const foreign = createFolderBlobStore({ dir, signingSecret: "z".repeat(40), publicBaseUrl: "http://localhost" });
    const foreignPath = new URL(await foreign.downloadUrl("documents/invoice-3.pdf", 60)).pathname;

    for (const bad of [
      `/files/${otherPayload}.${signature}`,
      `/files/${payload}.${signature}A`,
      foreignPath,
      "/files/nonsense",
    ]) {
      const response = await app.request(bad);
      expect(response.status).toBe(403);
      expect(await response.text()).toBe("This download link is not valid.");
    }
  });

  test("404 when the blob is gone", async () => {
    await store.put("photos/deleted.jpg", bytes(1), "image/jpeg");
    const path = await linkTo("photos/deleted.jpg");
    await store.delete("photos/deleted.jpg");
    const response = await app.request(path);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("This file no longer exists.");
  });

  test("refusals reach the host app's error handler", async () => {
    const seen: number[] = [];
    const host = new Hono();
    host.onError((error, c) => {
      if (error instanceof HTTPException) seen.push(error.status);
      return c.text("handled by host", error instanceof HTTPException ? error.status : 500);
    });
    host.route("/", fileRoutes(store, store.verifyLink));
    const response = await host.request("/files/nonsense");
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("handled by host");
    expect(seen).toEqual([403]);
  });
});
