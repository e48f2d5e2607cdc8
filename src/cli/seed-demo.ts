import { demoPorts } from "../compose/demo.ts";
import type { AppDeps } from "../compose/app-deps.ts";
import type { Call } from "../domain/calls.ts";
import { issueTransitions, type Issue, type IssueStatus } from "../domain/issues.ts";
import type { Lead } from "../domain/leads.ts";
import { recordInboundMessage } from "../domain/messaging/inbound.ts";
import { recoverMissedCall, UNANSWERED } from "../domain/messaging/missed-calls.ts";
import { DEMO_PROVIDER, nextCharge, type PayChoice } from "../domain/payments/charges.ts";
import { acceptQuote, sendQuote, viewQuote } from "../domain/payments/quote-flow.ts";
import { settlePaymentEvent } from "../domain/payments/settlement-flow.ts";
import { normalisePhone, type E164 } from "../domain/phone.ts";
import { quoteTotals, type Quote } from "../domain/quotes.ts";
import { pathTo } from "../domain/state-machine.ts";
import { DEMO_CASES, type DemoCase } from "./demo-data.ts";
import { seedDemoSchedule } from "./seed-schedule.ts";

/** Who the audit trail says made the demo's changes, and the provider its payments name. */
const DEMO = DEMO_PROVIDER;

type Demo = ReturnType<typeof demoPorts>;
type QuoteStep = NonNullable<DemoCase["quote"]>["status"];
const STEPS: Record<QuoteStep, number> = { draft: 0, sent: 1, viewed: 2, accepted: 3, deposit_paid: 4, paid: 5 };

/**
 * Fills the database with a morning's worth of leads, calls with transcripts, jobs, quotes,
 * payments, WhatsApp and SMS conversations and a number that opted out of the assistant's calls,
 * through the app's own use cases, so its figures
 * agree as real ones do: a quote is sent, seen, accepted and paid as a customer would, payments
 * settle through the webhooks' settlement (the job booked, the customer won, the invoice issued),
 * messages go through the messaging outbox, and a missed call becomes a follow-up. Nothing is
 * sent: quote links, receipts and replies stay in the outboxes, marked as demo. Safe to run
 * twice: a demo lead that exists already (same phone) is left alone.
 */
export async function seedDemoCommand(deps: AppDeps): Promise<number> {
  const { repos } = deps;
  const demo = demoPorts(deps);
  let added = 0;
  for (const demoCase of DEMO_CASES) {
    const phone = normalisePhone(demoCase.lead.phone);
    if (!phone.ok) throw new Error(`demo data has a bad phone number: ${demoCase.lead.phone}`);
    const { lead, created } = await repos.leads.findOrCreateByPhone(phone.value, {
      name: demoCase.lead.name === "Unknown caller" ? null : demoCase.lead.name,
      organisation: demoCase.lead.organisation ?? null,
      email: null,
      address: demoCase.lead.address || null,
      postcode: demoCase.lead.postcode || null,
      segment: demoCase.lead.segment,
      source: demoCase.call ? "phone" : "manual",
      notes: null,
    });
    if (!created) continue;
    added += 1;
    const call = demoCase.call ? await seedCall(deps, demo, demoCase, lead, phone.value) : null;
    if (demoCase.issue) {
      const issue = await repos.issues.create({
        leadId: lead.id,
        sourceCallId: call?.id ?? null,
        title: demoCase.issue.title,
        description: demoCase.call?.summary ?? null,
        category: demoCase.issue.category,
        urgency: demoCase.issue.urgency,
        address: demoCase.lead.address || null,
        postcode: demoCase.lead.postcode || null,
        accessNotes: demoCase.issue.accessNotes ?? null,
      });
      if (demoCase.quote) await seedQuote(deps, demo, demoCase.quote, issue);
      await moveJob(deps, issue.id, demoCase.issue.status ?? "open");
    }
    for (const [i, message] of (demoCase.messages ?? []).entries())
      await seedMessage(deps, demo, lead, phone.value, message, i);
    // Through the consent register, as the assistant records one (audited): the lead page shows it.
    if (demoCase.optedOut)
      await repos.callConsent.recordOptOut({
        phone: phone.value,
        source: demoCase.optedOut,
        callId: null,
        at: new Date(deps.now().getTime() - demoCase.minutesAgo * 60_000),
      });
  }
  const schedule = await seedDemoSchedule(deps);
  console.log(
    added === 0 && schedule.visits === 0 && schedule.engineers === 0
      ? "Demo data is already there; nothing added."
      : `Added ${added} demo leads with their calls, jobs, quotes, payments and messages (none of it sent), ` +
          `${schedule.engineers} engineers and ${schedule.visits} visits over the next five working days.`,
  );
  return 0;
}

async function seedCall(deps: AppDeps, demo: Demo, demoCase: DemoCase, lead: Lead, phone: E164): Promise<Call> {
  const { repos } = deps;
  const script = demoCase.call!;
  const at = new Date(deps.now().getTime() - demoCase.minutesAgo * 60_000);
  const call = await repos.calls.record({
    providerCallId: `CAdemo${phone.replace(/\D/g, "")}`,
    direction: "inbound",
    from: phone,
    to: "+442079460000",
    leadId: lead.id,
    status: "ringing",
    startedAt: at,
  });
  let offset = 0;
  for (const [track, text] of script.turns) {
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
  const ended = await repos.calls.update(call.id, {
    status: script.status,
    answeredAt: script.status === "completed" ? at : null,
    endedAt: new Date(at.getTime() + script.seconds * 1000),
    durationSeconds: script.seconds,
    summary: script.summary,
    emergency: demoCase.issue?.urgency === "emergency",
  });
  const finished = ended ?? { ...call, status: script.status };
  // Unanswered, as the status webhook would find it: a follow-up on the dashboard and the reply, kept unsent.
  if (UNANSWERED.includes(finished.status)) {
    await recoverMissedCall(
      {
        missedCalls: repos.missedCalls,
        messenger: demo.messenger,
        log: deps.logger,
        reply: {
          channel: "sms",
          text: "Sorry we missed your call to {company}. We will ring you back shortly.",
          companyName: deps.settings.companyName,
        },
      },
      finished,
    );
  }
  return finished;
}

/** The quote drafted, then taken as far as the demo says, one customer step at a time. */
async function seedQuote(deps: AppDeps, demo: Demo, plan: NonNullable<DemoCase["quote"]>, issue: Issue) {
  const draft = await deps.repos.quotes.createDraft({
    issueId: issue.id,
    lines: plan.lines,
    discountPence: 0,
    deposit: plan.deposit ?? null,
    validUntil: new Date(deps.now().getTime() + deps.quotesToCash.validDays * 86_400_000),
    terms: "Payment due on completion. Prices include VAT where shown.",
    totals: quoteTotals(plan.lines, 0, plan.deposit ?? null),
  });
  const step = STEPS[plan.status];
  if (step < STEPS.sent) return;
  const sent = await sendQuote(demo.quoteFlow, draft.id);
  if (!sent.ok) throw new Error(`demo data: ${sent.message}`);
  if (step >= STEPS.viewed) await viewQuote(demo.quoteFlow, draft.token);
  if (step >= STEPS.accepted) {
    const accepted = await acceptQuote(demo.quoteFlow, (await deps.repos.quotes.byId(draft.id))!);
    if (!accepted.ok) throw new Error(`demo data: ${accepted.message}`);
  }
  if (step >= STEPS.deposit_paid) await pay(deps, demo, draft.id, plan.deposit ? "deposit" : "full");
  if (step >= STEPS.paid && plan.deposit) await pay(deps, demo, draft.id, "full");
}

/**
 * The customer pays what is due (as the checkout would charge it), and the payment is settled by
 * the function Stripe's webhook runs, as a provider event named "seed-demo"; its invoice is
 * issued and the receipt kept in the outbox.
 */
async function pay(deps: AppDeps, demo: Demo, quoteId: string, choice: PayChoice) {
  const quote: Quote = (await deps.repos.quotes.byId(quoteId))!;
  const paid = (await deps.repos.payments.forQuote(quoteId)).filter((p) => p.status === "paid");
  const charge = nextCharge(quote, paid, choice);
  if (!charge.ok) throw new Error(`demo data: ${charge.message}`);
  const payment = await deps.repos.payments.create({
    quoteId,
    kind: charge.value.kind,
    amountPence: charge.value.amountPence,
    currency: "gbp",
    provider: DEMO,
  });
  const settled = await settlePaymentEvent(demo.settle, {
    provider: DEMO,
    eventId: `demo-${payment.id}`,
    type: "demo.payment_succeeded",
    ref: { paymentId: payment.id, checkoutSessionId: null, paymentIntentId: null },
    report: { outcome: "paid", amountPence: charge.value.amountPence, currency: "gbp", paymentIntentId: null },
  });
  if (settled.settlement?.action !== "paid") throw new Error(`demo data: payment for ${quoteId} did not settle`);
  if (settled.invoice) await demo.invoiceIssued({ invoiceId: settled.invoice.id });
}

/** The job walked to where the demo has it, one legal step at a time, each step audited. */
async function moveJob(deps: AppDeps, issueId: string, target: IssueStatus) {
  const issue = (await deps.repos.issues.byId(issueId))!;
  const path = pathTo(issueTransitions, issue.status, target);
  if (!path) throw new Error(`demo data: a job cannot go from ${issue.status} to ${target}`);
  let from = issue.status;
  for (const to of path) {
    const moved = await deps.repos.issues.setStatus(issueId, to);
    if (!moved.ok) throw new Error(`demo data: ${moved.message}`);
    await deps.repos.audit.record({
      who: DEMO,
      what: `status ${from} → ${to}`,
      entity: "issue",
      entityId: issueId,
      at: deps.now(),
    });
    from = to;
  }
}

/** The customer's words come in as a provider would deliver them; ours go through the messaging outbox, unsent. */
async function seedMessage(
  deps: AppDeps,
  demo: Demo,
  lead: Lead,
  phone: E164,
  message: NonNullable<DemoCase["messages"]>[number],
  index: number,
) {
  if (message.from === "customer") {
    await recordInboundMessage(demo.inbound, {
      channel: message.channel,
      providerId: `demo-${message.channel}-${phone.slice(1)}-${index}`,
      at: new Date(deps.now().getTime() - (10 - index) * 60_000),
      from: { phone, userId: null, name: lead.name, username: null },
      kind: "text",
      body: message.text,
      media: null,
      sharedPhone: null,
    });
    return;
  }
  const sent = await demo.messenger.send({
    leadId: lead.id,
    channel: message.channel,
    text: message.text,
    purpose: "conversation",
  });
  if (!sent.ok) throw new Error(`demo data: ${sent.message}`);
}
