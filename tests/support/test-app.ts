import pino from "pino";
import { createBunPasswords } from "../../src/adapters/local/bun-passwords.ts";
import { createFolderBlobStore } from "../../src/adapters/local/folder-blob-store.ts";
import { randomToken } from "../../src/compose/index.ts";
import { addStaffUser } from "../../src/domain/staff-access.ts";
import { createApp } from "../../src/http/app.ts";
import type { AppDeps } from "../../src/http/deps.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { createInProcessLiveEvents } from "../../src/adapters/local/in-process-live-events.ts";
import { testQuotesToCash } from "./quotes-world.ts";
import { testMessaging, type MessagingTestOptions } from "./messaging-world.ts";
import { createRulesExtractor } from "../../src/adapters/local/rules-extractor/index.ts";
import { createCallEndings } from "../../src/domain/live-call/call-endings.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const ORIGIN = "http://localhost";
export const TEST_TWILIO_TOKEN = "test-twilio-auth-token-0123456789";

/** A clock tests can move: `clock.advance(minutes)`. */
export function testClock(start = new Date("2026-11-27T10:00:00Z")) {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advanceMinutes: (minutes: number) => {
      now += minutes * 60_000;
    },
  };
}

/** The real app on real repositories (PGlite), with a movable clock and a quiet logger. */
export function buildTestApp(repos: Repositories, overrides: Partial<AppDeps> = {}, messagingOptions: MessagingTestOptions = {}) {
  const clock = testClock();
  const blobStore = createFolderBlobStore({ dir: mkdtempSync(join(tmpdir(), "sb-blobs-")), signingSecret: randomToken(), publicBaseUrl: ORIGIN });
  const liveEvents = overrides.liveEvents ?? createInProcessLiveEvents();
  const messaging = testMessaging({ repos, blobStore, liveEvents, now: clock.now, publicBaseUrl: () => deps.settings.publicBaseUrl }, messagingOptions);
  const deps: AppDeps = {
    repos,
    blobStore,
    verifyFileLink: blobStore.verifyLink,
    passwords: createBunPasswords({ memoryCost: 1024, timeCost: 1 }),
    logger: pino({ level: "silent" }),
    now: clock.now,
    randomId: randomToken,
    settings: {
      companyName: "Handy Services",
      publicBaseUrl: ORIGIN,
      sessionIdleMinutes: 30,
      secureCookies: false,
      loginAttemptsPerWindow: 5,
      loginWindowMinutes: 15,
      heartbeatMs: 15_000,
    },
    integrations: async () => [],
    quotesToCash: testQuotesToCash({ repos, blobStore, now: clock.now, publicBaseUrl: () => deps.settings.publicBaseUrl }).deps,
    liveEvents,
    messaging: messaging.deps,
    backgroundJobs: { poke: () => {} },
    extraction: { extractor: createRulesExtractor(), debounceMs: 10, minSpeechMsBetweenRuns: 0 },
    transcription: { forStream: () => null },
    callEndings: createCallEndings(),
    twilio: { authToken: TEST_TWILIO_TOKEN, accountSid: null, staffNumbers: [], local: true },
    ...overrides,
  };
  return { app: createApp(deps), deps, clock, messagingJobs: messaging.jobHandlers };
}

/** A browser-like client: keeps the session cookie and reads the CSRF token off pages. */
export function testBrowser(app: ReturnType<typeof createApp>) {
  let cookie = "";
  let csrf = "";
  const request = async (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (cookie) headers.set("Cookie", cookie);
    const response = await app.request(`${ORIGIN}${path}`, { ...init, headers, redirect: "manual" });
    const setCookie = response.headers.get("Set-Cookie");
    if (setCookie) {
      const pair = setCookie.split(";")[0]!;
      cookie = pair.endsWith("=") ? "" : pair;
    }
    return response;
  };
  return {
    request,
    get cookie() {
      return cookie;
    },
    get csrf() {
      return csrf;
    },
    async page(path: string) {
      const response = await request(path);
      const html = await response.clone().text();
      const match = html.match(/name="_csrf" value="([^"]+)"/);
      if (match) csrf = match[1]!;
      return { response, html };
    },
    /** A same-origin form post, as the browser sends it from our own page. */
    post(path: string, fields: Record<string, string>, extraHeaders: Record<string, string> = {}) {
      return request(path, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", ...extraHeaders },
        body: new URLSearchParams(fields).toString(),
      });
    },
    async logIn(email: string, password: string) {
      const response = await this.post("/login", { email, password });
      await this.page("/");
      return response;
    },
  };
}

export async function aStaffUser(deps: AppDeps, email = "tom@handy.example", password = "correct horse battery") {
  const result = await addStaffUser({ staffUsers: deps.repos.staffUsers, passwords: deps.passwords }, { email, password, role: "admin" });
  if (!result.ok) throw new Error(result.message);
  return { email, password, user: result.value };
}
