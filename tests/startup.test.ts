import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const dataDir = mkdtempSync(join(tmpdir(), "sb-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the real entry point the way `npm start` does. */
function start(env: Record<string, string>) {
  return Bun.spawn([process.execPath, "src/main.ts"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      LOG_LEVEL: "info",
      NODE_ENV: "production",
      ...env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
}

async function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(text)) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms; got:\n${text}`);
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value);
  }
  reader.releaseLock();
  return text;
}

describe("starting Switchboard", () => {
  test("with no keys it runs on the embedded defaults, says so per integration, and answers /health and /ready", async () => {
    const child = start({ PORT: "0", DATA_DIR: dataDir });
    try {
      // A first start migrates a new database: quick alone, but it has taken 50 s on a 2-core
      // machine with the load average at 16, so the wait is generous (nothing is timed here).
      const out = await readUntil(child.stdout, /Switchboard is running at http:\/\/localhost:(\d+)/, 100_000);
      const port = out.match(/localhost:(\d+)/)![1];
      for (const name of ["Database", "Storage", "Twilio", "Stripe", "WhatsApp", "OpenAI", "WisprFlow", "Deepgram"]) {
        expect(out).toContain(`[${name}]`);
      }
      expect(out).toContain("[Database] embedded default");
      expect(out).toContain("[Storage] embedded default: Folder");
      expect(await (await fetch(`http://127.0.0.1:${port}/health`)).json()).toEqual({ status: "ok" });
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(ready.status).toBe(200);
      const login = await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual" });
      expect(login.headers.get("Location")).toBe("/login");
    } finally {
      child.kill("SIGTERM");
      await child.exited;
    }
  }, 120_000);

  test("a bad variable stops start-up with one line naming it", async () => {
    const child = start({ PORT: "not-a-port", DATA_DIR: dataDir });
    const code = await child.exited;
    const err = await new Response(child.stderr).text();
    expect(code).not.toBe(0);
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toContain("PORT");
  }, 30_000);

  test("an unreachable database stops start-up with one clear line and a non-zero exit", async () => {
    const child = start({ DATABASE_URL: "postgres://nobody:secret@127.0.0.1:1/switchboard", DATA_DIR: dataDir });
    const code = await child.exited;
    const err = await new Response(child.stderr).text();
    expect(code).not.toBe(0);
    expect(err.trim().split("\n")).toHaveLength(1);
    expect(err).toContain("Switchboard cannot start");
    expect(err).not.toContain("secret");
  }, 30_000);
});
