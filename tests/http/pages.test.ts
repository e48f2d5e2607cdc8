import { companySafetyRules } from "../../src/domain/extraction/safety-rules.ts";
import { DEFAULT_SAFETY_RULES } from "../../src/domain/extraction/safety.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { IntegrationStatus } from "../../src/ports/integrations.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;

const integrations: IntegrationStatus[] = [
  { name: "Database", purpose: "Leads", mode: "embedded", detail: "PGlite in ./data", health: { state: "ok" } },
  {
    name: "Storage",
    purpose: "Files",
    mode: "vendor",
    detail: "S3 bucket x",
    health: { state: "failing", error: "S3 HeadBucket failed: 403" },
  },
  {
    name: "Stripe",
    purpose: "Payments",
    mode: "embedded",
    detail: "No keys: no card payments are taken",
    health: { state: "not_checked", why: "Nothing to check" },
  },
];

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos, { integrations: async () => integrations });
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
}, 30_000);
afterAll(async () => repos?.close());

describe("pages and assets", () => {
  test("htmx and the stylesheet are served by the app itself", async () => {
    const htmx = await browser.request("/assets/htmx.min.js");
    expect(htmx.status).toBe(200);
    expect(htmx.headers.get("Content-Type")).toContain("javascript");
    expect(await htmx.text()).toContain("htmx");
    const { html } = await browser.page("/");
    expect(html).toStartWith("<!doctype html>");
    expect(html).toMatch(/src="\/assets\/htmx\.min\.js\?v=[0-9a-z]+"/);
    expect(html).not.toMatch(/src="https?:/);
    expect((await browser.request("/assets/../../package.json")).status).toBe(404);
  });

  test("assets are addressed by this release's version and kept for a year; any other address is checked each time", async () => {
    const { html } = await browser.page("/");
    const versioned = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) =>
      m[1]!.replaceAll("&amp;", "&"),
    );
    expect(versioned.length).toBeGreaterThanOrEqual(6);
    const versions = new Set(versioned.map((url) => new URL(url, "http://x").searchParams.get("v")));
    expect(versions.size).toBe(1);
    for (const url of versioned) {
      const response = await browser.request(url);
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    }
    for (const stale of ["/assets/live.js", "/assets/live.js?v=lastrelease"]) {
      const response = await browser.request(stale);
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("no-cache");
    }
  });

  test("every page links the SVG favicon, served with a long cache; /favicon.ico points at it", async () => {
    const { html } = await browser.page("/");
    expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml"/>');
    const icon = await browser.request("/favicon.svg");
    expect(icon.status).toBe(200);
    expect(icon.headers.get("Content-Type")).toBe("image/svg+xml");
    expect(icon.headers.get("Cache-Control")).toContain("max-age=31536000");
    expect(await icon.text()).toStartWith("<svg");
    const ico = await browser.request("/favicon.ico");
    expect(ico.status).toBe(301);
    expect(ico.headers.get("Location")).toBe("/favicon.svg");
  });

  test("the integrations page shows each integration's mode and state, failures with their reason", async () => {
    const { html } = await browser.page("/settings/integrations");
    expect(html).toContain("Embedded default");
    expect(html).toContain("Vendor");
    expect(html).toContain("Failing");
    expect(html).toContain("S3 HeadBucket failed: 403");
    expect(html).toContain("No keys: no card payments are taken");
  });

  test("a call page shows its transcript in spoken order, caller and staff apart", async () => {
    const call = await repos.calls.record({
      providerCallId: "CA123",
      direction: "inbound",
      from: "+447700900123",
      to: "+442079460000",
      leadId: null,
      status: "completed",
      startedAt: new Date(),
    });
    await repos.calls.addSegment({
      callId: call.id,
      track: "inbound",
      text: "My boiler is leaking.",
      startMs: 4000,
      endMs: 6000,
      isFinal: true,
      confidence: 0.9,
    });
    await repos.calls.addSegment({
      callId: call.id,
      track: "outbound",
      text: "Handy Services, Tom speaking.",
      startMs: 0,
      endMs: 2000,
      isFinal: true,
      confidence: 0.95,
    });
    await repos.calls.addSegment({
      callId: call.id,
      track: "inbound",
      text: "half a wor",
      startMs: 7000,
      endMs: 7200,
      isFinal: false,
      confidence: 0.4,
    });
    const { html } = await browser.page(`/calls/${call.id}`);
    expect(html.indexOf("Tom speaking")).toBeLessThan(html.indexOf("boiler is leaking"));
    expect(html).toContain("Staff:");
    expect(html).toContain("Caller:");
    expect(html).not.toContain("half a wor");
    await repos.calls.update(call.id, { durationSeconds: 185 });
    const list = await browser.page("/calls");
    expect(list.html).toContain(`/calls/${call.id}`);
    // The call's length in the same m:ss as the call page's timer.
    expect(list.html).toContain(`<td data-label="Length">3:05</td>`);
    expect(list.html).not.toContain("3m 05s");
  });

  test("/ready answers 503 when the database does not", async () => {
    const broken = buildTestApp({
      ...repos,
      ping: async () => Promise.reject(new Error("connection refused")),
    } as Repositories);
    const response = await broken.app.request("/ready");
    expect(response.status).toBe(503);
    expect((await response.json()).status).toBe("unavailable");
  });
});

describe("the safety advice list", () => {
  /** The form as the page draws it: each field's values in row order (hidden ones included). */
  const formRows = (html: string) => {
    const values = (name: string) =>
      [
        ...html.matchAll(
          new RegExp(`<(?:input|textarea)[^>]*name="${name}"[^>]*?(?:value="([^"]*)"[^>]*)?>([^<]*)`, "g"),
        ),
      ].map(([, value, text]) => value ?? text ?? "");
    return {
      row: values("row"),
      id: values("id"),
      danger: values("danger"),
      triggers: values("triggers"),
      alsoSaid: values("alsoSaid"),
      nearWords: values("nearWords"),
      advice: values("advice"),
    };
  };
  const unescape = (text: string) => text.replaceAll("&#39;", "'").replaceAll("&quot;", '"').replaceAll("&amp;", "&");

  test("admins edit the list through a form, one row a rule: change one, add one, remove one", async () => {
    const { html } = await browser.page("/settings/safety");
    expect(html).toContain("0800 111 999");
    expect(html).not.toContain("Rules (JSON)");
    const form = formRows(html);
    // Every default rule is a row, plus a spare empty one for adding.
    expect(form.id).toEqual([...DEFAULT_SAFETY_RULES.map((r) => r.id), ""]);
    expect(unescape(form.triggers[0]!)).toBe(DEFAULT_SAFETY_RULES[0]!.anyOf.join(", "));

    const gas = form.row[0]!;
    const spare = form.row.at(-1)!;
    const fields = {
      ...form,
      danger: form.danger.map(unescape),
      triggers: form.triggers.map(unescape),
      alsoSaid: form.alsoSaid.map(unescape),
      advice: form.advice.map((a, i) => (i === 1 ? "Everyone out into fresh air; call 0800 111 999." : unescape(a))),
    };
    fields.danger[fields.danger.length - 1] = "Roof down";
    fields.triggers[fields.triggers.length - 1] = "roof has come down, roof's fallen in";
    fields.advice[fields.advice.length - 1] = "Keep everyone out from under it.";
    const saved = await browser.post("/settings/safety", { _csrf: browser.csrf, ...fields, remove: gas });
    expect(saved.status).toBe(303);
    expect(spare).not.toBe(gas);

    const rules = await companySafetyRules(repos.settings);
    expect(rules.map((r) => r.id)).toEqual([...DEFAULT_SAFETY_RULES.slice(1).map((r) => r.id), "roof-down"]);
    expect(rules[0]!.advice).toBe("Everyone out into fresh air; call 0800 111 999.");
    expect(rules.at(-1)).toEqual({
      id: "roof-down",
      danger: "Roof down",
      anyOf: ["roof has come down", "roof's fallen in"],
      advice: "Keep everyone out from under it.",
    });
    // The pairs and distances the form does not show are kept as they were.
    const waterElectrics = rules.find((r) => r.id === "water-electrics")!;
    expect(waterElectrics).toEqual(DEFAULT_SAFETY_RULES.find((r) => r.id === "water-electrics")!);
    expect(await repos.audit.forEntity("settings", "safety_rules")).toHaveLength(1);

    const added = await browser.page("/settings/safety/new-rule");
    expect(added.html).toContain('name="danger"');
    expect(added.html).toMatch(/name="row" value="n[\w-]+"/);
  });

  test("a broken row is refused beside the form, as typed, with the reason; nothing changes", async () => {
    const before = await companySafetyRules(repos.settings);
    const refused = await browser.post("/settings/safety", {
      _csrf: browser.csrf,
      row: ["a", "b"],
      id: ["gas", ""],
      danger: ["Gas smell", "Asbestos"],
      triggers: ["smell gas", ""],
      alsoSaid: ["", ""],
      nearWords: ["", ""],
      advice: ["Leave the property", "Don't drill it"],
    });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain("Not saved: Rule 2, trigger words (anyOf): give at least one word or phrase");
    expect(html).toContain("Don&#39;t drill it");
    expect(await companySafetyRules(repos.settings)).toEqual(before);

    const huge = await browser.post("/settings/safety", { _csrf: browser.csrf, row: "a", danger: "x".repeat(20_001) });
    expect(huge.status).toBe(422);
    expect(await huge.text()).toContain("Keep it to 20000 characters or fewer.");
    expect(await companySafetyRules(repos.settings)).toEqual(before);
  });
});
