/**
 * An app whose WhatsApp and SMS adapters are the real ones, pointed at the loopback Meta and
 * Twilio peers: what several HTTP tests need to see a message really leave (or be refused).
 */
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { createTwilioSmsSender } from "../../src/adapters/twilio/sms-sender.ts";
import { createWhatsAppCloudApi } from "../../src/adapters/whatsapp/graph-api.ts";
import { TEST_SMS_FROM } from "./messaging-world.ts";
import { PEER_ACCESS_TOKEN, PEER_PHONE_NUMBER_ID, startMetaPeer, type MetaPeer } from "./meta-peer.ts";
import { buildTestApp, TEST_TWILIO_TOKEN } from "./test-app.ts";
import { startTwilioApiPeer, type TwilioPeer } from "./twilio-api-peer.ts";

export interface MessagingPeersApp {
  meta: MetaPeer;
  twilioPeer: TwilioPeer;
  world: ReturnType<typeof buildTestApp>;
  close(): Promise<void>;
}

export async function startMessagingPeersApp(repos: OpenDatabase, accountSid: string): Promise<MessagingPeersApp> {
  const [meta, twilioPeer] = await Promise.all([
    startMetaPeer(),
    startTwilioApiPeer({ accountSid, authToken: TEST_TWILIO_TOKEN }),
  ]);
  const world = buildTestApp(
    repos,
    { twilio: { authToken: TEST_TWILIO_TOKEN, accountSid, staffNumbers: [], local: false } },
    {
      adapters: {
        whatsapp: createWhatsAppCloudApi({
          accessToken: PEER_ACCESS_TOKEN,
          phoneNumberId: PEER_PHONE_NUMBER_ID,
          baseUrl: meta.baseUrl,
        }),
        sms: createTwilioSmsSender({
          accountSid,
          authToken: TEST_TWILIO_TOKEN,
          from: TEST_SMS_FROM,
          apiBaseUrl: twilioPeer.baseUrl,
        }),
      },
    },
  );
  return {
    meta,
    twilioPeer,
    world,
    close: async () => {
      await Promise.all([meta.close(), twilioPeer.close()]);
    },
  };
}
