/** Clients for the end-to-end tests: a staff login and a server-sent events reader, over real sockets. */
import { afterAll, beforeAll } from "bun:test";
import { startLiveServer, type LiveServer } from "../support/running-server.ts";
import { aStaffUser } from "../support/test-app.ts";
import { startPostgres, type TestPostgres } from "../support/test-db.ts";

/**
 * A running server for the test file, and a staff member logged in to it: started before the
 * file's tests (`use` is then handed both), stopped after them.
 */
export function withRunningServer(use: (server: LiveServer, cookie: string) => void): void {
  let server: LiveServer | undefined;
  beforeAll(async () => {
    server = await startLiveServer();
    const staff = await aStaffUser(server.deps);
    use(server, await logIn(server.baseUrl, staff.email, staff.password));
  }, 60_000);
  afterAll(async () => server?.stop());
}

/**
 * Two instances (A and B) on one real PostgreSQL database, each composed as `npm start` composes
 * it, and a staff member logged in to B: started before the file's tests (`use` is then handed
 * them and B's session cookie), stopped after them.
 */
export function withTwoInstances(
  database: string,
  use: (a: LiveServer, b: LiveServer, cookieOnB: string) => void,
): void {
  let postgres: TestPostgres | undefined;
  let a: LiveServer | undefined;
  let b: LiveServer | undefined;
  beforeAll(async () => {
    postgres = await startPostgres();
    const DATABASE_URL = await postgres.createDatabase(database);
    // One after the other: both would apply the migrations once anyway (advisory lock), but the log is plainer.
    a = await startLiveServer({ DATABASE_URL });
    b = await startLiveServer({ DATABASE_URL });
    const staff = await aStaffUser(b.deps);
    use(a, b, await logIn(b.baseUrl, staff.email, staff.password));
  }, 60_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await postgres?.stop();
  }, 30_000);
}

/** Logs in through POST /login as the browser's form does; returns the session cookie ("name=value"). */
export async function logIn(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/login`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: baseUrl, "Sec-Fetch-Site": "same-origin" },
    body: new URLSearchParams({ email, password }).toString(),
    redirect: "manual",
  });
  const cookie = response.headers.get("Set-Cookie")?.split(";")[0];
  if (response.status !== 303 || !cookie)
    throw new Error(`login failed: HTTP ${response.status} ${await response.text()}`);
  return cookie;
}

export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
  /** performance.now() when it arrived. */
  at: number;
}

export interface SseClient {
  readonly status: number;
  readonly events: SseEvent[];
  /** Resolves with the first event (already received or still to come) matching `predicate`. */
  waitFor(predicate: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

/**
 * Opens an SSE stream as EventSource would (Accept: text/event-stream, Last-Event-ID on a
 * resume) and parses it as it arrives: `event:`, `data:` (lines joined), `id:`; comments ignored.
 */
export async function openEvents(url: string, cookie: string, lastEventId?: string): Promise<SseClient> {
  const abort = new AbortController();
  const headers: Record<string, string> = { Accept: "text/event-stream", Cookie: cookie };
  if (lastEventId !== undefined) headers["Last-Event-ID"] = lastEventId;
  const response = await fetch(url, { headers, signal: abort.signal, redirect: "manual" });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const pump = async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, "\n");
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parseBlock(block);
        if (event) events.push(event);
      }
      for (const wake of waiters) wake();
    }
  };
  void pump().catch(() => {});
  return {
    status: response.status,
    events,
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (!found) return;
          cleanUp();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanUp();
          reject(
            new Error(`no matching SSE event within ${timeoutMs} ms; got: ${events.map((e) => e.event).join(", ")}`),
          );
        }, timeoutMs);
        const cleanUp = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}

function parseBlock(block: string): SseEvent | null {
  let event = "message";
  let id: string | null = null;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    else if (field === "id") id = value;
  }
  if (data.length === 0 && event === "message") return null;
  return { event, data: data.join("\n"), id, at: performance.now() };
}

/** The text of an HTML fragment: tags dropped, entities decoded, spaces collapsed. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(Number.parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** Retries `check` until it stops throwing, or throws its last error after `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await Bun.sleep(25);
    }
  }
}
