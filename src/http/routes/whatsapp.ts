import { Hono } from "hono";
import { WHATSAPP_DELIVERY_TASK } from "../../domain/messaging/deliveries.ts";
import { maskDeliveryCardData } from "../../adapters/whatsapp/delivery-masking.ts";
import type { AppEnv } from "../deps.ts";
import { verifyMeta, verifyMetaSubscription } from "../middleware/verify-meta.ts";

/**
 * Meta's WhatsApp webhook. GET is the subscription handshake (its verify token checked by
 * verifyMetaSubscription); POST deliveries are verified by verifyMeta (X-Hub-Signature-256
 * over the raw body) before the handler sees them, stored with their processing job in one
 * statement (card numbers written in them masked first), and acknowledged at once: processing happens in the background from the stored
 * record, so nothing is lost if it fails or the process restarts.
 */
export function whatsappRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/api/whatsapp/webhook", verifyMetaSubscription(), (c) => {
    const challenge = c.req.query("hub.challenge") ?? "";
    if (!/^[\w.-]{1,256}$/.test(challenge)) return c.text("hub.challenge is missing or malformed.", 400);
    return c.text(challenge, 200);
  });

  app.post("/api/whatsapp/webhook", verifyMeta(), async (c) => {
    const deps = c.get("deps");
    const deliveryId = await deps.repos.webhookDeliveries.record(
      "whatsapp",
      maskDeliveryCardData(c.get("metaDelivery")),
      WHATSAPP_DELIVERY_TASK,
      deps.now(),
    );
    deps.backgroundTasks.poke();
    // Meta's deliveries carry no id of their own: the stored delivery's id is the event's, here and in its job.
    deps.logger.debug({ eventId: deliveryId }, "WhatsApp delivery recorded");
    return c.json({ received: true, deliveryId }, 200);
  });

  return app;
}
