/**
 * Draining on SIGTERM, through the real process: the instance keeps serving for
 * SHUTDOWN_DRAIN_SECONDS with GET /ready answering 503 (so a load balancer moves new work to
 * another instance) while GET /health stays 200 until the process exits.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedPgliteDataDir, startServer } from "./support/browser.ts";

const dataDir = mkdtempSync(join(tmpdir(), "sb-drain-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** The status of GET path, or null once nothing listens any more. */
async function statusOf(url: string): Promise<number | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return null;
  }
}

describe("draining on SIGTERM", () => {
  test("/ready goes 503 at once while /health stays 200 until the process exits", async () => {
    await seedPgliteDataDir(dataDir);
    const server = await startServer({ DATA_DIR: dataDir, SHUTDOWN_DRAIN_SECONDS: "3" });
    try {
      expect(await statusOf(`${server.url}/ready`)).toBe(200);
      expect(await statusOf(`${server.url}/health`)).toBe(200);

      server.kill("SIGTERM");
      // The signal reaches the process a moment later; poll once it says it is draining.
      const signalledAt = Date.now();
      while (!server.output().includes("shutting down: draining") && Date.now() - signalledAt < 10_000) {
        await Bun.sleep(20);
      }
      expect(server.output()).toContain("shutting down: draining");
      const readyAfter: (number | null)[] = [];
      const healthAfter: (number | null)[] = [];
      const startedAt = Date.now();
      while (server.exitCode() === null && Date.now() - startedAt < 20_000) {
        readyAfter.push(await statusOf(`${server.url}/ready`));
        healthAfter.push(await statusOf(`${server.url}/health`));
        await Bun.sleep(100);
      }
      expect(await server.exited).toBe(0);

      const answered = (statuses: (number | null)[]) => statuses.filter((s): s is number => s !== null);
      // Several answers came during the drain, and every one of them said "not ready" / "alive".
      expect(answered(readyAfter).length).toBeGreaterThanOrEqual(5);
      expect(new Set(answered(readyAfter))).toEqual(new Set([503]));
      expect(new Set(answered(healthAfter))).toEqual(new Set([200]));
    } finally {
      if (server.exitCode() === null) server.kill("SIGKILL");
    }
  }, 60_000);
});
