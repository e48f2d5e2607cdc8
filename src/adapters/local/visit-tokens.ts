import { createHash, randomBytes } from "node:crypto";

/**
 * The customer's visit link: 128 random bits, base64url (22 characters). Only its SHA-256 is
 * stored with the visit, so the appointments table alone opens no one's page.
 * @example const { token, hash } = newVisitToken(); // token in the message, hash in the row
 */
export function newVisitToken(): { token: string; hash: string } {
  const token = randomBytes(16).toString("base64url");
  return { token, hash: hashVisitToken(token) };
}

export const hashVisitToken = (token: string): string => createHash("sha256").update(token).digest("hex");

/** What a visit token looks like; anything else is not looked up at all. */
export const VISIT_TOKEN = /^[A-Za-z0-9_-]{22}$/;
