import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { boardLinks } from "../../src/adapters/db/schema.ts";
import { sessionKey } from "../../src/domain/session-key.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, ORIGIN, signedTwilioPost, testBrowser } from "../support/test-app.ts";
import { addStaffUser } from "../../src/domain/staff-access.ts";
import { readSse } from "../support/sse.ts";
import pino from "pino";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let admin: ReturnType<typeof testBrowser>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  world.deps.settings.heartbeatMs = 60_000;
  const staff = await aStaffUser(world.deps, "owner@handy.example");
  admin = testBrowser(world.app);
  await admin.logIn(staff.email, staff.password);
}, 60_000);
afterAll(async () => repos?.close());

/** A request as a screen with no login makes it: no cookie, nothing but what is given. */
const screen = (path: string, init: RequestInit = {}) =>
  world.app.request(`${ORIGIN}${path}`, { redirect: "manual", ...init });

/** An admin makes a link for `label`; returns its token, read off the page as an admin would copy it. */
async function aLink(label = "Office TV") {
  await admin.page("/settings/board");
  const response = await admin.post("/settings/board/links", { _csrf: admin.csrf, label });
  expect(response.status).toBe(201);
  const html = await response.text();
  const match = html.match(/\/board\/([A-Za-z0-9_-]{22})"/);
  expect(match).not.toBeNull();
  return match![1]!;
}

/** Reads a stream until it ends; "still open" when it outlives `ms`. */
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

const linkIdOf = async (token: string) => {
  const [row] = await repos.db
    .select()
    .from(boardLinks)
    .where(eq(boardLinks.tokenHash, await sessionKey(token)));
  return row!.id;
};

describe("the wall board for staff", () => {
  test("needs a login; shows the figures full screen with no navigation; HX-Request gets the figures alone", async () => {
    expect((await screen("/board")).status).toBe(303);
    const { response, html } = await admin.page("/board");
    expect(response.status).toBe(200);
    expect(html).toContain("Calls now");
    expect(html).toContain("Missed calls to return");
    expect(html).not.toContain('aria-label="Sections"');
    expect(response.headers.get("Vary")).toContain("HX-Request");
    const part = await admin.request("/board", { headers: { "HX-Request": "true" } });
    const fragment = await part.text();
    expect(fragment).toStartWith('<div id="board-figures"');
    expect(fragment).not.toContain("<html");
  });

  test("a theme other than dark or light is refused with the reason", async () => {
    const response = await admin.request("/board?theme=purple");
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("dark");
    expect((await admin.page("/board?theme=light")).html).toContain("board-light");
  });
});

describe("read-only links", () => {
  test("an admin makes one: the token is shown once, stored only as its SHA-256, and the making is audited", async () => {
    const token = await aLink("Workshop TV");
    const [row] = await repos.db
      .select()
      .from(boardLinks)
      .where(eq(boardLinks.tokenHash, await sessionKey(token)));
    expect(row?.label).toBe("Workshop TV");
    expect(JSON.stringify(await repos.db.select().from(boardLinks))).not.toContain(token);
    const entries = await repos.audit.forEntity("board_link", row!.id);
    expect(entries.map((e) => [e.what, e.who])).toEqual([["wall board link created", "owner@handy.example"]]);
    expect(JSON.stringify(entries)).not.toContain(token);
    // The list shows it, without its address.
    const { html } = await admin.page("/settings/board");
    expect(html).toContain("Workshop TV");
    expect(html).not.toContain(token);
  });

  test("a name that is empty or too long is refused with the reason, and no link is made", async () => {
    const before = (await repos.db.select().from(boardLinks)).length;
    await admin.page("/settings/board");
    const empty = await admin.post("/settings/board/links", { _csrf: admin.csrf, label: "   " });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain("Name the screen");
    const long = await admin.post("/settings/board/links", { _csrf: admin.csrf, label: "x".repeat(81) });
    expect(long.status).toBe(422);
    expect((await repos.db.select().from(boardLinks)).length).toBe(before);
  });

  test("revoking a link that does not exist is a 404 with the reason, and changes nothing", async () => {
    const before = JSON.stringify(await repos.db.select().from(boardLinks));
    await admin.page("/settings/board");
    for (const id of ["not-a-uuid", crypto.randomUUID()]) {
      const response = await admin.post(`/settings/board/links/${id}/revoke`, { _csrf: admin.csrf });
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("No such board link");
    }
    expect(JSON.stringify(await repos.db.select().from(boardLinks))).toBe(before);
  });

  test("staff who are not admins can neither see the links nor make one", async () => {
    const added = await addStaffUser(
      { staffUsers: repos.staffUsers, passwords: world.deps.passwords },
      { email: "sam@handy.example", password: "another long password", role: "staff" },
    );
    expect(added.ok).toBe(true);
    const sam = testBrowser(world.app);
    await sam.logIn("sam@handy.example", "another long password");
    expect((await sam.request("/settings/board")).status).toBe(403);
    const before = (await repos.db.select().from(boardLinks)).length;
    const made = await sam.post("/settings/board/links", { _csrf: sam.csrf, label: "Sneaky" });
    expect(made.status).toBe(403);
    expect((await repos.db.select().from(boardLinks)).length).toBe(before);
  });

  test("the link opens the board with no login, sends no referrer, and is not cached", async () => {
    const token = await aLink();
    const response = await screen(`/board/${token}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Calls now");
    expect(html).toContain(`data-stream="/board/${token}/live"`);
    expect(html).not.toContain('aria-label="Sections"');
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const part = await screen(`/board/${token}`, { headers: { "HX-Request": "true" } });
    expect(await part.text()).toStartWith('<div id="board-figures"');
  });

  test("the link gives nothing else: other pages, APIs and live topics refuse it however it is presented", async () => {
    const token = await aLink();
    const others = [
      "/",
      "/leads",
      "/calls",
      "/inbox",
      "/quotes",
      "/reports/calls",
      "/settings/board",
      "/settings/audit",
      "/board",
      "/board/live",
      "/live?topic=calls",
      "/live?topic=inbox",
      "/live?topic=schedule",
      "/calls/events",
      "/inbox/events",
    ];
    const ways: [string, (path: string) => Response | Promise<Response>][] = [
      ["as a cookie", (path) => screen(path, { headers: { Cookie: `sb_session=${token}` } })],
      ["as a bearer token", (path) => screen(path, { headers: { Authorization: `Bearer ${token}` } })],
      ["in the query", (path) => screen(`${path}${path.includes("?") ? "&" : "?"}token=${token}`)],
    ];
    for (const [way, ask] of ways) {
      for (const path of others) {
        const response = await ask(path);
        // The login page (303), or refused outright: never the page or the stream.
        expect({ way, path, status: response.status }).toEqual({
          way,
          path,
          status: response.status === 303 ? 303 : response.status === 401 ? 401 : 404,
        });
        expect(response.headers.get("Content-Type") ?? "").not.toContain("text/event-stream");
        await response.body?.cancel();
      }
    }
    // Beneath the board's own address: only the page and its stream, and the stream takes no topics.
    for (const path of [`/board/${token}/live?topic=calls`, `/board/${token}/live?topic=inbox`]) {
      const response = await screen(path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
      expect(response.headers.get("Content-Type") ?? "").not.toContain("text/event-stream");
    }
    // Anything else there is an office address like any other: the login page.
    for (const path of [`/board/${token}/leads`, `/board/${token}/calls/events`, `/board/${token}/settings/board`]) {
      const response = await screen(path);
      expect({ path, status: response.status }).toEqual({ path, status: 303 });
      expect(response.headers.get("Location")).toStartWith("/login");
    }
  });

  test("an unknown, malformed or revoked token gets the same 404 as any missing page", async () => {
    const revoked = await aLink();
    await admin.page("/settings/board");
    expect(
      (await admin.post(`/settings/board/links/${await linkIdOf(revoked)}/revoke`, { _csrf: admin.csrf })).status,
    ).toBe(303);
    const unknown = "AAAAAAAAAAAAAAAAAAAAAA";
    const answers = await Promise.all(
      [revoked, unknown, "short", "has space in it"].map(async (token) => {
        const page = await screen(`/board/${encodeURIComponent(token)}`);
        const stream = await screen(`/board/${encodeURIComponent(token)}/live`);
        return {
          page: page.status,
          pageBody: await page.text(),
          stream: stream.status,
          streamBody: await stream.text(),
        };
      }),
    );
    const missing = answers[0]!.pageBody;
    expect(missing).toContain("There is nothing at this address.");
    for (const answer of answers) {
      expect(answer.page).toBe(404);
      expect(answer.stream).toBe(404);
      expect(answer.pageBody).toBe(missing);
      expect(answer.streamBody).toBe(missing);
    }
  });

  test("revoking a link closes a board open with it at once, and is audited", async () => {
    const token = await aLink();
    const stream = await screen(`/board/${token}/live`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("Content-Type")).toBe("text/event-stream");
    const ended = endOf(stream, 3000);
    const id = await linkIdOf(token);
    await admin.page("/settings/board");
    expect((await admin.post(`/settings/board/links/${id}/revoke`, { _csrf: admin.csrf })).status).toBe(303);
    expect(await ended).toStartWith(": connected");
    expect((await screen(`/board/${token}`)).status).toBe(404);
    const entries = await repos.audit.forEntity("board_link", id);
    expect(entries.map((e) => e.what).sort()).toEqual(["wall board link created", "wall board link revoked"]);
    // Revoking again changes nothing and says so.
    expect((await admin.post(`/settings/board/links/${id}/revoke`, { _csrf: admin.csrf })).status).toBe(404);
    expect((await repos.audit.forEntity("board_link", id)).length).toBe(2);
  });

  test("a link revoked where this instance did not hear it ends the stream by the next heartbeat", async () => {
    const token = await aLink();
    const beating = buildTestApp(repos, {
      now: world.clock.now,
      settings: { ...world.deps.settings, heartbeatMs: 50 },
    });
    const stream = await beating.app.request(`${ORIGIN}/board/${token}/live`);
    const ended = endOf(stream, 3000);
    await Bun.sleep(120);
    // Straight in the database, as another instance whose announcement was lost would leave it.
    await repos.db
      .update(boardLinks)
      .set({ revokedAt: new Date() })
      .where(eq(boardLinks.id, await linkIdOf(token)));
    expect(await ended).toContain(": heartbeat");
  });

  test("another link's revocation leaves the stream open", async () => {
    const mine = await aLink();
    const other = await aLink("Other TV");
    const stream = await screen(`/board/${mine}/live`);
    const ended = endOf(stream, 500);
    await admin.page("/settings/board");
    await admin.post(`/settings/board/links/${await linkIdOf(other)}/revoke`, { _csrf: admin.csrf });
    expect(await ended).toBe("still open");
  });

  test("a call arriving tells the board to re-read, and the stream carries no caller's details", async () => {
    const token = await aLink();
    const stream = await screen(`/board/${token}/live`);
    const seen = readSse(stream, (messages) => messages.some((m) => m.event === "changed"), 3000);
    await Bun.sleep(50);
    const call = await signedTwilioPost(world.app, "/api/twilio/voice", {
      CallSid: "CA0000000000000000000000000000b0a1",
      AccountSid: "AC123",
      From: "+447700900456",
      To: "+442079460000",
      CallStatus: "ringing",
      Direction: "inbound",
    });
    expect(call.status).toBe(200);
    const messages = await seen;
    const changed = messages.filter((m) => m.event === "changed");
    expect(changed.length).toBeGreaterThan(0);
    for (const message of messages) expect(message.data).toBe("");
    // And the figures it re-reads show the call, the number masked to its last three digits.
    const part = await (await screen(`/board/${token}`, { headers: { "HX-Request": "true" } })).text();
    expect(part).toContain("•••456");
    expect(part).not.toContain("900456");
  });

  test("the request log and the stream's own log lines write the address without its token", async () => {
    const token = await aLink();
    const lines: string[] = [];
    const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(line) });
    const logged = buildTestApp(repos, { now: world.clock.now, logger });
    expect((await logged.app.request(`${ORIGIN}/board/${token}`)).status).toBe(200);
    const stream = await logged.app.request(`${ORIGIN}/board/${token}/live`);
    await readSse(stream, (seen) => seen.length > 0, 1000);
    await logged.app.request(`${ORIGIN}/board/${token}/anything`);
    const text = lines.join("");
    expect(text).toContain("/board/<secret>");
    expect(text).not.toContain(token);
  });
});
