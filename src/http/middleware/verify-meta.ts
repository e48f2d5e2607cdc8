import { timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { metaSignatureValid } from "../../adapters/whatsapp/signature.ts";
import type { AppEnv } from "../deps.ts";
import { readRawBody } from "./raw-body.ts";

/** Meta's deliveries are small (a few KB); anything far larger is not one. */
export const META_MAX_BODY_BYTES = 1024 * 1024;

/** What verifyMeta leaves on the context: the delivery's raw JSON text, as Meta signed it. */
export type MetaEnv = AppEnv & { Variables: { metaDelivery: string } };

/**
 * Meta's WhatsApp webhook deliveries: the body is read within META_MAX_BODY_BYTES (413 beyond),
 * then X-Hub-Signature-256 over those raw bytes must match the app secret (401 otherwise, and
 * nothing is stored). The verified body is `c.get("metaDelivery")`.
 * @example app.post("/api/whatsapp/webhook", verifyMeta(), (c) => record(c.get("metaDelivery")))
 */
export const verifyMeta = (): MiddlewareHandler<MetaEnv> => async (c, next) => {
  const deps = c.get("deps");
  const raw = await readRawBody(c, META_MAX_BODY_BYTES, "The body is too large to be a WhatsApp delivery.");
  const signature = c.req.header("X-Hub-Signature-256");
  if (!metaSignatureValid(deps.messaging.whatsapp.appSecret, raw, signature)) {
    deps.logger.warn(
      { path: c.req.path, signed: Boolean(signature) },
      "WhatsApp webhook refused: bad or missing signature",
    );
    return c.json(
      {
        error: signature
          ? "The X-Hub-Signature-256 signature does not match."
          : "The X-Hub-Signature-256 signature is missing.",
      },
      401,
    );
  }
  c.set("metaDelivery", new TextDecoder().decode(raw));
  await next();
};

const sameToken = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * Meta's subscription handshake (GET): hub.mode must be "subscribe" and hub.verify_token must
 * equal WHATSAPP_VERIFY_TOKEN, compared in constant time; otherwise 403. With no token set,
 * every handshake is refused.
 */
export const verifyMetaSubscription = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  const { verifyToken } = c.get("deps").messaging.whatsapp;
  if (!verifyToken) return c.text("WHATSAPP_VERIFY_TOKEN is not set, so the subscription cannot be verified.", 403);
  if (c.req.query("hub.mode") !== "subscribe" || !sameToken(c.req.query("hub.verify_token") ?? "", verifyToken))
    return c.text("The verify token does not match.", 403);
  await next();
};
