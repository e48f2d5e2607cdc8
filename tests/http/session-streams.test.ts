import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";

let repos: OpenDatabase;
let staff: { email: string; password: string };

beforeAll(async () => {
  repos = await freshPglite();
  staff = await aStaffUser(buildTestApp(repos).deps);
}, 60_000);
afterAll(async () => repos?.close());

/** Reads a live stream until it ends; resolves with what arrived, or "still open" after `ms`. */
async function endOf(response: Response, ms: number): Promise<string | "still open"> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const next = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
    if (!next) break;
    if (next.done) return text;
    text += decoder.decode(next.value, { stream: true });
  }
  await reader.cancel();
  return "still open";
}

/** A logged-in staff member on an app whose streams beat every `heartbeatMs`. */
async function watching(heartbeatMs: number) {
  const base = buildTestApp(repos);
  const world = buildTestApp(repos, { now: base.clock.now, settings: { ...base.deps.settings, heartbeatMs } });
  const browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
  return { world, clock: base.clock, browser };
}

const streams = ["/inbox/events", "/calls/events", "/live?topic=calls&topic=inbox"];

describe("live streams end with the session they were opened with", () => {
  test.each(streams)("logging out ends an open %s stream at once", async (path) => {
    // Heartbeats far apart: only the logout itself can end the stream within the test.
    const { browser } = await watching(60_000);
    const stream = await browser.request(path);
    expect(stream.status).toBe(200);
    const ended = endOf(stream, 3000);
    expect((await browser.post("/logout", { _csrf: browser.csrf })).status).toBe(303);
    expect(await ended).toStartWith(": connected");
  });

  test("a session of someone else's logging out leaves the stream open", async () => {
    const { browser, world } = await watching(60_000);
    const other = testBrowser(world.app);
    await other.logIn(staff.email, staff.password);
    const stream = await browser.request("/inbox/events");
    const ended = endOf(stream, 500);
    await other.post("/logout", { _csrf: other.csrf });
    expect(await ended).toBe("still open");
  });

  test("a session deleted on the server (another instance, an admin) ends the stream by the next heartbeat", async () => {
    const { browser } = await watching(50);
    const stream = await browser.request("/live?topic=inbox");
    const ended = endOf(stream, 3000);
    await Bun.sleep(120);
    // Straight in the database, as another instance would: nothing is announced in this process.
    await repos.staffSessions.delete(browser.cookie.slice(browser.cookie.indexOf("=") + 1));
    expect(await ended).toContain(": heartbeat");
  });

  test("an idle session expiring ends the stream; an open stream is not activity", async () => {
    const { browser, clock } = await watching(50);
    const stream = await browser.request("/calls/events");
    const ended = endOf(stream, 3000);
    await Bun.sleep(120);
    clock.advanceMinutes(31); // the test app's idle limit is 30 minutes
    expect(await ended).toContain(": heartbeat");
  });

  test("a stream whose session is alive keeps going through heartbeats", async () => {
    const { browser } = await watching(50);
    expect(await endOf(await browser.request("/inbox/events"), 400)).toBe("still open");
  });
});
