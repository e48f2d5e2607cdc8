import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pgliteFolderFromTemplate } from "./support/test-db.ts";
import { startDeepgramPeer, type DeepgramPeer } from "./support/deepgram-peer.ts";
import { PEER_ACCESS_TOKEN, PEER_PHONE_NUMBER_ID, startMetaPeer, type MetaPeer } from "./support/meta-peer.ts";

const root = join(import.meta.dir, "..");
const dataDir = mkdtempSync(join(tmpdir(), "sb-keys-"));
let meta: MetaPeer;
let deepgram: DeepgramPeer;
beforeAll(async () => {
  meta = await startMetaPeer();
  deepgram = startDeepgramPeer({ apiKey: "dg-right-key" });
  // A migrated database, copied: a fresh one takes seconds to set up on a busy machine.
  await pgliteFolderFromTemplate(dataDir);
}, 120_000);
afterAll(async () => {
  await Promise.all([meta?.close(), deepgram?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
});

async function readUntil(stream: ReadableStream<Uint8Array>, done: (text: string) => boolean, timeoutMs = 90_000) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + timeoutMs;
  while (!done(text)) {
    if (Date.now() > deadline) throw new Error(`not seen within ${timeoutMs} ms; got:\n${text}`);
    const { value, done: ended } = await reader.read();
    if (ended) break;
    text += decoder.decode(value);
  }
  reader.releaseLock();
  return text;
}

test("the server starts without waiting on vendors, then logs one line per configured vendor's key: working, or refused naming the variable (loopback meta and deepgram peers)", async () => {
  const child = Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      LOG_LEVEL: "info",
      NODE_ENV: "production",
      PORT: "0",
      DATA_DIR: dataDir,
      WHATSAPP_ACCESS_TOKEN: PEER_ACCESS_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PEER_PHONE_NUMBER_ID,
      WHATSAPP_APP_SECRET: "app-secret-for-the-test",
      WHATSAPP_API_BASE_URL: meta.baseUrl,
      DEEPGRAM_API_KEY: "dg-revoked-key",
      DEEPGRAM_API_URL: deepgram.url,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const out = await readUntil(
      child.stdout,
      (text) => text.includes("[WhatsApp] Connected") && text.includes("[Deepgram] key refused"),
    );
    expect(out.indexOf("Switchboard is running")).toBeGreaterThan(-1);
    expect(out.indexOf("Switchboard is running")).toBeLessThan(out.indexOf("[WhatsApp] Connected"));
    expect(out).toContain("[Deepgram] key refused: check DEEPGRAM_API_KEY");
    expect(out.match(/\[WhatsApp\] Connected/g)).toHaveLength(1);
    expect(out).not.toContain("dg-revoked-key");
    expect(meta.requests.some((r) => r.path.startsWith(`/v24.0/${PEER_PHONE_NUMBER_ID}?fields=`))).toBe(true);
  } finally {
    child.kill("SIGTERM");
    await child.exited;
  }
}, 120_000);
