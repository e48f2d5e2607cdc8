/**
 * What Twilio puts on the wire for an inbound call, for the call simulator: signed form
 * webhooks, the TwiML it reads back, and the Media Streams messages (as Twilio documents them:
 * every number a string, `sequenceNumber` counting all messages after `connected` from 1,
 * `chunk` counting each track's frames from 1, `timestamp` in ms from the start of the stream).
 */
import { randomBytes } from "node:crypto";
import twilio from "twilio";

/** A Twilio SID: two letters and 32 hex digits (CA… a call, MZ… a stream, AC… an account). */
export const twilioSid = (prefix: "CA" | "MZ" | "AC") => prefix + randomBytes(16).toString("hex");

/** The X-Twilio-Signature for a request to `url` carrying form `params` (none for the WebSocket upgrade). */
export const twilioSignature = (authToken: string, url: string, params: Record<string, string> = {}) =>
  twilio.getExpectedTwilioSignature(authToken, url, params);

export interface CallParties {
  callSid: string;
  accountSid: string;
  from: string;
  to: string;
}

/** The parameters Twilio sends with every voice request about an inbound call. */
export function callParams(call: CallParties, callStatus: string): Record<string, string> {
  return {
    CallSid: call.callSid,
    AccountSid: call.accountSid,
    From: call.from,
    Caller: call.from,
    To: call.to,
    Called: call.to,
    CallStatus: callStatus,
    Direction: "inbound",
    ApiVersion: "2010-04-01",
  };
}

/** A status callback: the call's parameters plus Twilio's callback fields; CallDuration (seconds) once it has ended. */
export function statusParams(
  call: CallParties,
  callStatus: string,
  sequenceNumber: number,
  durationSeconds?: number,
): Record<string, string> {
  const params: Record<string, string> = {
    ...callParams(call, callStatus),
    CallbackSource: "call-progress-events",
    SequenceNumber: String(sequenceNumber),
    Timestamp: new Date().toUTCString().replace("GMT", "+0000"),
  };
  if (durationSeconds !== undefined) params.CallDuration = String(durationSeconds);
  return params;
}

/** POSTs a form webhook as Twilio does: url-encoded, signed over the exact URL and the sorted params. */
export function postSigned(
  url: string,
  authToken: string,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": twilioSignature(authToken, url, params),
      "I-Twilio-Idempotency-Token": crypto.randomUUID(),
      "User-Agent": "TwilioProxy/1.1 (Switchboard call simulator)",
    },
    body: new URLSearchParams(params).toString(),
    redirect: "manual",
    signal,
  });
}

/** The <Start><Stream> of a TwiML answer: where to stream, which tracks, and its <Parameter>s. */
export interface TwimlStream {
  url: string;
  track: string;
  parameters: Record<string, string>;
}

/** A tag's attributes, up to its end: quoted values may hold ">" (XML allows it unescaped). */
const ATTRS = `(?:[^>"'/]|/(?!>)|"[^"]*"|'[^']*')*`;

/**
 * Reads the <Stream> inside <Start> (or <Connect>, a bidirectional stream) from a TwiML document, or null when there is none.
 * TwiML is small, flat and machine-written, so attributes are read directly rather than
 * through an XML library; entities are decoded.
 */
export function streamFromTwiml(xml: string, verb: "Start" | "Connect" = "Start"): TwimlStream | null {
  const start = new RegExp(`<${verb}\\b${ATTRS}>([\\s\\S]*?)</${verb}>`).exec(xml)?.[1];
  if (start === undefined) return null;
  const stream = new RegExp(`<Stream\\b(${ATTRS})(?:/>|>([\\s\\S]*?)</Stream>)`).exec(start);
  if (!stream) return null;
  const attrs = attributes(stream[1] ?? "");
  if (!attrs.url) return null;
  const parameters: Record<string, string> = {};
  for (const p of (stream[2] ?? "").matchAll(new RegExp(`<Parameter\\b(${ATTRS})/?>`, "g"))) {
    const { name, value } = attributes(p[1] ?? "");
    if (name) parameters[name] = value ?? "";
  }
  return { url: attrs.url, track: attrs.track ?? "inbound_track", parameters };
}

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([A-Za-z_:][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
    out[m[1]!] = decodeEntities(m[2] ?? m[3] ?? "");
  return out;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const decodeEntities = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) =>
    e.startsWith("#x") || e.startsWith("#X")
      ? String.fromCodePoint(Number.parseInt(e.slice(2), 16))
      : e.startsWith("#")
        ? String.fromCodePoint(Number(e.slice(1)))
        : ENTITIES[e.toLowerCase()]!,
  );

export type Track = "inbound" | "outbound";

/**
 * The messages of one media stream, numbered as Twilio numbers them. Each method returns the
 * JSON text of one WebSocket message.
 * @example
 * const m = mediaStreamMessages({ streamSid, callSid, accountSid });
 * ws.send(m.connected()); ws.send(m.start(["inbound", "outbound"], params)); ws.send(m.media("inbound", 0, frame));
 */
export function mediaStreamMessages(ids: { streamSid: string; callSid: string; accountSid: string }) {
  let sequence = 0;
  const chunks: Record<Track, number> = { inbound: 0, outbound: 0 };
  const next = () => String(++sequence);
  const { streamSid } = ids;
  return {
    connected: () => JSON.stringify({ event: "connected", protocol: "Call", version: "1.0.0" }),
    start: (tracks: Track[], customParameters: Record<string, string>) =>
      JSON.stringify({
        event: "start",
        sequenceNumber: next(),
        start: {
          accountSid: ids.accountSid,
          streamSid,
          callSid: ids.callSid,
          tracks,
          customParameters,
          mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
        },
        streamSid,
      }),
    /** `timestampMs`: where the frame starts, in ms from the start of the stream. */
    media: (track: Track, timestampMs: number, payload: Uint8Array) =>
      JSON.stringify({
        event: "media",
        sequenceNumber: next(),
        media: {
          track,
          chunk: String(++chunks[track]),
          timestamp: String(timestampMs),
          payload: Buffer.from(payload).toString("base64"),
        },
        streamSid,
      }),
    mark: (name: string) => JSON.stringify({ event: "mark", sequenceNumber: next(), streamSid, mark: { name } }),
    dtmf: (digit: string) =>
      JSON.stringify({ event: "dtmf", streamSid, sequenceNumber: next(), dtmf: { track: "inbound_track", digit } }),
    stop: () =>
      JSON.stringify({
        event: "stop",
        sequenceNumber: next(),
        stop: { accountSid: ids.accountSid, callSid: ids.callSid },
        streamSid,
      }),
    /** Messages sent so far, `connected` aside. */
    get sent() {
      return sequence;
    },
  };
}
