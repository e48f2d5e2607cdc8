import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Meta's X-Hub-Signature-256: "sha256=" and the hex HMAC-SHA256 of the raw request body, keyed
 * with the app secret. Compared in constant time; anything else (missing, another algorithm,
 * wrong length) is not valid.
 *
 * @example metaSignatureValid(appSecret, rawBody, c.req.header("X-Hub-Signature-256"))
 */
export function metaSignatureValid(
  appSecret: string,
  rawBody: Uint8Array | string,
  header: string | undefined | null,
): boolean {
  if (!header || !header.startsWith("sha256=")) return false;
  const sent = header.slice("sha256=".length).trim();
  if (!/^[0-9a-f]{64}$/i.test(sent)) return false;
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(sent, "hex"));
}

/** The header Meta would send for this body: for tests, the simulator and the benchmark. */
export const metaSignature = (appSecret: string, rawBody: Uint8Array | string): string =>
  `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
