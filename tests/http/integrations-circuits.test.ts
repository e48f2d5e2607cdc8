import { afterAll, beforeAll, expect, test } from "bun:test";
import { createVendorResilience } from "../../src/adapters/resilience/vendor-policies.ts";
import { messagingAdaptersFor } from "../../src/compose/messaging.ts";
import { SendError } from "../../src/ports/messengers.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { PEER_ACCESS_TOKEN, PEER_PHONE_NUMBER_ID, startMetaPeer, type MetaPeer } from "../support/meta-peer.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { testConfig } from "../support/test-config.ts";
import { freshPglite } from "../support/test-db.ts";

let repos: Repositories;
let meta: MetaPeer;

beforeAll(async () => {
  [repos, meta] = await Promise.all([freshPglite(), startMetaPeer()]);
}, 30_000);
afterAll(async () => {
  await Promise.all([repos?.close(), meta?.close()]);
});

test("five WhatsApp outages in a row open Meta's circuit: the next send fails fast without reaching Meta, and the Integrations page says since when and until when (loopback meta peer)", async () => {
  const resilience = createVendorResilience({ now: () => new Date("2026-12-03T10:42:00Z") });
  // The adapter as the composition builds it from the configuration, sharing the app's policies.
  const config = testConfig({
    WHATSAPP_ACCESS_TOKEN: PEER_ACCESS_TOKEN,
    WHATSAPP_PHONE_NUMBER_ID: PEER_PHONE_NUMBER_ID,
    WHATSAPP_API_BASE_URL: meta.baseUrl,
  });
  const whatsapp = messagingAdaptersFor(config, resilience).whatsapp!;
  const world = buildTestApp(repos, { resilience }, { adapters: { whatsapp } });
  const admin = await aStaffUser(world.deps);
  const browser = testBrowser(world.app);
  await browser.logIn(admin.email, admin.password);

  const message = { kind: "text" as const, to: { phone: "+447700900123" }, text: "On our way" };
  for (let i = 0; i < 5; i++) meta.fail("send", { status: 503, code: 131000, message: "Service unavailable" });
  for (let i = 0; i < 5; i++)
    await expect(whatsapp.send(message)).rejects.toMatchObject({ options: { retryable: true } });
  const reached = meta.requests.length;

  const refused = await whatsapp.send(message).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(SendError);
  expect((refused as SendError).options.retryable).toBe(true);
  expect((refused as SendError).message).toContain("circuit open");
  expect(meta.requests.length).toBe(reached);

  const { html } = await browser.page("/settings/integrations");
  const start = html.indexOf("<strong>WhatsApp</strong>");
  const row = html.slice(start, html.indexOf("</tr>", start));
  expect(row).toContain("Circuit open");
  expect(row).toContain('Circuit open since <time datetime="2026-12-03T10:42:00.000Z">10:42</time>');
  expect(row).toContain('retrying at <time datetime="2026-12-03T10:42:30.000Z">10:42</time>');
  // Other vendors' circuits are closed and say nothing.
  const stripeStart = html.indexOf("<strong>Stripe</strong>");
  expect(html.slice(stripeStart, html.indexOf("</tr>", stripeStart))).not.toContain("Circuit");
});
