import { describe, expect, test } from "bun:test";
import { sessionKey } from "../../src/domain/session-key.ts";
import { sessionHasEnded } from "../../src/domain/staff-access.ts";

const at = (hours: number) => new Date(Date.UTC(2026, 11, 3, 8, 0) + hours * 3_600_000);

describe("when a session ends", () => {
  const limits = { maxHours: 12 };
  test.each([
    ["active and young", { createdAt: at(0), expiresAt: at(11.5) }, at(11), false],
    ["idle past its expiry", { createdAt: at(0), expiresAt: at(11.5) }, at(11.5), true],
    ["kept busy, but 12 hours old", { createdAt: at(0), expiresAt: at(12.4) }, at(12), true],
  ] as const)("%s", (_, session, now, ended) => {
    expect(sessionHasEnded(limits, session, now)).toBe(ended);
  });
});

describe("the key a session is stored under", () => {
  test("is the id's SHA-256 in hex, never the id", async () => {
    expect(await sessionKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
