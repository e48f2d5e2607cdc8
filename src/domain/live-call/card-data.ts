import type { Call } from "../calls.ts";
import { canBePaid } from "../quotes.ts";
import { ok, reject, type Result } from "../result.ts";
import type { AuditTrail } from "../../ports/audit.ts";
import type { Calls } from "../../ports/calls.ts";
import type { LiveEvents } from "../../ports/live-events.ts";
import type { Log } from "../../ports/log.ts";
import type { Quotes } from "../../ports/quotes.ts";
import type { RecordingPauses } from "../../ports/recording-pauses.ts";
import { callChannel } from "./channels.ts";
import type { CardDataNotice, RecordingState } from "./card-data-notice.ts";

export type { CardDataNotice, RecordingState };

export interface CardDataDeps {
  calls: Calls;
  quotes: Quotes;
  liveEvents: LiveEvents;
  audit: AuditTrail;
  log: Log;
  now: () => Date;
  /** Null without the provider's keys: nothing can pause the recording. */
  recordingPauses: RecordingPauses | null;
  publicBaseUrl: string;
}

/** The secure page where the caller can pay: the newest quote on their lead that can be paid. */
export async function payLinkFor(
  deps: Pick<CardDataDeps, "quotes" | "publicBaseUrl">,
  call: Pick<Call, "leadId">,
): Promise<string | null> {
  if (!call.leadId) return null;
  const payable = (await deps.quotes.forLead(call.leadId)).filter((q) => canBePaid(q.status));
  const newest = payable.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  return newest ? `${deps.publicBaseUrl.replace(/\/$/, "")}/q/${newest.token}` : null;
}

/**
 * A card number was heard on the call: the call is flagged (its recording holds card data), the
 * recording paused where the provider allows, staff shown the caller's payment link, and the
 * audit trail told. Called for each line with a card number: flagging keeps the first time, a
 * second pause of a paused recording changes nothing.
 */
export async function cardNumberHeard(deps: CardDataDeps, callId: string): Promise<CardDataNotice | null> {
  const call = await deps.calls.byId(callId);
  if (!call) return null;
  const heardAt = call.cardDataHeardAt ?? deps.now();
  if (!call.cardDataHeardAt) {
    await deps.calls.update(call.id, { cardDataHeardAt: heardAt });
    await deps.audit.record({
      who: "transcription",
      what: "card number heard (masked; recording holds card data)",
      entity: "call",
      entityId: call.id,
      at: heardAt,
    });
  }
  let recording: RecordingState = "not_paused";
  if (deps.recordingPauses) {
    try {
      await deps.recordingPauses.pause(call.providerCallId);
      recording = "paused";
    } catch (error) {
      deps.log.error({ err: error, callId }, "could not pause the recording while card details were read");
      recording = "pause_failed";
    }
  }
  const notice: CardDataNotice = { heardAt: heardAt.toISOString(), recording, payLink: await payLinkFor(deps, call) };
  await deps.liveEvents.publish(callChannel(call.id), { type: "card", data: notice });
  return notice;
}

/** Staff say the payment talk is over: the recording runs again, and the audit trail says who said so. */
export async function paymentTalkFinished(
  deps: CardDataDeps,
  call: Call,
  who: string,
): Promise<Result<CardDataNotice, "no_card_data">> {
  if (!call.cardDataHeardAt) return reject("no_card_data", "No card details were heard on this call.");
  let recording: RecordingState = "not_paused";
  if (deps.recordingPauses) {
    try {
      await deps.recordingPauses.resume(call.providerCallId);
      recording = "resumed";
    } catch (error) {
      deps.log.error({ err: error, callId: call.id }, "could not resume the recording after the payment talk");
      recording = "resume_failed";
    }
  }
  await deps.audit.record({
    who,
    what: recording === "resumed" ? "payment talk finished; recording resumed" : "payment talk finished",
    entity: "call",
    entityId: call.id,
    at: deps.now(),
  });
  const notice: CardDataNotice = {
    heardAt: call.cardDataHeardAt.toISOString(),
    recording,
    payLink: await payLinkFor(deps, call),
  };
  await deps.liveEvents.publish(callChannel(call.id), { type: "card", data: notice });
  return ok(notice);
}
