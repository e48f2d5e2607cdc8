import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BlobStore } from "../../../src/ports/blob-store.ts";

/** What each adapter's test file provides to the shared contract. */
export interface BlobStoreHarness {
  store: BlobStore;
  /** Fetches a link from `store.downloadUrl` the way a browser would. */
  download(url: string): Promise<Response>;
  /** Moves the clock the store signs links with (milliseconds added to now). */
  shiftClock(offsetMs: number): void;
  /** The same kind of store pointed at something it cannot use (stopped server, unwritable folder). */
  brokenStore(): Promise<BlobStore>;
  stop(): Promise<void>;
}

/** Keys that both stores must refuse, for every operation. */
export const BAD_KEYS = [
  "",
  "../etc/passwd",
  "/photos/a.jpg",
  "photos/../../etc/passwd",
  "photos/..",
  "invoices/a.pdf",
  "photos",
  "photos/",
  "photos//a.jpg",
  "photos/./a.jpg",
  "photos/a/",
  "photos\\..\\a.jpg",
  "photos/a\u0000.jpg",
  "photos/a\nb.jpg",
  `photos/${"a".repeat(1030)}`,
];

export const bytes = (...values: number[]): Uint8Array<ArrayBuffer> => new Uint8Array(values);

/** Every byte value, then a pattern, so truncation, re-encoding or reordering shows up. */
export function sampleBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + (i >> 8)) & 0xff;
  return out;
}

/** A stream that hands out `data` in uneven chunks. */
export function streamOf(data: Uint8Array, chunkSizes = [1, 7, 1000, 33]): ReadableStream<Uint8Array> {
  let offset = 0;
  let turn = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= data.byteLength) return controller.close();
      const size = chunkSizes[turn++ % chunkSizes.length] ?? 1;
      controller.enqueue(data.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** A stream that sends some bytes and then fails, like a dropped upload. */
export function failingStream(after: Uint8Array): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return controller.error(new Error("client went away"));
      sent = true;
      controller.enqueue(after);
    },
  });
}

/** Passes on bytes start..end of a stream as subarray views, never copies. */
function sliceTo(start: number, end: number): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      const from = Math.max(start - seen, 0);
      const to = Math.min(end - seen, chunk.byteLength);
      if (to > from) controller.enqueue(chunk.subarray(from, to));
      seen += chunk.byteLength;
    },
  });
}

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * The behaviour every BlobStore must have. Each adapter's test file runs it against a real
 * peer: the S3 adapter against s3rver, the folder adapter against a temp folder.
 */
export function blobStoreContract(name: string, setup: () => Promise<BlobStoreHarness>): void {
  describe(`${name}: BlobStore contract`, () => {
    let h: BlobStoreHarness;
    beforeAll(async () => {
      h = await setup();
    });
    afterAll(() => h.stop());

    test("stores bytes and gives them back with their size and content type", async () => {
      const data = sampleBytes(3000);
      const stored = await h.store.put("photos/job-1/boiler.jpg", data, "image/jpeg");
      expect(stored).toEqual({ key: "photos/job-1/boiler.jpg", size: 3000, contentType: "image/jpeg" });

      const blob = await h.store.get("photos/job-1/boiler.jpg");
      expect(blob).not.toBeNull();
      expect(blob?.size).toBe(3000);
      expect(blob?.contentType).toBe("image/jpeg");
      expect(await readAll(blob!.body)).toEqual(data);
    });

    test("stores a stream of unknown length and counts its bytes", async () => {
      const data = sampleBytes(150_000);
      const stored = await h.store.put("recordings/CA-stream.wav", streamOf(data), "audio/wav");
      expect(stored.size).toBe(150_000);

      const blob = await h.store.get("recordings/CA-stream.wav");
      expect(blob?.size).toBe(150_000);
      expect(blob?.contentType).toBe("audio/wav");
      expect(await readAll(blob!.body)).toEqual(data);
    });

    test("a view into a larger buffer stores only the view's bytes, from bytes and from a stream", async () => {
      const whole = sampleBytes(10_000);
      const view = whole.subarray(1000, 5000);
      await h.store.put("photos/view-a.jpg", view, "image/jpeg");
      await h.store.put("photos/view-b.jpg", new Blob([whole]).stream().pipeThrough(sliceTo(1000, 5000)), "image/jpeg");
      for (const key of ["photos/view-a.jpg", "photos/view-b.jpg"]) {
        const blob = await h.store.get(key);
        expect(blob?.size).toBe(4000);
        expect(await readAll(blob!.body)).toEqual(whole.slice(1000, 5000));
      }
    });

    test("stores empty blobs, from bytes and from a stream", async () => {
      expect((await h.store.put("documents/empty-a.txt", new Uint8Array(0), "text/plain")).size).toBe(0);
      expect((await h.store.put("documents/empty-b.txt", streamOf(new Uint8Array(0)), "text/plain")).size).toBe(0);
      for (const key of ["documents/empty-a.txt", "documents/empty-b.txt"]) {
        const blob = await h.store.get(key);
        expect(blob?.size).toBe(0);
        expect(await readAll(blob!.body)).toEqual(new Uint8Array(0));
      }
    });

    test("a second put replaces the bytes and the content type", async () => {
      await h.store.put("documents/quote-7.pdf", bytes(1, 2, 3), "application/pdf");
      await h.store.put("documents/quote-7.pdf", bytes(9, 8), "text/plain");
      const blob = await h.store.get("documents/quote-7.pdf");
      expect(blob?.contentType).toBe("text/plain");
      expect(await readAll(blob!.body)).toEqual(bytes(9, 8));
    });

    test("a stream that fails part-way rejects the put and leaves the previous blob intact", async () => {
      await h.store.put("tenant-media/wa-1/video.mp4", bytes(5, 5, 5), "video/mp4");
      await expect(
        h.store.put("tenant-media/wa-1/video.mp4", failingStream(sampleBytes(10)), "video/mp4"),
      ).rejects.toThrow(/client went away/);
      const blob = await h.store.get("tenant-media/wa-1/video.mp4");
      expect(await readAll(blob!.body)).toEqual(bytes(5, 5, 5));

      await expect(
        h.store.put("tenant-media/wa-1/never.mp4", failingStream(sampleBytes(10)), "video/mp4"),
      ).rejects.toThrow();
      expect(await h.store.exists("tenant-media/wa-1/never.mp4")).toBe(false);
    });

    test("keys with spaces and non-ASCII characters work, links included", async () => {
      const key = "documents/quotes/Q-12 Smith & Sons £250 (draft).pdf";
      await h.store.put(key, bytes(42), "application/pdf");
      expect(await h.store.exists(key)).toBe(true);
      const response = await h.download(await h.store.downloadUrl(key, 60));
      expect(response.status).toBe(200);
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes(42));
    });

    test("exists and delete", async () => {
      await h.store.put("photos/job-2/before.png", bytes(1), "image/png");
      expect(await h.store.exists("photos/job-2/before.png")).toBe(true);
      await h.store.delete("photos/job-2/before.png");
      expect(await h.store.exists("photos/job-2/before.png")).toBe(false);
      expect(await h.store.get("photos/job-2/before.png")).toBeNull();
      // Deleting what is not there is not an error.
      await h.store.delete("photos/job-2/before.png");
    });

    test("a missing key gives null and false, not an error", async () => {
      expect(await h.store.get("recordings/never-recorded.wav")).toBeNull();
      expect(await h.store.exists("recordings/never-recorded.wav")).toBe(false);
      // A "folder" holding other blobs is not itself a blob.
      await h.store.put("photos/job-3/a.jpg", bytes(1), "image/jpeg");
      expect(await h.store.get("photos/job-3")).toBeNull();
      expect(await h.store.exists("photos/job-3")).toBe(false);
    });

    test.each(BAD_KEYS.map((key) => [JSON.stringify(key).slice(0, 40), key]))(
      "refuses the key %s everywhere",
      async (_, key) => {
        const refused = /refused/;
        await expect(h.store.put(key, bytes(1), "text/plain")).rejects.toThrow(refused);
        await expect(h.store.put(key, streamOf(bytes(1)), "text/plain")).rejects.toThrow(refused);
        await expect(h.store.get(key)).rejects.toThrow(refused);
        await expect(h.store.exists(key)).rejects.toThrow(refused);
        await expect(h.store.delete(key)).rejects.toThrow(refused);
        await expect(h.store.downloadUrl(key, 60)).rejects.toThrow(refused);
      },
    );

    test("a download link serves the bytes to a plain HTTP client", async () => {
      const data = sampleBytes(70_000);
      await h.store.put("recordings/CA-link.wav", data, "audio/wav");
      const url = await h.store.downloadUrl("recordings/CA-link.wav", 300);
      expect(url).toStartWith("http");

      const response = await h.download(url);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("audio/wav");
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(data);
    });

    test("an expired download link is refused", async () => {
      await h.store.put("recordings/CA-old.wav", bytes(1, 2), "audio/wav");
      h.shiftClock(-2 * 60 * 60 * 1000);
      const url = await h.store.downloadUrl("recordings/CA-old.wav", 60);
      h.shiftClock(0);

      const response = await h.download(url);
      expect(response.status).toBe(403);
      expect(await response.text()).toMatch(/expired/i);
      // The same link made now still works, so it is the expiry that was refused.
      expect((await h.download(await h.store.downloadUrl("recordings/CA-old.wav", 60))).status).toBe(200);
    });

    test("check() is ok when the store is usable", async () => {
      expect(await h.store.check()).toEqual({ ok: true });
    });

    test("check() reports a store it cannot use, without throwing", async () => {
      const broken = await h.brokenStore();
      const result = await broken.check();
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toContain(broken.kind === "s3" ? "S3" : "local folder");
    });
  });
}
