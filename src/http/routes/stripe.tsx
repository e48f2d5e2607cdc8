import { Hono } from "hono";
import { z } from "zod";
import type { PayChoice } from "../../domain/payments/charges.ts";
import { startCheckout } from "../../domain/payments/quote-flow.ts";
import { recordPaymentEvent } from "../../domain/payments/settlement-flow.ts";
import type { AppEnv } from "../deps.ts";
import { reasonStatus, reasonTitle } from "../errors.ts";
import { crossSiteProtection } from "../middleware/cross-site.ts";
import { verifyStripe } from "../middleware/verify-stripe.ts";
import { refusal } from "./quote-public.tsx";
import { flowDeps, webhookDeps } from "./quotes-support.ts";
import { CODE_MAX, formText, validForm, validJson, type OnInvalid } from "../validation.ts";

/** Accepting a quote, as a form or JSON: its public token and how much to pay; startCheckout decides the rest. */
const checkoutBody = z.object({ token: formText(CODE_MAX), pay: formText(CODE_MAX) });

/** A token past the bound names no quote: the customer gets the page a wrong link gets; JSON callers the reason. */
const checkoutRefused: OnInvalid = (c, bad) => {
  if (c.req.header("Content-Type")?.startsWith("application/json")) {
    const [field, message] = Object.entries(bad.errors)[0] ?? ["body", "The request could not be read."];
    return c.json({ error: `${field}: ${message}` }, 422);
  }
  return refusal(c, 404, "Quote not found", "There is no quote at this link.", null);
};

/**
 * The Stripe endpoints the seed names. create-checkout is "accept" on the customer's page (a
 * form post, or JSON); session/:id reports a checkout's state; webhook takes Stripe's events,
 * signature first. On the embedded default the same routes run on the test checkout.
 */
export function stripeRoutes() {
  const app = new Hono<AppEnv>();
  app.use("/api/stripe/create-checkout", crossSiteProtection());

  // Each validator reads only its own content type, so one of the two bodies is the one posted.
  app.post(
    "/api/stripe/create-checkout",
    validJson(checkoutBody, checkoutRefused),
    validForm(checkoutBody, checkoutRefused),
    async (c) => {
      const deps = c.get("deps");
      const json = (c.req.header("Content-Type") ?? "").startsWith("application/json");
      const body = json ? c.req.valid("json") : c.req.valid("form");
      const token = body.token;
      const choice: PayChoice = body.pay === "deposit" ? "deposit" : "full";
      if (!token)
        return json
          ? c.json({ error: "token is required." }, 400)
          : refusal(c, 404, "Quote not found", "There is no quote at this link.", null);
      const started = await startCheckout(flowDeps(deps), token, choice);
      if (!started.ok) {
        const status = reasonStatus(started.reason);
        if (json) return c.json({ error: started.message, reason: started.reason }, status);
        return refusal(
          c,
          status,
          reasonTitle(started.reason) ?? "Quote not found",
          started.message,
          status === 404 ? null : token,
        );
      }
      if (json) return c.json({ url: started.value.url, sessionId: started.value.sessionId });
      return c.redirect(started.value.url, 303);
    },
  );

  /** A checkout's state: the provider's session and our payment (for the thank-you page and support). */
  app.get("/api/stripe/session/:id", async (c) => {
    const deps = c.get("deps");
    const id = c.req.param("id");
    const payment = /^cs_[A-Za-z0-9_]{8,200}$/.test(id) ? await deps.repos.payments.bySessionId(id) : null;
    if (!payment) return c.json({ error: "There is no checkout session with that id." }, 404);
    const session = await deps.quotesToCash.checkout.retrieveSession(id);
    const quote = await deps.repos.quotes.byId(payment.quoteId);
    const invoice = (await deps.repos.invoices.forQuote(payment.quoteId)).find((i) => i.paymentId === payment.id);
    c.header("Cache-Control", "no-store");
    return c.json({
      id,
      provider: deps.quotesToCash.checkout.provider,
      status: session?.status ?? null,
      paymentStatus: session?.paymentStatus ?? null,
      amountTotal: session?.amountTotalPence ?? payment.amountPence,
      currency: session?.currency ?? payment.currency,
      payment: { kind: payment.kind, amountPence: payment.amountPence, status: payment.status, paidAt: payment.paidAt },
      quoteStatus: quote?.status ?? null,
      invoice: invoice ? invoice.content.number : null,
    });
  });

  /**
   * Stripe's events. verifyStripe checks the signature (Stripe-Signature, over the raw body, at
   * most five minutes old) before the handler runs; a bad one gets 400 and changes nothing. A
   * good one is recorded once per event id and acknowledged at once; a durable job settles it,
   * in one transaction with its effects. Unknown types are acknowledged and ignored.
   */
  app.post("/api/stripe/webhook", verifyStripe(), async (c) => {
    const outcome = await recordPaymentEvent(webhookDeps(c.get("deps")), c.get("paymentEvent"));
    return c.json({ received: true, outcome });
  });

  return app;
}
