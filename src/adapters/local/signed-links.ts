import { createHmac, timingSafeEqual } from "node:crypto";
import { ok, reject, type Result } from "../../domain/result.ts";
import { blobKeyProblem } from "../../ports/blob-store.ts";

export type LinkProblem = "malformed" | "bad_signature" | "expired";
/** The key a download token names, or why the token is refused. */
export type LinkCheck = Result<string, LinkProblem>;

export interface SignedLinks {
  /** A URL-safe token naming `key` until `expiresInSeconds` from now. */
  sign(key: string, expiresInSeconds: number): string;
  verify(token: string): LinkCheck;
}

/** Keeps these signatures apart from anything else that might be signed with the same secret. */
const PURPOSE = "switchboard.file-link.v1";
const MIN_SECRET_LENGTH = 32;

/**
 * Expiring download tokens for the local folder store: `<payload>.<signature>`, where the
 * payload is base64url JSON `{ k: key, x: expiry in Unix seconds }` and the signature is
 * base64url HMAC-SHA256 over the purpose and the payload. The token is the whole check, so
 * the secret must be long and private.
 *
 * @example
 * const links = createSignedLinks(await localSecret(dataDir, "link-signing.key"));
 * const token = links.sign("photos/job-12/boiler.jpg", 300);
 * links.verify(token); // { ok: true, value: "photos/job-12/boiler.jpg" }
 */
export function createSignedLinks(secret: string, now: () => number = Date.now): SignedLinks {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`The file link signing secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const mac = (payload: string) => createHmac("sha256", secret).update(`${PURPOSE}.${payload}`).digest();

  return {
    sign(key, expiresInSeconds) {
      const problem = blobKeyProblem(key);
      if (problem) throw new Error(`Cannot sign a link for blob key ${JSON.stringify(key)}: it ${problem}`);
      if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1) {
        throw new RangeError(`Download links last a whole number of seconds (at least 1), not ${expiresInSeconds}`);
      }
      const expires = Math.floor(now() / 1000) + expiresInSeconds;
      const payload = Buffer.from(JSON.stringify({ k: key, x: expires })).toString("base64url");
      return `${payload}.${mac(payload).toString("base64url")}`;
    },

    verify(token) {
      const [payload, signature, extra] = token.split(".");
      if (!payload || !signature || extra !== undefined) return reject("malformed", "This download link is not valid.");
      // Compare the encoded text, so that no second spelling of a signature is accepted.
      // The length is not secret, and timingSafeEqual needs equal lengths.
      const expected = Buffer.from(mac(payload).toString("base64url"));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return reject("bad_signature", "This download link is not valid.");
      }
      const claims = parseClaims(payload);
      if (!claims || blobKeyProblem(claims.k)) return reject("malformed", "This download link is not valid.");
      if (Math.floor(now() / 1000) >= claims.x) return reject("expired", "This download link has expired.");
      return ok(claims.k);
    },
  };
}

function parseClaims(payload: string): { k: string; x: number } | null {
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (typeof claims !== "object" || claims === null) return null;
    const { k, x } = claims as Record<string, unknown>;
    return typeof k === "string" && typeof x === "number" && Number.isFinite(x) ? { k, x } : null;
  } catch (error) {
    // Only reachable with a correct signature, i.e. our own secret signed garbage: treat as malformed.
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}
