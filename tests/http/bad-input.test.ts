import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Repositories } from "../../src/ports/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { ORIGIN, aStaffUser, buildTestApp, signedTwilioPost, testBrowser } from "../support/test-app.ts";

let repos: Repositories;
let browser: ReturnType<typeof testBrowser>;
let app: ReturnType<typeof buildTestApp>["app"];

beforeAll(async () => {
  repos = await freshPglite();
  const world = buildTestApp(repos);
  app = world.app;
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
}, 30_000);
afterAll(async () => repos?.close());

const leadCount = async () => (await repos.leads.search({ limit: 1, offset: 0 })).total;

describe("control characters at the edge", () => {
  test("a NUL in a search is 400 with a reason, not a 500 from the database", async () => {
    const response = await browser.request("/leads?q=%00", { headers: { Accept: "application/json" } });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toContain("q: contains a control character");
  });

  test("other control characters in a query are refused too; tabs and plain text are not", async () => {
    expect((await browser.request("/leads?q=a%1Bb")).status).toBe(400);
    expect((await browser.request("/leads?q=a%7Fb")).status).toBe(400);
    expect((await browser.request("/leads?q=a%09b")).status).toBe(200);
    expect((await browser.request("/leads?q=Sarah")).status).toBe(200);
  });

  test("a NUL in a form field is 400 naming the field, and nothing is written", async () => {
    const before = await leadCount();
    const response = await browser.post("/leads", {
      _csrf: browser.csrf,
      name: "Sarah\u0000Jones",
      phone: "07700 900123",
      postcode: "NW1 6XE",
      segment: "tenant",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("name: contains a control character");
    expect(await leadCount()).toBe(before);
  });

  test("newlines and tabs in free text are kept: a lead with a multi-line note is saved", async () => {
    const before = await leadCount();
    const response = await browser.post("/leads", {
      _csrf: browser.csrf,
      name: "Tab\tNewline",
      phone: "07700 900124",
      postcode: "NW1 6XE",
      segment: "tenant",
    });
    expect(response.status).toBe(303);
    expect(await leadCount()).toBe(before + 1);
  });

  test("a NUL in a JSON body is 400, and malformed JSON is 400", async () => {
    const post = (body: string) =>
      app.request(`${ORIGIN}/api/stripe/create-checkout`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: ORIGIN, "Sec-Fetch-Site": "same-origin" },
        body,
      });
    const nul = await post(JSON.stringify({ token: "abc\u0000def" }));
    expect(nul.status).toBe(400);
    expect(await nul.text()).toContain("token: contains a control character");
    expect((await post("{not json")).status).toBe(400);
  });
});

describe("a form body that cannot be parsed", () => {
  test("a multipart body with a broken boundary is 400, and nothing is written", async () => {
    const before = await leadCount();
    const response = await browser.request("/leads", {
      method: "POST",
      headers: {
        "Content-Type": "multipart/form-data; boundary=xyz",
        Origin: ORIGIN,
        "Sec-Fetch-Site": "same-origin",
        "X-CSRF-Token": browser.csrf,
      },
      body: "--abc\r\nnot a part at all",
    });
    expect(response.status).toBe(400);
    expect(await leadCount()).toBe(before);
  });

  test("so is one whose CSRF token would have to be read from the broken body itself", async () => {
    const before = await leadCount();
    const response = await browser.request("/leads", {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data; boundary=xyz", Origin: ORIGIN, "Sec-Fetch-Site": "same-origin" },
      body: "--abc\r\nnot a part at all",
    });
    expect(response.status).toBe(400);
    expect(await leadCount()).toBe(before);
  });
});

describe("control characters from vendors", () => {
  test("a signed Twilio webhook with a NUL in a parameter is answered, not a 500, and the call is stored without it", async () => {
    const response = await signedTwilioPost(app, "/api/twilio/voice", {
      CallSid: "CA00000000000000000000000000000779",
      AccountSid: "AC00000000000000000000000000000000",
      From: "+447700900\u0000777",
      To: "+442079460000",
      CallStatus: "ringing",
      Direction: "inbound",
    });
    expect(response.status).toBe(200);
    expect((await repos.calls.byProviderId("CA00000000000000000000000000000779"))?.from).toBe("+447700900777");
  });
});
