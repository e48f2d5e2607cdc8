/**
 * The soak's steady traffic, open loop: calls (both tracks in real time, transcribed through the
 * Deepgram peer), WhatsApp, SMS and Stripe webhooks with replays, staff page loads and replies.
 * Each request goes to a live instance picked at random, as a load balancer would; a delivery
 * refused with a 5xx or unreachable is retried with backoff, as Meta, Stripe and Twilio retry.
 * Everything accepted (answered 2xx) goes into the ledger the final counts are checked against.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { join } from "node:path";
import { SHIPPED_FIXTURES_DIR } from "../../src/fixtures.ts";
import { frameAt, loadCallFixture, type CallFixture } from "../../src/simulator/fixture.ts";
import { connectMediaStream } from "../../src/simulator/media-stream-client.ts";
import { answerCall } from "../../src/simulator/play-call.ts";
import { mediaStreamMessages, postSigned, statusParams, twilioSid } from "../../src/simulator/twilio-wire.ts";
import { imageMessage, signedDelivery, textMessage, voiceNote } from "../../tests/support/meta-peer.ts";
import { signed, stripeEvents } from "../../tests/support/stripe-events.ts";
import type { StaffClient } from "./staff.ts";
import { ACCOUNT_SID, APP_SECRET, AUTH_TOKEN, STRIPE_WEBHOOK_SECRET, type SoakWorld } from "./world.ts";

const FIXTURES = ["boiler-leak-tenant", "burst-pipe-agent", "extractor-fan-landlord"].map((name) =>
  loadCallFixture(join(SHIPPED_FIXTURES_DIR, name)),
);
const COMPANY_NUMBER = "+442079460999";
const REPLAY_SHARE = 0.1;
const hex32 = () => randomBytes(16).toString("hex");
const pad3 = (n: number) => String(n % 1000).padStart(3, "0");

/** What was accepted, by kind; the ids are what the counts look for. */
export interface Ledger {
  whatsapp: Set<string>;
  /** WhatsApp message ids whose media (photo, voice note) must end up in storage. */
  whatsappMedia: Set<string>;
  sms: Set<string>;
  stripe: Set<string>;
  /** CallSids whose voice webhook was answered with a stream. */
  calls: Set<string>;
  /** CallSid → RecordingSid, for recording callbacks answered 2xx. */
  recordings: Map<string, string>;
  /** Staff replies queued (the unique text each carries). */
  replies: Set<string>;
  /** Deliveries never accepted after every retry, by kind. */
  gaveUp: Record<string, number>;
  /** Extra deliveries: replays of accepted webhooks, and retries after a refusal. */
  replays: number;
  retries: number;
  calls5xx: number;
  streamsCut: number;
  pages: { ok: number; failed: number; ms: number[] };
  repliesRefused: number;
}

export const emptyLedger = (): Ledger => ({
  whatsapp: new Set(),
  whatsappMedia: new Set(),
  sms: new Set(),
  stripe: new Set(),
  calls: new Set(),
  recordings: new Map(),
  replies: new Set(),
  gaveUp: {},
  replays: 0,
  retries: 0,
  calls5xx: 0,
  streamsCut: 0,
  pages: { ok: 0, failed: 0, ms: [] },
  repliesRefused: 0,
});

/** A live instance's address as its PUBLIC_BASE_URL says (what Twilio's signatures cover). */
export function pickInstance(world: SoakWorld): string {
  const alive = world.instances.filter((instance) => instance.alive);
  const instance = alive[Math.floor(Math.random() * alive.length)] ?? world.instances[0]!;
  return `http://localhost:${instance.server.port}`;
}

/**
 * Sends until a 2xx (then true), retrying a 5xx, 429 or unreachable instance after 1, 2, 4, 8,
 * 16 and 30 s on whichever instance is alive then; a 4xx other than 429 is final (false).
 */
async function deliver(
  world: SoakWorld,
  ledger: Ledger,
  send: (baseUrl: string) => Promise<Response>,
): Promise<boolean> {
  const waits = [1, 2, 4, 8, 16, 30];
  for (let attempt = 0; ; attempt++) {
    let status = 0;
    try {
      const response = await send(pickInstance(world));
      status = response.status;
      await response.body?.cancel();
    } catch {
      status = 0; // unreachable (an instance killed mid-request) or timed out
    }
    if (status >= 200 && status < 300) return true;
    if (status >= 400 && status < 500 && status !== 429) return false;
    if (attempt >= waits.length) return false;
    ledger.retries++;
    await Bun.sleep(waits[attempt]! * 1000);
  }
}

/** Replays an accepted delivery a few seconds later, as providers do; its answer changes nothing here. */
function maybeReplay(world: SoakWorld, ledger: Ledger, send: (baseUrl: string) => Promise<Response>) {
  if (Math.random() >= REPLAY_SHARE) return;
  ledger.replays++;
  setTimeout(
    () =>
      void send(pickInstance(world)).then(
        (r) => r.body?.cancel(),
        () => {},
      ),
    1_000 + Math.random() * 4_000,
  );
}

const gaveUp = (ledger: Ledger, kind: string) => (ledger.gaveUp[kind] = (ledger.gaveUp[kind] ?? 0) + 1);

export async function sendWhatsApp(world: SoakWorld, ledger: Ledger, n: number, runTag: string) {
  const who = { waId: `447700910${pad3(n % 200)}`, name: `Soak Customer ${n % 200}` };
  const id = `wamid.SOAK${runTag}${String(n).padStart(6, "0")}`;
  const kind = n % 10;
  const payload =
    kind < 8
      ? textMessage(who, id, `Soak message ${n}: the tap in flat ${n % 40} is dripping`)
      : kind === 8
        ? imageMessage(who, id, "soak-photo", "the leak")
        : voiceNote(who, id, "soak-voice");
  const { body, headers } = signedDelivery(payload, APP_SECRET);
  const send = (base: string) =>
    fetch(`${base}/api/whatsapp/webhook`, { method: "POST", headers, body, signal: AbortSignal.timeout(10_000) });
  if (await deliver(world, ledger, send)) {
    ledger.whatsapp.add(id);
    if (kind >= 8) ledger.whatsappMedia.add(id);
    maybeReplay(world, ledger, send);
  } else gaveUp(ledger, "whatsapp");
}

export async function sendSms(world: SoakWorld, ledger: Ledger, n: number) {
  const params = {
    MessageSid: `SM${hex32()}`,
    AccountSid: ACCOUNT_SID,
    From: `+447700920${pad3(n % 200)}`,
    To: COMPANY_NUMBER,
    Body: `Soak text ${n}: the radiator in the hall is cold`,
    NumMedia: "0",
    SmsStatus: "received",
  };
  const send = (base: string) => postSigned(`${base}/api/twilio/sms`, AUTH_TOKEN, params, AbortSignal.timeout(10_000));
  if (await deliver(world, ledger, send)) {
    ledger.sms.add(params.MessageSid);
    maybeReplay(world, ledger, send);
  } else gaveUp(ledger, "sms");
}

export async function sendStripe(world: SoakWorld, ledger: Ledger) {
  // A payment Switchboard never made: the event is recorded once and acknowledged, nothing else moves.
  const event = stripeEvents.checkoutCompleted({
    paymentId: randomUUID(),
    quoteId: randomUUID(),
    sessionId: `cs_test_${hex32()}`,
    paymentIntentId: `pi_${hex32()}`,
    amountPence: 12_000,
  });
  // Stripe signs every attempt afresh (the signature carries the time).
  const send = async (base: string) => {
    const { body, signature } = await signed(event, STRIPE_WEBHOOK_SECRET, new Date());
    return fetch(`${base}/api/stripe/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Stripe-Signature": signature },
      body,
      signal: AbortSignal.timeout(10_000),
    });
  };
  if (await deliver(world, ledger, send)) {
    ledger.stripe.add(event.id);
    maybeReplay(world, ledger, send);
  } else gaveUp(ledger, "stripe");
}

/**
 * One call as Twilio delivers it: the voice webhook, both tracks in real time (five 20 ms frames
 * a track every 100 ms), stop, the completed status and the recording callback. If the instance
 * holding the stream dies, the stream is cut there (Twilio would not move it) and the status and
 * recording callbacks go to a live instance, as the balancer sends them.
 */
export async function playOneCall(world: SoakWorld, ledger: Ledger, n: number) {
  const fixture: CallFixture = FIXTURES[n % FIXTURES.length]!;
  const parties = {
    callSid: twilioSid("CA"),
    accountSid: ACCOUNT_SID,
    from: `+447700900${pad3(n)}`,
    to: COMPANY_NUMBER,
  };
  const base = pickInstance(world);
  let call: Awaited<ReturnType<typeof answerCall>>;
  try {
    call = await answerCall({ baseUrl: base, authToken: AUTH_TOKEN, ...parties });
  } catch {
    ledger.calls5xx++; // not accepted: Twilio plays its own error to the caller
    return;
  }
  ledger.calls.add(parties.callSid);
  const started = performance.now();
  try {
    const stream = await connectMediaStream(call.stream.url, AUTH_TOKEN);
    const m = mediaStreamMessages({ streamSid: twilioSid("MZ"), callSid: parties.callSid, accountSid: ACCOUNT_SID });
    stream.send(m.connected());
    stream.send(m.start(["inbound", "outbound"], call.stream.parameters));
    for (let i = 0; i < fixture.frameCount && stream.isOpen; ) {
      for (const end = Math.min(i + 5, fixture.frameCount); i < end; i++) {
        stream.send(m.media("inbound", i * 20, frameAt(fixture.inbound, i)));
        stream.send(m.media("outbound", i * 20, frameAt(fixture.outbound, i)));
      }
      const due = started + i * 20 - performance.now();
      if (due > 0) await Bun.sleep(due);
    }
    if (stream.isOpen) {
      stream.send(m.stop());
      await stream.close();
    } else ledger.streamsCut++;
  } catch {
    ledger.streamsCut++;
  }
  const seconds = Math.round((performance.now() - started) / 1000);
  const status = (b: string) =>
    postSigned(
      `${b}/api/twilio/status`,
      AUTH_TOKEN,
      statusParams(parties, "completed", 2, seconds),
      AbortSignal.timeout(10_000),
    );
  if (!(await deliver(world, ledger, status))) gaveUp(ledger, "call status");
  const recordingSid = `RE${hex32()}`;
  const recording = {
    AccountSid: ACCOUNT_SID,
    CallSid: parties.callSid,
    RecordingSid: recordingSid,
    RecordingUrl: `${world.twilio.baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Recordings/${recordingSid}`,
    RecordingStatus: "completed",
    RecordingChannels: "2",
    RecordingDuration: String(seconds),
    RecordingSource: "DialVerb",
  };
  const sendRecording = (b: string) =>
    postSigned(`${b}/api/twilio/recording`, AUTH_TOKEN, recording, AbortSignal.timeout(10_000));
  if (await deliver(world, ledger, sendRecording)) {
    ledger.recordings.set(parties.callSid, recordingSid);
    maybeReplay(world, ledger, sendRecording);
  } else gaveUp(ledger, "recording");
}

const PAGES = ["/", "/calls", "/inbox", "/leads", "/issues"];

export async function loadPage(world: SoakWorld, ledger: Ledger, staff: StaffClient, n: number) {
  try {
    const { status, ms } = await staff.load(pickInstance(world), PAGES[n % PAGES.length]!);
    if (status === 200) {
      ledger.pages.ok++;
      ledger.pages.ms.push(ms);
    } else ledger.pages.failed++;
  } catch {
    ledger.pages.failed++;
  }
}

/** A reply from a lead page, on the channel the lead last wrote on (inside WhatsApp's 24-hour window). */
export async function sendReply(world: SoakWorld, ledger: Ledger, staff: StaffClient, n: number, runTag: string) {
  const channel = n % 2 === 0 ? "whatsapp" : "sms";
  let leadId: string | undefined;
  try {
    const rows = await world.sql<{ lead_id: string }[]>`
      select lead_id from messages where channel = ${channel} and direction = 'inbound' and lead_id is not null
      order by created_at desc limit 1`;
    leadId = rows[0]?.lead_id;
  } catch {
    return; // the database is restarting: staff would wait a moment
  }
  if (!leadId) return;
  const text = `Soak reply ${runTag}-${n}: an engineer will call tomorrow morning`;
  try {
    const status = await staff.reply(pickInstance(world), leadId, channel, text);
    if (status < 400) ledger.replies.add(text);
    else ledger.repliesRefused++;
  } catch {
    ledger.repliesRefused++;
  }
}
