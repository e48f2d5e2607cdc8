/**
 * The soak's verdict: from what was accepted and what was found stored, sent and kept, which
 * checks pass. Pure (no I/O), so the checker itself is tested on hand-made counts
 * (tests/bench/soak-verdict.test.ts).
 */

/** One kind of accepted work: how many were accepted, how many of them were found once, and the extras. */
export interface Tally {
  accepted: number;
  /** Accepted items found stored exactly once (or more: see duplicated). */
  found: number;
  /** Stored copies beyond the first, summed over items. */
  duplicated: number;
  /** A few ids of accepted items not found, for the report. */
  missingSample: string[];
}

export interface SoakCounts {
  /** Accepted webhooks (2xx) by provider, each looked for in the database once processing drained. */
  webhooks: Record<string, Tally>;
  transcript: {
    /** Final results the Deepgram peer sent, over every connection. */
    sentByPeer: number;
    /** Final segments stored. */
    stored: number;
    /** Final segments stored twice (same call, track, start and text). */
    duplicated: number;
    /** Finals the peer sent to the killed instance in the moment before SIGKILL (held in its memory, never acknowledged). */
    inFlightAtKill: number;
  };
  /** Outbound messages staff queued (and automatic replies), counted at the Twilio and Meta peers. */
  outbound: {
    queued: number;
    sentOnce: number;
    /** Messages the peers received more than once. */
    sentTwice: number;
    /** Queued and never reached a peer, and not marked failed. */
    lost: number;
    /** Marked failed without reaching a peer (shown to staff as not sent). */
    failedNotSent: number;
  };
  recordings: Tally;
  media: Tally;
  /** `byStatus`: how the accepted calls ended (for the report). */
  calls: { accepted: number; closed: number; openSample: string[]; byStatus?: Record<string, number> };
  /** Objects in the bucket at the end (for the report). */
  objectsStored?: number;
  memory: { instance: string; warmRssMb: number; endRssMb: number }[];
}

export interface Finding {
  check: string;
  ok: boolean;
  detail: string;
}

/** RSS at the end may exceed the after-warm-up reading by this share. */
export const MEMORY_TOLERANCE = 0.1;

function tallyFinding(check: string, tally: Tally): Finding {
  const lost = tally.accepted - tally.found;
  const ok = lost === 0 && tally.duplicated === 0;
  const parts = [`${tally.found}/${tally.accepted} found`];
  if (lost > 0) parts.push(`${lost} lost (e.g. ${tally.missingSample.slice(0, 3).join(", ")})`);
  if (tally.duplicated > 0) parts.push(`${tally.duplicated} duplicated`);
  return { check, ok, detail: parts.join(", ") };
}

/**
 * Every check the soak makes, in report order; `ok` false on any loss or duplicate.
 * @example verdict(counts).every((f) => f.ok) // the run passed
 */
export function verdict(counts: SoakCounts): Finding[] {
  const findings: Finding[] = [];
  for (const [provider, tally] of Object.entries(counts.webhooks))
    findings.push(tallyFinding(`${provider} webhooks stored once`, tally));

  const t = counts.transcript;
  // Lines the killed instance held in memory at SIGKILL were never acknowledged to anyone: allowed, and reported.
  const missing = t.sentByPeer - (t.stored - t.duplicated);
  const transcriptOk = t.duplicated === 0 && missing >= 0 && missing <= t.inFlightAtKill;
  findings.push({
    check: "final transcript lines stored once",
    ok: transcriptOk,
    detail:
      `${t.stored} stored of ${t.sentByPeer} sent by the peer` +
      (t.duplicated ? `, ${t.duplicated} duplicated` : "") +
      (missing > 0 ? `, ${missing} missing (${t.inFlightAtKill} in flight at SIGKILL allowed)` : "") +
      (missing < 0 ? `, ${-missing} more stored than sent` : ""),
  });

  const o = counts.outbound;
  findings.push({
    check: "outbound messages sent once",
    ok: o.sentTwice === 0 && o.lost === 0 && o.failedNotSent === 0 && o.sentOnce === o.queued,
    detail:
      `${o.sentOnce}/${o.queued} sent once` +
      (o.sentTwice ? `, ${o.sentTwice} sent twice` : "") +
      (o.lost ? `, ${o.lost} never sent` : "") +
      (o.failedNotSent ? `, ${o.failedNotSent} marked failed, not sent` : ""),
  });

  findings.push(tallyFinding("recordings in storage", counts.recordings));
  findings.push(tallyFinding("media files in storage", counts.media));

  const c = counts.calls;
  findings.push({
    check: "calls closed (completed or interrupted)",
    ok: c.closed === c.accepted,
    detail:
      `${c.closed}/${c.accepted} closed` +
      (c.byStatus
        ? ` (${Object.entries(c.byStatus)
            .map(([status, n]) => `${status} ${n}`)
            .join(", ")})`
        : "") +
      (c.closed < c.accepted ? `, still open: ${c.openSample.slice(0, 3).join(", ")}` : ""),
  });

  for (const m of counts.memory) {
    const growth = m.warmRssMb > 0 ? m.endRssMb / m.warmRssMb - 1 : Number.POSITIVE_INFINITY;
    findings.push({
      check: `memory of ${m.instance} within ${MEMORY_TOLERANCE * 100} % of after warm-up`,
      ok: m.endRssMb <= m.warmRssMb * (1 + MEMORY_TOLERANCE) + 1e-9,
      detail: `RSS ${m.warmRssMb.toFixed(0)} MB after warm-up, ${m.endRssMb.toFixed(0)} MB at the end (${growth >= 0 ? "+" : ""}${(growth * 100).toFixed(1)} %)`,
    });
  }
  return findings;
}
