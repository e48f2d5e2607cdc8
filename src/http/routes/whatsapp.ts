import { timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import { metaSignatureValid } from "../../adapters/whatsapp/signature.ts";
import { WHATSAPP_DELIVERY_JOB } from "../../domain/messaging/deliveries.ts";
import type { AppEnv } from "../deps.ts";

/** Meta's deliveries are small (a few KB); anything far larger is not one. */
const MAX_BODY_BYTES = 1024 * 1024;

const sameToken = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Meta's WhatsApp webhook. GET is the subscription handshake; POST deliveries are verified
 * (X-Hub-Signature-256 over the raw body) before anything else, stored with their processing
 * job in one statement, and acknowledged at once: processing happens in the background from
 * the stored record, so nothing is lost if it fails or the process restarts.
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

  app.post("/api/whatsapp/webhook", async (c) => {
    const deps = c.get("deps");
    const declared = Number(c.req.header("Content-Length") ?? "0");
    if (declared > MAX_BODY_BYTES) return c.json({ error: "The body is too large to be a WhatsApp delivery." }, 413);
    const raw = new Uint8Array(await c.req.arrayBuffer());
    const signature = c.req.header("X-Hub-Signature-256");
    if (!metaSignatureValid(deps.messaging.whatsapp.appSecret, raw, signature)) {
      deps.logger.warn({ path: c.req.path, signed: Boolean(signature) }, "WhatsApp webhook refused: bad or missing signature");
      return c.json({ error: signature ? "The X-Hub-Signature-256 signature does not match." : "The X-Hub-Signature-256 signature is missing." }, 401);
    }
    if (raw.byteLength > MAX_BODY_BYTES) return c.json({ error: "The body is too large to be a WhatsApp delivery." }, 413);
    const deliveryId = await deps.repos.webhookDeliveries.record("whatsapp", new TextDecoder().decode(raw), WHATSAPP_DELIVERY_JOB, deps.now());
    deps.backgroundJobs.poke();
    return c.json({ received: true, deliveryId }, 200);
  });

  return app;
}
