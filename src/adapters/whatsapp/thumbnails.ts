import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { baseMediaType } from "../../domain/messaging/media-policy.ts";

/** The longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 320;

export type MakeThumbnail = (
  bytes: Uint8Array,
  contentType: string,
) => Promise<{ bytes: Uint8Array; contentType: string } | null>;

/**
 * A small JPEG of a photo (JPEG or PNG: the image types WhatsApp carries), longest side
 * THUMBNAIL_SIZE, made in pure JavaScript (jpeg-js, pngjs: no native build). Each thumbnail
 * pixel is the average of the source pixels it covers; PNG transparency is laid on white.
 * Null for other types or an image that does not decode; the photo itself is kept either way.
 *
 * @example const thumb = await makeThumbnail(photoBytes, "image/jpeg"); // { bytes, contentType: "image/jpeg" }
 */
export const makeThumbnail: MakeThumbnail = async (bytes, contentType) => thumbnailOf(bytes, contentType);

/** The thumbnail, computed on the calling thread (tens to hundreds of milliseconds of CPU for a photo). */
export function thumbnailOf(bytes: Uint8Array, contentType: string): { bytes: Uint8Array; contentType: string } | null {
  const type = baseMediaType(contentType);
  let source: { width: number; height: number; data: Uint8Array };
  try {
    if (type === "image/jpeg")
      source = jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 256, maxResolutionInMP: 64 });
    else if (type === "image/png") source = PNG.sync.read(Buffer.from(bytes));
    else return null;
  } catch {
    return null;
  }
  const { width, height } = source;
  if (width === 0 || height === 0) return null;
  const scale = Math.min(1, THUMBNAIL_SIZE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const out = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor((y * height) / h);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * height) / h));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor((x * width) / w);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * width) / w));
      let r = 0,
        g = 0,
        b = 0,
        n = 0;
      // Sample at most a 4×4 grid of the covered pixels: enough for a thumbnail, fast on big photos.
      const sy = Math.max(1, Math.floor((y1 - y0) / 4));
      const sx = Math.max(1, Math.floor((x1 - x0) / 4));
      for (let yy = y0; yy < y1; yy += sy) {
        for (let xx = x0; xx < x1; xx += sx) {
          const i = (yy * width + xx) * 4;
          const alpha = source.data[i + 3]! / 255;
          r += source.data[i]! * alpha + 255 * (1 - alpha);
          g += source.data[i + 1]! * alpha + 255 * (1 - alpha);
          b += source.data[i + 2]! * alpha + 255 * (1 - alpha);
          n++;
        }
      }
      const o = (y * w + x) * 4;
      out[o] = r / n;
      out[o + 1] = g / n;
      out[o + 2] = b / n;
      out[o + 3] = 255;
    }
  }
  const encoded = jpeg.encode({ data: out, width: w, height: h }, 75);
  return { bytes: new Uint8Array(encoded.data), contentType: "image/jpeg" };
}

/**
 * Thumbnails made on a worker thread, so decoding a photo never holds up the server's event
 * loop (webhook acknowledgements, pages). One worker, started on first use and not keeping the
 * process alive; if it cannot start, thumbnails are made on the calling thread.
 */
export function createThumbnailWorker(): MakeThumbnail {
  let worker: Worker | null = null;
  let failed = false;
  let next = 0;
  const pending = new Map<number, (result: { bytes: Uint8Array; contentType: string } | null) => void>();
  const start = () => {
    worker = new Worker(new URL("./thumbnail-worker.ts", import.meta.url).href);
    (worker as unknown as { unref?: () => void }).unref?.();
    worker.onmessage = (
      event: MessageEvent<{ id: number; result: { bytes: Uint8Array; contentType: string } | null }>,
    ) => {
      pending.get(event.data.id)?.(event.data.result);
      pending.delete(event.data.id);
    };
    worker.onerror = () => {
      for (const resolve of pending.values()) resolve(null);
      pending.clear();
      worker?.terminate();
      worker = null;
      failed = true;
    };
  };
  return async (bytes, contentType) => {
    if (failed) return thumbnailOf(bytes, contentType);
    if (!worker) {
      try {
        start();
      } catch {
        failed = true;
        return thumbnailOf(bytes, contentType);
      }
    }
    const id = ++next;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      worker!.postMessage({ id, bytes, contentType });
    });
  };
}
