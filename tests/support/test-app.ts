import twilio from "twilio";
import pino from "pino";
import { createBunPasswords } from "../../src/adapters/local/bun-passwords.ts";
import { createFolderBlobStore } from "../../src/adapters/local/folder-blob-store.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { randomToken, wireDeps, type AppDeps, type CompositionOverrides } from "../../src/compose/index.ts";
import { addStaffUser } from "../../src/domain/staff-access.ts";
import { createApp } from "../../src/http/app.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { createRulesExtractor } from "../../src/adapters/local/rules-extractor/index.ts";
import { ORIGIN, TEST_SECRETS, TEST_TWILIO_TOKEN, testConfig } from "./test-config.ts";
import type { MessagingTestOptions } from "./messaging-world.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export { ORIGIN, TEST_TWILIO_TOKEN } from "./test-config.ts";

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

/**
 * The real app on real repositories (PGlite), composed as the server composes it (src/compose/)
 * from the test configuration, with test peers: a movable clock, a quiet logger, fast password
 * hashing, extraction without debounce, and background jobs left for the test to run
 * (`messagingTasks`, `quoteTasks`). `overrides` replaces parts of the composition.
 */
export function buildTestApp(
  repos: Repositories,
  overrides: CompositionOverrides = {},
  /** `env`: configuration beyond the test defaults (e.g. a vendor's variables). */
  messagingOptions: MessagingTestOptions & { env?: Record<string, string> } = {},
) {
  const clock = testClock();
  const blobStore = createFolderBlobStore({
    dir: mkdtempSync(join(tmpdir(), "sb-blobs-")),
    signingSecret: randomToken(),
    publicBaseUrl: ORIGIN,
  });
  const reply = messagingOptions.missedCallReply;
  const config = testConfig({
    ...(reply ? { MISSED_CALL_REPLY_CHANNEL: reply.channel, MISSED_CALL_REPLY_TEXT: reply.text } : {}),
    ...messagingOptions.env,
  });
  const { deps, taskHandlers } = wireDeps(
    config,
    {
      repos: repos as OpenDatabase,
      storage: { blobStore, verifyFileLink: blobStore.verifyLink, detail: "Test folder" },
      secrets: TEST_SECRETS,
      logger: pino({ level: "silent" }),
    },
    {
      overrides: {
        now: clock.now,
        passwords: createBunPasswords({ memoryCost: 1024, timeCost: 1 }),
        extraction: { extractor: createRulesExtractor(), debounceMs: 10, minSpeechMsBetweenRuns: 0 },
        // Tests run due jobs themselves, when they choose.
        backgroundTasks: { poke: () => {} },
        messagingAdapters: messagingOptions.adapters,
        ...overrides,
      },
    },
  );
  return {
    app: createApp(deps),
    deps,
    clock,
    messagingTasks: taskHandlers.messaging,
    quoteTasks: taskHandlers.quotes,
    schedulingTasks: taskHandlers.scheduling,
  };
}

/** A webhook post signed as Twilio signs it (X-Twilio-Signature over the URL and form fields). */
export function signedTwilioPost(
  app: ReturnType<typeof createApp>,
  path: string,
  params: Record<string, string>,
  token = TEST_TWILIO_TOKEN,
) {
  const url = `${ORIGIN}${path}`;
  return app.request(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": twilio.getExpectedTwilioSignature(token, url, params),
    },
    body: new URLSearchParams(params).toString(),
  });
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
    /** A same-origin form post, as the browser sends it from our own page; a list is a field repeated (rows). */
    post(path: string, fields: Record<string, string | string[]>, extraHeaders: Record<string, string> = {}) {
      const body = new URLSearchParams();
      for (const [name, value] of Object.entries(fields))
        for (const one of Array.isArray(value) ? value : [value]) body.append(name, one);
      return request(path, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Origin: ORIGIN,
          "Sec-Fetch-Site": "same-origin",
          ...extraHeaders,
        },
        body: body.toString(),
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
  const result = await addStaffUser(
    { staffUsers: deps.repos.staffUsers, passwords: deps.passwords },
    { email, password, role: "admin" },
  );
  if (!result.ok) throw new Error(result.message);
  return { email, password, user: result.value };
}

/**
 * A staff member (aStaffUser) logged in to the test app through a test browser.
 * @example ({ browser } = await aLoggedInStaff(buildTestApp(repos), "sam@handy.example"));
 */
export async function aLoggedInStaff(world: Pick<ReturnType<typeof buildTestApp>, "app" | "deps">, email?: string) {
  const staff = await aStaffUser(world.deps, email);
  const browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
  return { staff, browser };
}
