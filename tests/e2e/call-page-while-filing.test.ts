/**
 * A call page opened after the call has ended but before the server has filed it (its last
 * extraction, the lead, the job): it listens for the filing and shows it without a reload.
 * The filing is held back by an extractor that waits for the test to let it go.
 */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Extractor } from "../../src/ports/extractor.ts";
import { SHIPPED_FIXTURES_DIR } from "../../src/fixtures.ts";
import { playCall } from "../../src/simulator/play-call.ts";
import type { LiveServer } from "../support/running-server.ts";
import { eventually, openEvents, textOf, withRunningServer } from "./helpers.ts";

let server: LiveServer;
let cookie: string;

withRunningServer((running, staffCookie) => ((server = running), (cookie = staffCookie)));

/** The server's extractor, made to wait until `release()` is called. */
function heldExtractor(inner: Extractor) {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const extractor: Extractor = {
    ...inner,
    name: inner.name,
    extract: async (transcript) => (await released, inner.extract(transcript)),
  };
  return { extractor, release };
}

describe("a call page opened while the call is being filed", () => {
  test("listens until the filing is done, then shows the caller card and the job it was filed under", async () => {
    const original = server.deps.extraction.extractor;
    const held = heldExtractor(original);
    server.deps.extraction.extractor = held.extractor;
    try {
      const result = await playCall({
        baseUrl: server.baseUrl,
        authToken: server.deps.twilio.authToken,
        fixtureDir: join(SHIPPED_FIXTURES_DIR, "boiler-leak-tenant"),
        speed: 20,
        demoTranscript: true,
      });
      expect(result.ended).toBe("completed");
      const call = await server.deps.repos.calls.byId(result.callId!);
      expect(call).toMatchObject({ status: "completed", issueId: null });

      // Drawn now: the call is over, but it is still being filed, so the page listens for "filed" alone.
      const page = await (
        await fetch(`${server.baseUrl}/calls/${result.callId}`, { headers: { Cookie: cookie } })
      ).text();
      expect(page).toContain('data-close-when="filed"');
      // The page's one live connection asks for the call's topic from the point it was drawn at.
      const after = page.match(/sse-connect="\/live\?topic=call:[^&]+&amp;after=call:[^=]+=(\d+)"/)?.[1];
      expect(after).toBeDefined();
      expect(page).not.toContain('id="interim-inbound"'); // nobody is speaking any more

      const sse = await openEvents(`${server.baseUrl}/calls/${result.callId}/events?after=${after}`, cookie);
      held.release();
      const intake = await sse.waitFor((e) => e.event === "intake", 15_000);
      const caller = await sse.waitFor((e) => e.event === "caller", 15_000);
      await sse.waitFor((e) => e.event === "filed", 15_000);
      sse.close();
      expect(textOf(intake.data)).toMatch(/Job opened/i);
      expect(textOf(caller.data)).toContain("Caller");

      // Once filed, the page is drawn as a finished call: nothing to listen for.
      const filed = await eventually(async () => {
        const html = await (
          await fetch(`${server.baseUrl}/calls/${result.callId}`, { headers: { Cookie: cookie } })
        ).text();
        if (html.includes("sse-connect=")) throw new Error("the page still listens after the filing");
        return html;
      });
      expect(filed).toMatch(/Job opened/i);
    } finally {
      held.release();
      server.deps.extraction.extractor = original;
    }
  }, 60_000);
});
