/// <reference lib="webworker" />
// Runs thumbnailOf off the server's event loop (see createThumbnailWorker).
import { thumbnailOf } from "./thumbnails.ts";

declare const self: Worker;

self.onmessage = (event: MessageEvent<{ id: number; bytes: Uint8Array; contentType: string }>) => {
  let result: { bytes: Uint8Array; contentType: string } | null = null;
  try {
    result = thumbnailOf(event.data.bytes, event.data.contentType);
  } catch {
    result = null;
  }
  self.postMessage({ id: event.data.id, result });
};
