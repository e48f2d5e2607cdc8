/** The soak's checker on hand-made counts: it passes a clean run and fails a lost or duplicated item. */
import { describe, expect, test } from "bun:test";
import { verdict, type SoakCounts } from "../../bench/soak/verdict.ts";

const once = (n: number) => ({ accepted: n, found: n, duplicated: 0, missingSample: [] });

function aCleanRun(): SoakCounts {
  return {
    webhooks: { whatsapp: once(300), sms: once(150), stripe: once(90), "twilio-voice": once(12) },
    transcript: { sentByPeer: 400, stored: 400, duplicated: 0, inFlightAtKill: 0 },
    outbound: { queued: 30, sentOnce: 30, sentTwice: 0, lost: 0, failedNotSent: 0 },
    recordings: once(12),
    media: once(40),
    calls: { accepted: 12, closed: 12, openSample: [] },
    memory: [
      { instance: "A", warmRssMb: 200, endRssMb: 215 },
      { instance: "B (restarted)", warmRssMb: 180, endRssMb: 170 },
    ],
  };
}
const failed = (counts: SoakCounts) =>
  verdict(counts)
    .filter((f) => !f.ok)
    .map((f) => f.check);

describe("the soak's verdict", () => {
  test("a run with everything stored, sent and kept once passes every check", () => {
    const findings = verdict(aCleanRun());
    expect(findings.length).toBe(4 + 5 + 2);
    expect(findings.every((f) => f.ok)).toBe(true);
  });

  test("an accepted webhook not stored fails, naming it", () => {
    const counts = aCleanRun();
    counts.webhooks.sms = { accepted: 150, found: 149, duplicated: 0, missingSample: ["SM42"] };
    expect(failed(counts)).toEqual(["sms webhooks stored once"]);
    expect(verdict(counts).find((f) => !f.ok)!.detail).toContain("1 lost (e.g. SM42)");
  });

  test("a webhook stored twice fails", () => {
    const counts = aCleanRun();
    counts.webhooks.whatsapp = { accepted: 300, found: 300, duplicated: 1, missingSample: [] };
    expect(failed(counts)).toEqual(["whatsapp webhooks stored once"]);
  });

  test("transcript lines: a duplicate fails, a loss fails beyond those in flight at SIGKILL", () => {
    const dup = aCleanRun();
    dup.transcript = { sentByPeer: 400, stored: 401, duplicated: 1, inFlightAtKill: 0 };
    expect(failed(dup)).toEqual(["final transcript lines stored once"]);
    const lost = aCleanRun();
    lost.transcript = { sentByPeer: 400, stored: 397, duplicated: 0, inFlightAtKill: 2 };
    expect(failed(lost)).toEqual(["final transcript lines stored once"]);
    const inFlight = aCleanRun();
    inFlight.transcript = { sentByPeer: 400, stored: 398, duplicated: 0, inFlightAtKill: 2 };
    expect(failed(inFlight)).toEqual([]);
    const extra = aCleanRun();
    extra.transcript = { sentByPeer: 400, stored: 401, duplicated: 0, inFlightAtKill: 0 };
    expect(failed(extra)).toEqual(["final transcript lines stored once"]);
  });

  test("an outbound message sent twice, never sent, or failed unsent fails", () => {
    for (const change of [
      { sentOnce: 29, sentTwice: 1 },
      { sentOnce: 29, lost: 1 },
      { sentOnce: 29, failedNotSent: 1 },
    ]) {
      const counts = aCleanRun();
      counts.outbound = { ...counts.outbound, ...change };
      expect(failed(counts)).toEqual(["outbound messages sent once"]);
    }
  });

  test("a recording or media file missing from storage, or a call left open, fails", () => {
    const counts = aCleanRun();
    counts.recordings = { accepted: 12, found: 11, duplicated: 0, missingSample: ["CA1"] };
    counts.media = { accepted: 40, found: 39, duplicated: 0, missingSample: ["wamid.1"] };
    counts.calls = { accepted: 12, closed: 11, openSample: ["CA2"] };
    expect(failed(counts)).toEqual([
      "recordings in storage",
      "media files in storage",
      "calls closed (completed or interrupted)",
    ]);
  });

  test("memory more than 10 % over its after-warm-up reading fails for that instance only", () => {
    const counts = aCleanRun();
    counts.memory[0] = { instance: "A", warmRssMb: 200, endRssMb: 221 };
    expect(failed(counts)).toEqual(["memory of A within 10 % of after warm-up"]);
    counts.memory[0] = { instance: "A", warmRssMb: 200, endRssMb: 220 };
    expect(failed(counts)).toEqual([]);
  });
});
