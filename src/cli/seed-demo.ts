import { normalisePhone } from "../domain/phone.ts";
import { quoteTotals } from "../domain/quotes.ts";
import type { AppDeps } from "../compose/app-deps.ts";
import { DEMO_CASES } from "./demo-data.ts";

// Each demo record walks the transition tables one legal step at a time, as the app would move it.
const PATH_TO_STATUS = {
  draft: [],
  sent: ["sent"],
  viewed: ["sent", "viewed"],
  accepted: ["sent", "viewed", "accepted"],
  paid: ["sent", "viewed", "accepted", "paid"],
} as const;
const ISSUE_PATH_TO_STATUS = {
  open: [],
  quoted: ["quoted"],
  scheduled: ["scheduled"],
  in_progress: ["in_progress"],
  done: ["in_progress", "done"],
} as const;

/**
 * Fills the database with a morning's worth of leads, calls with transcripts, issues and
 * quotes. Safe to run twice: a demo lead that exists already (same phone) is left alone.
 */
export async function seedDemoCommand(deps: Pick<AppDeps, "repos" | "now">): Promise<number> {
  const { repos } = deps;
  let added = 0;
  for (const demo of DEMO_CASES) {
    const phone = normalisePhone(demo.lead.phone);
    if (!phone.ok) throw new Error(`demo data has a bad phone number: ${demo.lead.phone}`);
    const { lead, created } = await repos.leads.findOrCreateByPhone(phone.value, {
      name: demo.lead.name === "Unknown caller" ? null : demo.lead.name,
      organisation: demo.lead.organisation ?? null,
      email: null,
      address: demo.lead.address || null,
      postcode: demo.lead.postcode || null,
      segment: demo.lead.segment,
      source: demo.call ? "phone" : "manual",
      notes: null,
    });
    if (!created) continue;
    added += 1;
    const at = new Date(deps.now().getTime() - demo.minutesAgo * 60_000);

    let callId: string | null = null;
    if (demo.call) {
      const call = await repos.calls.record({
        providerCallId: `CAdemo${phone.value.replace(/\D/g, "")}`,
        direction: "inbound",
        from: phone.value,
        to: "+442079460000",
        leadId: lead.id,
        status: "ringing",
        startedAt: at,
      });
      callId = call.id;
      let offset = 0;
      for (const [track, text] of demo.call.turns) {
        const length = 1500 + text.length * 55;
        await repos.calls.addSegment({
          callId: call.id,
          track,
          text,
          startMs: offset,
          endMs: offset + length,
          isFinal: true,
          confidence: 0.93,
        });
        offset += length + 400;
      }
      await repos.calls.update(call.id, {
        status: demo.call.status,
        answeredAt: demo.call.status === "completed" ? at : null,
        endedAt: new Date(at.getTime() + demo.call.seconds * 1000),
        durationSeconds: demo.call.seconds,
        summary: demo.call.summary,
        emergency: demo.issue?.urgency === "emergency",
      });
    }

    if (demo.issue) {
      const issue = await repos.issues.create({
        leadId: lead.id,
        sourceCallId: callId,
        title: demo.issue.title,
        description: demo.call?.summary ?? null,
        category: demo.issue.category,
        urgency: demo.issue.urgency,
        address: demo.lead.address || null,
        postcode: demo.lead.postcode || null,
        accessNotes: demo.issue.accessNotes ?? null,
      });
      for (const status of ISSUE_PATH_TO_STATUS[demo.issue.status ?? "open"])
        await moved(repos.issues.setStatus(issue.id, status));
      if (demo.quote) {
        const validUntil = new Date(deps.now().getTime() + 30 * 86_400_000);
        const quote = await repos.quotes.createDraft({
          issueId: issue.id,
          lines: demo.quote.lines,
          discountPence: 0,
          deposit: null,
          validUntil,
          terms: "Payment due on completion. Prices include VAT where shown.",
          totals: quoteTotals(demo.quote.lines),
        });
        for (const status of PATH_TO_STATUS[demo.quote.status])
          await moved(repos.quotes.setStatus(quote.id, status, at));
      }
    }
  }
  console.log(
    added === 0
      ? "Demo data is already there; nothing added."
      : `Added ${added} demo leads with their calls, issues and quotes.`,
  );
  return 0;
}

/** A refused step means the demo data disagrees with the transition tables: a bug, so it throws. */
async function moved(change: Promise<{ ok: true } | { ok: false; message: string }>): Promise<void> {
  const result = await change;
  if (!result.ok) throw new Error(`demo data: ${result.message}`);
}
