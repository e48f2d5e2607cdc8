import { Hono } from "hono";
import { TEST_WEBHOOK_TASK, deliverTestEvents } from "../../adapters/local/test-checkout-delivery.ts";
import { TestCheckoutPage } from "../../views/checkout.tsx";
import type { AppEnv } from "../deps.ts";
import { crossSiteProtection } from "../middleware/cross-site.ts";
import { refusal } from "./quote-public.tsx";
import { webhookDeps } from "./quotes-support.ts";

/**
 * The embedded test checkout's pages (only when no Stripe keys are set). Paying completes the
 * session and hands its signed events to the webhook handler (which records them for settling)
 * before the customer is sent on, so the payment never waits for the thank-you page; a delivery
 * that fails is retried by a durable job.
 */
export function testCheckoutRoutes() {
  const app = new Hono<AppEnv>();
  app.use("/checkout/test/*", crossSiteProtection());

  app.get("/checkout/test/:id", async (c) => {
    const deps = c.get("deps");
    const session = await deps.quotesToCash.testCheckout?.session(c.req.param("id"));
    if (!session) return refusal(c, 404, "Checkout not found", "There is no such checkout.", null);
    c.header("Cache-Control", "private, no-store");
    return c.html(
      <TestCheckoutPage
        company={deps.quotesToCash.company}
        session={session}
        expired={session.status === "open" && session.expiresAt <= deps.now()}
      />,
    );
  });

  app.post("/checkout/test/:id/pay", async (c) => {
    const deps = c.get("deps");
    const testCheckout = deps.quotesToCash.testCheckout;
    const id = c.req.param("id");
    const session = await testCheckout?.session(id);
    if (!testCheckout || !session) return refusal(c, 404, "Checkout not found", "There is no such checkout.", null);
    const paid = await testCheckout.pay(id);
    if (!paid.ok)
      return c.html(
        <TestCheckoutPage company={deps.quotesToCash.company} session={session} expired error={paid.message} />,
        409,
      );
    const failures = await deliverTestEvents(webhookDeps(deps), paid.deliveries);
    if (failures.length > 0) {
      deps.logger.warn({ sessionId: id, failures }, "test checkout events not accepted yet; a job will retry them");
      await deps.repos.tasks.enqueue({
        kind: TEST_WEBHOOK_TASK,
        key: id,
        payload: { sessionId: id },
        runAt: deps.now(),
      });
    }
    deps.backgroundTasks.poke();
    return c.redirect(session.request.successUrl.replace("{CHECKOUT_SESSION_ID}", id), 303);
  });

  return app;
}
