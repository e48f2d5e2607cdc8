/**
 * Messages sent through the vendors (loopback peers of Meta's Graph API and Twilio's REST API):
 * every call a vendor refuses is counted under that vendor in the metrics; calls that succeed
 * are not.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import pino from "pino";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { startTaskRunner } from "../../src/adapters/local/task-runner.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { type MetaPeer } from "../support/meta-peer.ts";
import { sampleValue } from "../support/prometheus-text.ts";
import { buildTestApp } from "../support/test-app.ts";
import { freshPglite } from "../support/test-db.ts";
import { startMessagingPeersApp } from "../support/messaging-peers-app.ts";
import { type TwilioPeer } from "../support/twilio-api-peer.ts";

const ACCOUNT = "AC00000000000000000000000000000001";
let repos: OpenDatabase;
let meta: MetaPeer;
let twilioPeer: TwilioPeer;
let world: ReturnType<typeof buildTestApp>;
let leadId = "";

beforeAll(async () => {
  repos = await freshPglite();
  ({ meta, twilioPeer, world: world } = await startMessagingPeersApp(repos, ACCOUNT));
  const lead = await repos.leads.create({
    name: "Sarah Jones",
    organisation: null,
    phone: "+447700900123" as E164,
    email: null,
    address: null,
    postcode: null,
    segment: "tenant",
    source: "whatsapp",
    notes: null,
  });
  leadId = lead.id;
}, 30_000);
afterAll(async () => {
  await Promise.all([meta?.close(), twilioPeer?.close()]);
  await repos?.close();
});

const runJobs = async () => {
  const runner = startTaskRunner(
    { tasks: repos.tasks, log: pino({ level: "silent" }), now: world.clock.now },
    world.messagingTasks,
    { autoStart: false },
  );
  await runner.runDue();
  await runner.stop();
};
const vendorErrors = async (vendor: string) =>
  sampleValue(await world.deps.metricsEndpoint.exposition.text(), "switchboard_vendor_errors_total", { vendor });

test("a send the vendor refuses counts one error for that vendor; one it accepts counts none", async () => {
  await world.deps.messaging.messenger.send({ leadId, channel: "whatsapp", text: "Goes through" });
  await world.deps.messaging.messenger.send({ leadId, channel: "sms", text: "Goes through too" });
  await runJobs();
  expect(await vendorErrors("whatsapp")).toBe(0);
  expect(await vendorErrors("twilio")).toBe(0);

  meta.fail("send", { status: 503, code: 131000, message: "Service temporarily unavailable" });
  await world.deps.messaging.messenger.send({ leadId, channel: "whatsapp", text: "Meta is down" });
  await runJobs();
  expect(await vendorErrors("whatsapp")).toBe(1);

  twilioPeer.fail({ status: 400, code: 21610, message: "Attempt to send to unsubscribed recipient" });
  await world.deps.messaging.messenger.send({ leadId, channel: "sms", text: "Twilio refuses" });
  await runJobs();
  expect(await vendorErrors("twilio")).toBe(1);
  expect(await vendorErrors("whatsapp")).toBe(1);
});
