import { createOutboxSender } from "../adapters/local/outbox.ts";
import type { InboundDeps } from "../domain/messaging/inbound.ts";
import { createMessenger, sendQueuedMessage, SEND_TASK } from "../domain/messaging/outbox.ts";
import type { QuoteFlowDeps } from "../domain/payments/quote-flow.ts";
import { invoiceIssuedTask } from "../domain/payments/settlement-flow.ts";
import type { Message } from "../domain/messaging/message.ts";
import type { Messenger } from "../ports/messengers.ts";
import type { AppDeps } from "./app-deps.ts";

/** Said on every outbound demo message, in place of a provider's delivery note. */
export const DEMO_NOTE = "Demo message from seed-demo: never sent.";

/**
 * The ports `seed-demo` drives the domain's own use cases with: the real repositories, and in
 * place of every provider the embedded outboxes, so nothing the demo makes is ever sent — not
 * with Twilio, WhatsApp or Stripe keys set either. Quote links and receipts stay in the app's
 * outbox; messages are queued through the messaging outbox and at once marked not sent.
 */
export function demoPorts(deps: AppDeps) {
  const { repos, logger: log, now } = deps;
  const quoteSender = deps.quotesToCash.outbox;
  const quoteFlow: QuoteFlowDeps = {
    quotes: repos.quotes,
    issues: repos.issues,
    leads: repos.leads,
    payments: repos.payments,
    invoices: repos.invoices,
    checkout: deps.quotesToCash.checkout,
    sender: quoteSender,
    company: deps.quotesToCash.company,
    publicBaseUrl: () => deps.settings.publicBaseUrl,
    now,
    log,
    // The PDFs are laid out by the server's job runner when it next runs (or on first download).
    tasks: repos.tasks,
    poke: () => {},
  };
  const settle = {
    payments: repos.payments,
    quotes: repos.quotes,
    issues: repos.issues,
    leads: repos.leads,
    company: deps.quotesToCash.company,
    now,
    log,
    auditTrail: repos.audit,
  };
  const inbound: InboundDeps = {
    messages: repos.messages,
    leads: repos.leads,
    leadAliases: repos.leadAliases,
    auditTrail: repos.audit,
    tasks: repos.tasks,
    liveEvents: deps.liveEvents,
    log,
    now,
  };
  const queue = createMessenger({
    messages: repos.messages,
    leads: repos.leads,
    leadAliases: repos.leadAliases,
    liveEvents: deps.liveEvents,
    now,
    templates: deps.messaging.templates,
    poke: () => {},
  });
  const sendNothing = sendQueuedMessage({
    messages: repos.messages,
    blobStore: deps.blobStore,
    liveEvents: deps.liveEvents,
    log,
    now,
    whatsapp: createOutboxSender("WhatsApp"),
    sms: createOutboxSender("SMS"),
    smsStatusCallback: null,
  });
  /** The messaging outbox's own send, run at once on outboxes that send nothing; the message says it is a demo. */
  const messenger: Messenger = {
    async send(request) {
      const queued = await queue.send(request);
      if (!queued.ok) return queued;
      const job = await repos.tasks.byKey(SEND_TASK, queued.value.id);
      if (job) await sendNothing({ messageId: queued.value.id }, job);
      const marked: Message | null = await repos.messages.update(queued.value.id, { error: DEMO_NOTE });
      return { ok: true, value: marked ?? queued.value };
    },
  };
  const invoiceIssued = invoiceIssuedTask({
    invoices: repos.invoices,
    blobStore: deps.blobStore,
    documents: deps.quotesToCash.documents,
    sender: quoteSender,
    company: deps.quotesToCash.company,
    publicBaseUrl: () => deps.settings.publicBaseUrl,
  });
  return { quoteFlow, settle, inbound, messenger, invoiceIssued };
}
