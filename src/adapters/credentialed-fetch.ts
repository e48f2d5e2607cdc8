/**
 * A GET that carries an account's credentials, sent only to the vendor's own hosts. The URL comes
 * from a webhook or a vendor's answer (Twilio's RecordingUrl and MediaUrl, Meta's media URL), so
 * anyone who can forge or alter one could otherwise collect the keys. A redirect is followed
 * without the credentials: vendors redirect media to presigned storage links that need none.
 */

/** Which hosts may receive the credentials: the vendor's, plus any origins a setting names (a loopback peer in tests). */
export interface CredentialedHosts {
  /** The vendor, as the refusal names it ("Twilio"). */
  vendor: string;
  /** True for the vendor's own hosts; checked over https only. */
  isVendorHost: (host: string) => boolean;
  /** Exact origins also trusted ("http://127.0.0.1:4010"), never by default. */
  alsoAllow?: readonly string[];
}

export class CredentialsNotSentError extends Error {}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Twilio's REST API: api.twilio.com and its regional and edge hosts (api.dublin.ie1.twilio.com). */
export const isTwilioApiHost = (host: string): boolean =>
  host === "api.twilio.com" || /^api\.([a-z0-9-]+\.)+twilio\.com$/.test(host);

/** Meta's: the Graph API, and the hosts its media URLs point at (lookaside.fbsbx.com, WhatsApp's media servers). */
export const isMetaMediaHost = (host: string): boolean =>
  host === "graph.facebook.com" || /(^|\.)fbsbx\.com$/.test(host) || /\.whatsapp\.net$/.test(host);

/** Whether `url` may receive the credentials; a refusal reason otherwise. */
export function credentialsAllowed(
  url: string,
  hosts: CredentialedHosts,
): { ok: true } | { ok: false; reason: string } {
  if (!URL.canParse(url)) return { ok: false, reason: `not sending the ${hosts.vendor} credentials: not a URL` };
  const parsed = new URL(url);
  if (hosts.alsoAllow?.includes(parsed.origin)) return { ok: true };
  if (parsed.protocol === "https:" && !parsed.username && !parsed.password && hosts.isVendorHost(parsed.hostname))
    return { ok: true };
  return {
    ok: false,
    reason: `not sending the ${hosts.vendor} credentials to ${parsed.host}: media is fetched only from ${hosts.vendor}'s own hosts over https`,
  };
}

/**
 * GETs `url` with `headers` (the credentials) if `hosts` allows it, else throws
 * CredentialsNotSentError before any request is made.
 */
export async function fetchWithCredentials(
  url: string,
  headers: Record<string, string>,
  hosts: CredentialedHosts,
  signal: AbortSignal,
): Promise<Response> {
  const allowed = credentialsAllowed(url, hosts);
  if (!allowed.ok) throw new CredentialsNotSentError(allowed.reason);
  const response = await fetch(url, { headers, redirect: "manual", signal });
  const location = response.headers.get("Location");
  if (!REDIRECTS.has(response.status) || !location) return response;
  await response.body?.cancel();
  return fetch(new URL(location, url), { signal });
}
