import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STRIPE_MAX_BODY_BYTES } from "../src/http/middleware/verify-stripe.ts";
import { FORM_MAX_BODY_BYTES, QUOTE_VIDEO_MAX_BODY_BYTES } from "../src/http/middleware/body-limit.ts";
import { type RunningServer, startServer } from "./support/browser.ts";

// A fresh, unseeded folder: everything in it is created by the server itself.
const parent = mkdtempSync(join(tmpdir(), "sb-harden-"));
const dataDir = join(parent, "data");
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ DATA_DIR: dataDir }, 90_000);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(parent, { recursive: true, force: true });
});

/** Every path under `dir` with its permission bits. */
function modesUnder(dir: string): { path: string; mode: number; isDir: boolean }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map((entry) => join(dir, String(entry)))
    .map((path) => {
      const stat = statSync(path);
      return { path, mode: stat.mode & 0o777, isDir: stat.isDirectory() };
    });
}

describe("a private data folder", () => {
  test("DATA_DIR is 0700, and nothing inside is open to other users (files 0600, folders 0700)", async () => {
    // The database, the signing secrets and the blob store's probe are all written at start.
    expect(modesUnder(dataDir).length).toBeGreaterThan(5);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const open = modesUnder(dataDir).filter((entry) => (entry.mode & 0o077) !== 0);
    expect(open).toEqual([]);
    expect(modesUnder(dataDir).some((entry) => entry.path.includes(`${join(dataDir, "secrets")}/`))).toBe(true);
    expect(modesUnder(dataDir).some((entry) => entry.path.includes(`${join(dataDir, "pglite")}/`))).toBe(true);
  });
});

/** A body sent chunked (no Content-Length): `total` bytes in 64 KB pieces, counting what was pulled. */
function chunkedBody(total: number) {
  const piece = new Uint8Array(64 * 1024).fill(0x61);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += piece.byteLength;
      controller.enqueue(piece);
    },
  });
  return { stream, sent: () => sent };
}

async function postChunked(path: string, total: number, contentType: string) {
  const body = chunkedBody(total);
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "Content-Type": contentType, Origin: server.url, "Sec-Fetch-Site": "same-origin" },
    body: body.stream,
    duplex: "half",
  } as RequestInit);
  return { status: response.status, text: await response.text(), sent: body.sent() };
}

describe("bounded bodies through the running server", () => {
  test("a chunked Twilio webhook over 64 KB is 413 before its signature is even checked", async () => {
    const result = await postChunked("/api/twilio/sms", 256 * 1024, "application/x-www-form-urlencoded");
    expect(result.status).toBe(413);
    expect(result.text).toContain("too large to be a Twilio webhook");
  });

  test("a chunked Stripe event over 64 KB is 413", async () => {
    expect(STRIPE_MAX_BODY_BYTES).toBe(64 * 1024);
    const result = await postChunked("/api/stripe/webhook", 256 * 1024, "application/json");
    expect(result.status).toBe(413);
  });

  test("a chunked WhatsApp delivery over 1 MB is 413", async () => {
    const result = await postChunked("/api/whatsapp/webhook", 2 * 1024 * 1024, "application/json");
    expect(result.status).toBe(413);
  });

  test("a chunked form over 1 MB is 413, and the server stops reading long before a 64 MB body ends", async () => {
    const result = await postChunked("/login", 64 * 1024 * 1024, "application/x-www-form-urlencoded");
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(16 * 1024 * 1024);
    expect(FORM_MAX_BODY_BYTES).toBe(1024 * 1024);
  });

  test("a declared Content-Length above the largest route's limit is refused by the server itself", async () => {
    const response = await fetch(`${server.url}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new Uint8Array(QUOTE_VIDEO_MAX_BODY_BYTES + 1024),
    });
    expect(response.status).toBe(413);
  });

  test("the server is still answering after all of that", async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
