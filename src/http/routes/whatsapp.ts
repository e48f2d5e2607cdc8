import { timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { WHATSAPP_DELIVERY_JOB } from "../../domain/messaging/deliveries.ts";
import type { AppEnv } from "../deps.ts";
import { verifyMeta } from "../middleware/verify-meta.ts";

const sameToken = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Meta's WhatsApp webhook. GET is the subscription handshake; POST deliveries are verified by
 * verifyMeta (X-Hub-Signature-256 over the raw body) before the handler sees them, stored with
 * their processing job in one statement, and acknowledged at once: processing happens in the
 * background from the stored record, so nothing is lost if it fails or the process restarts.
 */
export function whatsappRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/api/whatsapp/webhook", (c) => {
    const { verifyToken } = c.get("deps").messaging.whatsapp;
    const mode = c.req.query("hub.mode");
    const token = c.req.query("hub.verify_token") ?? "";
    const challenge = c.req.query("hub.challenge") ?? "";
    if (!verifyToken) return c.text("WHATSAPP_VERIFY_TOKEN is not set, so the subscription cannot be verified.", 403);
    if (mode !== "subscribe" || !sameToken(token, verifyToken)) return c.text("The verify token does not match.", 403);
    if (!/^[\w.-]{1,256}$/.test(challenge)) return c.text("hub.challenge is missing or malformed.", 400);
    return c.text(challenge, 200);
  });

  app.post("/api/whatsapp/webhook", verifyMeta(), async (c) => {
    const deps = c.get("deps");
    const deliveryId = await deps.repos.webhookDeliveries.record("whatsapp", c.get("metaDelivery"), WHATSAPP_DELIVERY_JOB, deps.now());
    deps.backgroundJobs.poke();
    return c.json({ received: true, deliveryId }, 200);
  });

  return app;
}
