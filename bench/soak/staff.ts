/**
 * A logged-in member of staff over real HTTP: one session (kept in the shared database, so it
 * works on either instance, as behind a load balancer), page loads, and replies from the lead page.
 */

export interface StaffClient {
  logIn(baseUrl: string, email: string, password: string): Promise<void>;
  /** GETs a staff page; resolves with the status and how long it took. */
  load(baseUrl: string, path: string): Promise<{ status: number; ms: number }>;
  /** Sends a reply from the lead page's box; resolves with the status (303 or 2xx: queued). */
  reply(baseUrl: string, leadId: string, channel: "sms" | "whatsapp", text: string): Promise<number>;
}

export function staffClient(): StaffClient {
  let cookie = "";
  let csrf = "";
  const request = async (baseUrl: string, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (cookie) headers.set("Cookie", cookie);
    const response = await fetch(`${baseUrl}${path}`, {
      ...init,
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(15_000),
    });
    const setCookie = response.headers.get("Set-Cookie");
    if (setCookie) cookie = setCookie.split(";")[0]!;
    return response;
  };
  const form = (baseUrl: string, path: string, fields: Record<string, string>) =>
    request(baseUrl, path, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: baseUrl,
        "Sec-Fetch-Site": "same-origin",
      },
      body: new URLSearchParams(fields).toString(),
    });
  return {
    async logIn(baseUrl, email, password) {
      const response = await form(baseUrl, "/login", { email, password });
      await response.body?.cancel();
      const home = await request(baseUrl, "/");
      const html = await home.text();
      csrf = html.match(/name="_csrf" value="([^"]+)"/)?.[1] ?? html.match(/"X-CSRF-Token":\s*"([^"]+)"/)?.[1] ?? "";
      if (home.status !== 200 || !csrf) throw new Error(`staff log-in failed: / answered ${home.status}`);
    },
    async load(baseUrl, path) {
      const started = performance.now();
      const response = await request(baseUrl, path);
      await response.arrayBuffer();
      return { status: response.status, ms: performance.now() - started };
    },
    async reply(baseUrl, leadId, channel, text) {
      const response = await form(baseUrl, `/leads/${leadId}/messages`, { text, channel, _csrf: csrf });
      await response.body?.cancel();
      return response.status;
    },
  };
}
