const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * The SHA-256 of a session id, in hex: what the database keeps and live events name in place of
 * the id, which only the cookie carries. A copy of the database (or an overheard event) cannot
 * be presented as a cookie, since nothing turns a digest back into its id.
 * @example await sessionKey("abc") // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 */
export async function sessionKey(sessionId: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(sessionId)));
}
