import { afterAll, beforeAll, expect, test } from "bun:test";
import pino from "pino";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, ORIGIN, signedTwilioPost, testBrowser } from "../support/test-app.ts";
import { TEST_WHATSAPP_APP_SECRET } from "../support/messaging-world.ts";
import { signedDelivery, textMessage } from "../support/meta-peer.ts";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
});
afterAll(async () => {
  await repos.close();
});

test("a card number texted by SMS is stored and shown masked, the rest of the text kept", async () => {
  const params = {
    MessageSid: "SM00000000000000000000000000000c01",
    From: "+447700900333",
    To: "+442079460000",
    Body: "Pay with 4242 4242 4242 4242 exp 04/27 cvv 737, call me on 07700 900333",
    NumMedia: "0",
  };
  expect((await signedTwilioPost(world.app, "/api/twilio/sms", params)).status).toBe(200);
  const stored = await repos.messages.byProviderId("sms", params.MessageSid);
  expect(stored?.body).toBe("Pay with •••• 4242 exp ••• cvv •••, call me on 07700 900333");
  const { html } = await browser.page(`/inbox/${stored?.leadId}`);
  expect(html).toContain("•••• 4242");
  expect(html).not.toContain("4242 4242");
});

test("a card number read out in a WhatsApp text is stored masked and never reaches the extractor", async () => {
  const { body, headers } = signedDelivery(
    textMessage(
      { waId: "447700900444", name: "Pat" },
      "wamid.CARD1",
      "my card is five five five five, five five five five, five five five five, four four four four",
      world.clock.now(),
    ),
    TEST_WHATSAPP_APP_SECRET,
  );
  expect((await world.app.request(`${ORIGIN}/api/whatsapp/webhook`, { method: "POST", headers, body })).status).toBe(
    200,
  );
  const runner = startTaskRunner(
    { tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now },
    world.messagingTasks,
    { autoStart: false },
  );
  await runner.runDue();
  await runner.stop();
  const stored = await repos.messages.byProviderId("whatsapp", "wamid.CARD1");
  expect(stored?.body).toBe("my card is •••• 4444");
  expect(stored?.status).toBe("done");
  // The raw delivery is kept too: masked before it was stored.
  const deliveries = await repos.webhookDeliveries.recent(["processed"], 10);
  expect(deliveries.map((d) => d.body).join("\n")).toContain("my card is •••• 4444");
  expect(deliveries.map((d) => d.body).join("\n")).not.toContain("five five five five");
  expect(JSON.stringify(stored?.extracted ?? {})).not.toContain("five five five five");
});
