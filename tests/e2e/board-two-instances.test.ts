/**
 * The wall board across instances: two instances on one real PostgreSQL, composed as `npm start`
 * composes them. A board open on B hears a call ringing on A, and a link revoked on A closes the
 * board open with it on B at once (the `board-links` channel over LISTEN/NOTIFY), long before
 * B's next heartbeat check (15 s) would.
 */
import { describe, expect, test } from "bun:test";
import { createBoardLink, revokeBoardLink } from "../../src/domain/board/links.ts";
import { callParams, postSigned, twilioSid } from "../../src/simulator/twilio-wire.ts";
import type { LiveServer } from "../support/running-server.ts";
import { readSse } from "../support/sse.ts";
import { withTwoInstances } from "./helpers.ts";

let a: LiveServer;
let b: LiveServer;
withTwoInstances("board_two_instances", (started, other) => {
  a = started;
  b = other;
});

const linkDeps = (server: LiveServer) => ({
  boardLinks: server.deps.repos.boardLinks,
  liveEvents: server.deps.liveEvents,
  now: server.deps.now,
});

async function aLink(label: string) {
  const made = await createBoardLink(linkDeps(a), label, "owner@handy.example");
  if (!made.ok) throw new Error(made.message);
  return made.value;
}

describe("a board open on one instance", () => {
  test("hears a call ringing on the other", async () => {
    expect(b.deps.repos.kind).toBe("PostgreSQL");
    const { token } = await aLink("Office TV");
    const stream = await fetch(`${b.baseUrl}/board/${token}/live`);
    expect(stream.status).toBe(200);
    const seen = readSse(stream, (messages) => messages.some((m) => m.event === "changed"), 5000);
    await Bun.sleep(200);
    const call = { callSid: twilioSid("CA"), accountSid: twilioSid("AC"), from: "+447700900789", to: "+442079460000" };
    const rang = await postSigned(
      `${a.baseUrl}/api/twilio/voice`,
      a.deps.twilio.authToken,
      callParams(call, "ringing"),
    );
    expect(rang.status).toBe(200);
    expect((await seen).some((m) => m.event === "changed")).toBe(true);
  }, 20_000);

  test("closes at once when its link is revoked on the other", async () => {
    const { token, link } = await aLink("Workshop TV");
    const stream = await fetch(`${b.baseUrl}/board/${token}/live`);
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await reader.read(); // ": connected"
    const ended = (async () => {
      for (;;) {
        const next = await reader.read();
        if (next.done) return performance.now();
      }
    })();
    const revokedAt = performance.now();
    const revoked = await revokeBoardLink(linkDeps(a), link.id, "owner@handy.example");
    expect(revoked.ok).toBe(true);
    const closedAt = await Promise.race([ended, Bun.sleep(5000).then(() => null)]);
    expect(closedAt).not.toBeNull();
    // Well inside B's 15-second heartbeat: the announcement closed it, not the check.
    expect(closedAt! - revokedAt).toBeLessThan(3000);
    expect((await fetch(`${b.baseUrl}/board/${token}`)).status).toBe(404);
  }, 20_000);
});
