import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import pino from "pino";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { freshPglite } from "../support/test-db.ts";
import {
  aStaffUser,
  buildTestApp,
  ORIGIN,
  signedTwilioPost,
  TEST_TWILIO_TOKEN,
  testBrowser,
} from "../support/test-app.ts";
import { TEST_WHATSAPP_APP_SECRET } from "../support/messaging-world.ts";
import { signedDelivery, textMessage } from "../support/meta-peer.ts";

// One person reaching us by every channel is one lead: staff's entry, a call, a text and a
// WhatsApp message all find it through leadForContact (src/domain/lead-identity.ts).

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
}, 30_000);
afterAll(async () => repos?.close());

const signedTwilio = (path: string, params: Record<string, string>) => signedTwilioPost(world.app, path, params);
const whatsapp = (from: Parameters<typeof textMessage>[0], id: string, body: string) => {
  const { body: raw, headers } = signedDelivery(textMessage(from, id, body), TEST_WHATSAPP_APP_SECRET);
  return world.app.request(`${ORIGIN}/api/whatsapp/webhook`, { method: "POST", headers, body: raw });
};
const runJobs = async () => {
  const runner = startTaskRunner(
    { tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now },
    world.messagingTasks,
    { autoStart: false },
  );
  await runner.runDue();
  await runner.stop();
};
const leadCount = async () => (await repos.leads.search({ limit: 1, offset: 0 })).total;

describe("one person, every channel, one lead", () => {
  test("staff's entry, a call, a text and a WhatsApp message from one number all land on the same lead", async () => {
    const saved = await browser.post("/leads", { _csrf: browser.csrf, name: "Sarah Jones", phone: "07700 900444" });
    expect(saved.status).toBe(303);
    const lead = (await repos.leads.byPhone("+447700900444" as E164))!;

    const call = await signedTwilio("/api/twilio/voice", {
      CallSid: "CA00000000000000000000000000000444",
      AccountSid: "AC123",
      From: "+447700900444",
      To: "+442079460000",
      CallStatus: "ringing",
    });
    expect(call.status).toBe(200);
    expect((await repos.calls.byProviderId("CA00000000000000000000000000000444"))!.leadId).toBe(lead.id);

    expect(
      (
        await signedTwilio("/api/twilio/sms", {
          MessageSid: "SM00000000000000000000000000000444",
          From: "+447700900444",
          To: "+442079460000",
          Body: "It's Sarah",
          NumMedia: "0",
        })
      ).status,
    ).toBe(200);
    expect(
      (await whatsapp({ waId: "447700900444", name: "Sarah J" }, "wamid.ONE1", "Hello from WhatsApp")).status,
    ).toBe(200);
    await runJobs();
    expect((await repos.messages.byProviderId("sms", "SM00000000000000000000000000000444"))!.leadId).toBe(lead.id);
    expect((await repos.messages.byProviderId("whatsapp", "wamid.ONE1"))!.leadId).toBe(lead.id);
    expect(await leadCount()).toBe(1);
    // Staff's entry wins over what the channels said about the person.
    expect((await repos.leads.byId(lead.id))!.name).toBe("Sarah Jones");
  });

  test("a WhatsApp username's lead joins the number's lead once a message carries both, and staff adding the number again are pointed at it", async () => {
    const before = await leadCount();
    const priya = { userId: "GB.44444444444444444444", name: "Priya", username: "@priya" };
    expect((await whatsapp(priya, "wamid.ONE2", "Hi, it's about the boiler")).status).toBe(200);
    await runJobs();
    expect(await leadCount()).toBe(before + 1);
    expect((await whatsapp({ ...priya, waId: "447700900444" }, "wamid.ONE3", "This is my number")).status).toBe(200);
    await runJobs();
    expect(await leadCount()).toBe(before);
    const lead = (await repos.leads.byPhone("+447700900444" as E164))!;
    expect((await repos.messages.forLead(lead.id)).map((m) => m.providerId)).toContain("wamid.ONE2");

    const again = await browser.post("/leads", { _csrf: browser.csrf, name: "Sarah Again", phone: "+44 7700 900444" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain(`href="/leads/${lead.id}"`);
    expect(await leadCount()).toBe(before);
  });
});
