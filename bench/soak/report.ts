/** The soak's report as text: what ran, what was thrown at it, what was found, and the verdict. */
import type { FaultEvent } from "./faults.ts";
import type { Ledger } from "./traffic.ts";
import type { Finding } from "./verdict.ts";

export interface RunFacts {
  startedAt: Date;
  minutes: number;
  cores: number;
  loadBefore: number;
  loadAfter: number;
  drainSeconds: number | null;
  /** The work still waiting just before the drain ended (or when it gave up). */
  lastLeft: string;
  deepgramConnections: number;
  openaiRefused: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0;

export function renderReport(facts: RunFacts, ledger: Ledger, faults: FaultEvent[], findings: Finding[]): string {
  const ms = [...ledger.pages.ms].sort((a, b) => a - b);
  const pass = findings.every((f) => f.ok);
  const gaveUp = Object.entries(ledger.gaveUp)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(", ");
  const lines = [
    `Switchboard soak test, ${facts.startedAt.toISOString()}: ${facts.minutes} min of traffic, two instances on one PostgreSQL`,
    `machine: ${facts.cores} cores, 1-minute load ${facts.loadBefore.toFixed(2)} at the start, ${facts.loadAfter.toFixed(2)} at the end`,
    "",
    "Traffic accepted (answered 2xx):",
    `  calls ${ledger.calls.size} (streams cut by a fault ${ledger.streamsCut}, voice webhooks refused ${ledger.calls5xx}), recordings ${ledger.recordings.size}`,
    `  WhatsApp ${ledger.whatsapp.size} (with media ${ledger.whatsappMedia.size}), SMS ${ledger.sms.size}, Stripe events ${ledger.stripe.size}`,
    `  replays of accepted deliveries ${ledger.replays}; retries after a 5xx or an unreachable instance ${ledger.retries}${gaveUp ? `; given up after every retry: ${gaveUp}` : ""}`,
    `  staff replies queued ${ledger.replies.size} (refused ${ledger.repliesRefused}); page loads ${ledger.pages.ok} ok, ${ledger.pages.failed} failed, p50 ${percentile(ms, 50).toFixed(0)} ms, p99 ${percentile(ms, 99).toFixed(0)} ms`,
    `  Deepgram connections ${facts.deepgramConnections}; OpenAI requests answered 500 during its outage ${facts.openaiRefused}`,
    "",
    "Faults:",
    ...faults.map((f) => `  ${String(f.atS.toFixed(0)).padStart(5)} s  ${f.what}`),
    "",
    `Drained (no job, open call or unsent message left): ${facts.drainSeconds === null ? "NOT within the limit" : `${facts.drainSeconds.toFixed(0)} s after the traffic stopped`}${facts.lastLeft ? `; last waiting: ${facts.lastLeft}` : ""}`,
    "",
    "Checks:",
    ...findings.map((f) => `  ${f.ok ? "PASS" : "FAIL"}  ${f.check}: ${f.detail}`),
    "",
    `Verdict: ${pass ? "PASS (nothing accepted was lost or duplicated)" : "FAIL"}`,
  ];
  return `${lines.join("\n")}\n`;
}
