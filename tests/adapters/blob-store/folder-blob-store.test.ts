import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import { createFolderBlobStore, type FolderBlobStore } from "../../../src/adapters/local/folder-blob-store.ts";
import { fileRoutes } from "../../../src/http/files.ts";
import { blobStoreContract, bytes, failingStream, readAll } from "./contract.ts";

const signingSecret = "test-secret-test-secret-test-secret-0123";
const publicBaseUrl = "http://switchboard.test";

blobStoreContract("local folder", async () => {
  const dir = await mkdtemp(join(tmpdir(), "switchboard-blobs-"));
  let offset = 0;
  const store = createFolderBlobStore({ dir, signingSecret, publicBaseUrl, now: () => Date.now() + offset });
  const app = new Hono().route("/", fileRoutes(store, store.verifyLink));
  return {
    store,
    download: async (url) => app.request(url),
    shiftClock: (ms) => {
      offset = ms;
    },
    brokenStore: async () => {
      // A regular file where the folder should be: nothing can be created under it (even as root).
      const notAFolder = join(dir, "not-a-folder");
      await writeFile(notAFolder, "x");
      return createFolderBlobStore({ dir: notAFolder, signingSecret, publicBaseUrl });
    },
    stop: () => rm(dir, { recursive: true, force: true }),
  };
});

describe("local folder specifics", () => {
  let dir: string;
  let store: FolderBlobStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "switchboard-blobs-"));
    store = createFolderBlobStore({ dir, signingSecret, publicBaseUrl: `${publicBaseUrl}/` });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test("a blob is a file at its key's path, its content type in a sidecar, no temp files left", async () => {
    await store.put("photos/job-9/after.jpg", bytes(7, 7), "image/jpeg");
    expect(new Uint8Array(await readFile(join(dir, "photos/job-9/after.jpg")))).toEqual(bytes(7, 7));
    expect(JSON.parse(await readFile(join(dir, ".meta/photos/job-9/after.jpg.json"), "utf8"))).toEqual({
      contentType: "image/jpeg",
    });
    expect(await readdir(join(dir, ".tmp"))).toEqual([]);
  });

  test("stored files are 0600 and the folders made for them 0700, whatever the process umask", async () => {
    const previous = process.umask(0o022);
    try {
      await store.put("recordings/call-1/audio.wav", bytes(1, 2), "audio/wav");
    } finally {
      process.umask(previous);
    }
    const mode = async (path: string) => (await stat(join(dir, path))).mode & 0o777;
    expect(await mode("recordings/call-1/audio.wav")).toBe(0o600);
    expect(await mode(".meta/recordings/call-1/audio.wav.json")).toBe(0o600);
    expect(await mode("recordings/call-1")).toBe(0o700);
  });

  test("a failed stream leaves no temp file behind", async () => {
    await expect(store.put("photos/job-9/broken.jpg", failingStream(bytes(1, 2, 3)), "image/jpeg")).rejects.toThrow(
      /^local folder put "photos\/job-9\/broken.jpg" .* failed: client went away/,
    );
    expect(await readdir(join(dir, ".tmp"))).toEqual([]);
  });

  test("traversal keys write nothing outside the folder", async () => {
    const outside = await mkdtemp(join(tmpdir(), "switchboard-outside-"));
    const escape = `photos/../../${outside.split("/").pop()}/pwned.txt`;
    await expect(store.put(escape, bytes(1), "text/plain")).rejects.toThrow(/refused/);
    expect(await readdir(outside)).toEqual([]);
    await rm(outside, { recursive: true });
  });

  test("a file copied in by hand, without a sidecar, is served as octet-stream", async () => {
    await store.put("documents/placeholder.txt", bytes(0), "text/plain");
    await writeFile(join(dir, "documents/hand-copied.bin"), bytes(1, 2));
    const blob = await store.get("documents/hand-copied.bin");
    expect(blob?.contentType).toBe("application/octet-stream");
    expect(await readAll(blob!.body)).toEqual(bytes(1, 2));
  });

  test("delete removes the sidecar too", async () => {
    await store.put("documents/gone.pdf", bytes(1), "application/pdf");
    await store.delete("documents/gone.pdf");
    await expect(readFile(join(dir, ".meta/documents/gone.pdf.json"))).rejects.toThrow(/ENOENT/);
  });

  test("download links point at the app's /files route and carry no readable secret", async () => {
    const url = await store.downloadUrl("photos/job-9/after.jpg", 60);
    expect(url).toMatch(/^http:\/\/switchboard\.test\/files\/[\w-]+\.[\w-]+$/);
    expect(url).not.toContain(signingSecret);
    const token = url.split("/files/")[1]!;
    expect(store.verifyLink(token)).toEqual({ ok: true, value: "photos/job-9/after.jpg" });
  });

  test("a short signing secret is refused at start-up", () => {
    expect(() => createFolderBlobStore({ dir, signingSecret: "short", publicBaseUrl })).toThrow(/at least 32/);
  });

  test("a body nobody reads holds no file open", async () => {
    await store.put("recordings/unread.wav", new Uint8Array(1000), "audio/wav");
    const openFiles = async () => (await readdir("/proc/self/fd")).length;
    const before = await openFiles();
    const unread = [];
    for (let i = 0; i < 20; i++) unread.push(await store.get("recordings/unread.wav"));
    await Bun.sleep(5);
    expect(await openFiles()).toBeLessThan(before + 5);
    expect(unread).toHaveLength(20);
  });

  test("a blob replaced between get and read fails the read instead of mixing versions", async () => {
    await store.put("recordings/swap.wav", bytes(1, 1, 1), "audio/wav");
    const blob = await store.get("recordings/swap.wav");
    await store.put("recordings/swap.wav", bytes(2, 2, 2, 2, 2), "audio/wav");
    await expect(readAll(blob!.body)).rejects.toThrow(/replaced or deleted while being read/);
    const fresh = await store.get("recordings/swap.wav");
    expect(fresh?.size).toBe(5);
    expect(await readAll(fresh!.body)).toEqual(bytes(2, 2, 2, 2, 2));
  });

  test("a body that is not read can be cancelled, releasing the file", async () => {
    await store.put("recordings/cancel.wav", new Uint8Array(200_000), "audio/wav");
    const blob = await store.get("recordings/cancel.wav");
    await blob!.body.cancel();
    await store.delete("recordings/cancel.wav");
    expect(await store.exists("recordings/cancel.wav")).toBe(false);
  });
});
