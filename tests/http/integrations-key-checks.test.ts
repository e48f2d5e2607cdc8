import { afterAll, beforeAll, expect, test } from "bun:test";
import { createOpenAIClient } from "../../src/adapters/openai/client.ts";
import { createOpenAIModelsCheck } from "../../src/adapters/openai/models-check.ts";
import { createTwilioAccountCheck } from "../../src/adapters/twilio/account-check.ts";
import { createVendorChecker } from "../../src/compose/vendor-checker.ts";
import { addStaffUser } from "../../src/domain/staff-access.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { startOpenAIPeer, type OpenAIPeer } from "../support/openai-peer.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";
import { startTwilioApiPeer, type TwilioPeer } from "../support/twilio-api-peer.ts";
import pino from "pino";

const accountSid = `AC${"3".repeat(32)}`;
const authToken = "twilio-token-right";
let repos: Repositories;
let twilio: TwilioPeer;
let openai: OpenAIPeer;
let admin: ReturnType<typeof testBrowser>;
let staff: ReturnType<typeof testBrowser>;

beforeAll(async () => {
  repos = await freshPglite();
  twilio = await startTwilioApiPeer({ accountSid, authToken });
  openai = await startOpenAIPeer({ apiKey: "sk-right" });
  const vendorChecks = createVendorChecker({
    checks: [
      createTwilioAccountCheck({ accountSid, authToken, apiBaseUrl: twilio.baseUrl }),
      createOpenAIModelsCheck(createOpenAIClient({ apiKey: "sk-revoked", baseURL: openai.baseURL })),
    ],
    log: pino({ level: "silent" }),
    now: () => new Date("2026-12-03T10:42:00Z"),
  });
  const world = buildTestApp(repos, { vendorChecks });
  const owner = await aStaffUser(world.deps);
  admin = testBrowser(world.app);
  await admin.logIn(owner.email, owner.password);
  const added = await addStaffUser(
    { staffUsers: world.deps.repos.staffUsers, passwords: world.deps.passwords },
    { email: "sam@handy.example", password: "correct horse battery", role: "staff" },
  );
  if (!added.ok) throw new Error(added.message);
  staff = testBrowser(world.app);
  await staff.logIn("sam@handy.example", "correct horse battery");
}, 30_000);
afterAll(async () => {
  await Promise.all([repos?.close(), twilio?.close(), openai?.close()]);
});

/** The page's row for one integration. */
const rowOf = (html: string, name: string) => {
  const start = html.indexOf(`<strong>${name}</strong>`);
  return html.slice(start, html.indexOf("</tr>", start));
};

test("before the first answer the page says the key is being checked; an admin's Check again shows what was found, when, and is audited (loopback twilio and openai peers)", async () => {
  const before = await admin.page("/settings/integrations");
  expect(rowOf(before.html, "Twilio")).toContain("Checking the key…");
  expect(rowOf(before.html, "Twilio")).toContain("Check again");
  // Vendors without keys have nothing to check and no button.
  expect(rowOf(before.html, "Stripe")).not.toContain("Check again");

  const response = await admin.post("/settings/integrations/check", { _csrf: admin.csrf, vendor: "Twilio" });
  expect(response.status).toBe(303);
  expect(twilio.requests.at(-1)).toMatchObject({ method: "GET", path: `/2010-04-01/Accounts/${accountSid}.json` });
  const after = await admin.page("/settings/integrations");
  const twilioRow = rowOf(after.html, "Twilio");
  expect(twilioRow).toContain("Key working");
  expect(twilioRow).toContain('datetime="2026-12-03T10:42:00.000Z"');
  expect(twilioRow).toContain(">10:42<");

  await admin.post("/settings/integrations/check", { _csrf: admin.csrf, vendor: "OpenAI" });
  const openaiRow = rowOf((await admin.page("/settings/integrations")).html, "OpenAI");
  expect(openaiRow).toContain("Key refused");
  expect(openaiRow).toContain("Check OPENAI_API_KEY");

  const { entries } = await repos.audit.search({ text: "key again" }, { limit: 10, offset: 0 });
  expect(entries.map((e) => e.what).sort()).toEqual(["checked the OpenAI key again", "checked the Twilio key again"]);
  expect(entries.find((e) => e.what.includes("OpenAI"))?.details).toEqual({ vendor: "OpenAI", outcome: "refused" });
});

test("staff see the state but no button, and their Check again is refused without calling the vendor (loopback twilio peer)", async () => {
  const { html } = await staff.page("/settings/integrations");
  expect(rowOf(html, "Twilio")).toContain("Key working");
  expect(html).not.toContain("Check again");
  const calls = twilio.requests.length;
  const response = await staff.post("/settings/integrations/check", { _csrf: staff.csrf, vendor: "Twilio" });
  expect(response.status).toBe(403);
  expect(twilio.requests.length).toBe(calls);
});

test("a vendor with no check, or no vendor at all, is refused with a reason and changes nothing", async () => {
  const audited = (await repos.audit.search({ text: "key again" }, { limit: 10, offset: 0 })).entries.length;
  const unknown = await admin.post("/settings/integrations/check", { _csrf: admin.csrf, vendor: "Stripe" });
  expect(unknown.status).toBe(400);
  expect(await unknown.text()).toContain("not configured");
  const empty = await admin.post("/settings/integrations/check", { _csrf: admin.csrf, vendor: "" });
  expect(empty.status).toBe(422);
  expect((await repos.audit.search({ text: "key again" }, { limit: 10, offset: 0 })).entries.length).toBe(audited);
});
