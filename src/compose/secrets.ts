import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config.ts";

/** 256 random bits, base64url: session ids, CSRF tokens. */
export function randomToken(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

/** The folder blob store signs its download links with this locally made key. */
export const LINK_SIGNING_KEY_FILE = "link-signing.key";
/** On the embedded default, webhooks are signed with this locally made token (the simulator reads it). */
export const TWILIO_LOCAL_TOKEN_FILE = "twilio-local-auth-token";
/** Likewise the app secret WhatsApp deliveries are signed with when WHATSAPP_APP_SECRET is unset. */
export const WHATSAPP_LOCAL_SECRET_FILE = "whatsapp-local-app-secret";
/** On the embedded default, the test checkout signs its events with this locally made secret. */
export const STRIPE_LOCAL_SECRET_FILE = "stripe-local-webhook-secret";

/**
 * The secrets webhooks are signed and checked with: the vendor's where the configuration has it,
 * else one made locally (the simulator, the WhatsApp embedded default and the test checkout sign
 * with these, so the same signature checks run either way).
 */
export interface SigningSecrets {
  /** TWILIO_AUTH_TOKEN, or the local token. */
  twilioAuthToken: string;
  /** WHATSAPP_APP_SECRET, or the local secret. */
  whatsappAppSecret: string;
  /** The test checkout's secret, without the whsec_ prefix (Stripe's own comes from the configuration). */
  stripeLocalSecret: string;
}

/** Reads (or first makes) only the local secrets the configuration leaves to us. */
export async function signingSecrets(
  config: Pick<Config, "TWILIO_AUTH_TOKEN" | "WHATSAPP_APP_SECRET">,
  dataDir: string,
): Promise<SigningSecrets> {
  return {
    twilioAuthToken: config.TWILIO_AUTH_TOKEN ?? (await localSecret(dataDir, TWILIO_LOCAL_TOKEN_FILE)),
    whatsappAppSecret: config.WHATSAPP_APP_SECRET ?? (await localSecret(dataDir, WHATSAPP_LOCAL_SECRET_FILE)),
    stripeLocalSecret: await localSecret(dataDir, STRIPE_LOCAL_SECRET_FILE),
  };
}

/** A secret kept in the data folder, made on first start, so signed links survive restarts. */
export async function localSecret(dataDir: string, name: string): Promise<string> {
  const dir = join(dataDir, "secrets");
  const path = join(dir, name);
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const secret = randomToken();
    await writeFile(path, secret, { mode: 0o600, flag: "wx" }).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
    return (await readFile(path, "utf8")).trim();
  }
}
