import { SimulatorError } from "./errors.ts";
import { FRAME_MS, frameAt, loadCallFixture } from "./fixture.ts";
import { connectMediaStream, type StreamClosed } from "./media-stream-client.ts";
import {
  callParams,
  mediaStreamMessages,
  postSigned,
  statusParams,
  streamFromTwiml,
  twilioSid,
  type CallParties,
  type Track,
  type TwimlStream,
} from "./twilio-wire.ts";

export interface PlayCallOptions {
  /** Where Switchboard is reached, as Twilio is configured with it (signatures cover this URL): http://localhost:3000 */
  baseUrl: string;
  /** The Twilio auth token the server checks signatures with. */
  authToken: string;
  /** A folder with inbound.ulaw and outbound.ulaw (µ-law, 8 kHz, mono), and call.json when it has one. */
  fixtureDir: string;
  /** 1 = real time (the default); 20 = twenty times faster; Infinity = as fast as the socket takes it. */
  speed?: number;
  /** Ask the server (stream parameter `demoScript`) to replay the fixture's script as a labelled demo transcript. */
  demoTranscript?: boolean;
  /** The caller hangs up: the stream stops (`stop`, socket closed) and the call completes with the time so far. */
  signal?: AbortSignal;
  /** The media socket drops after this much call audio: closed without `stop`, as a lost connection; the call then completes. */
  dropStreamAfterMs?: number;
  /** Defaults to a fresh AC… SID. */
  accountSid?: string;
  /** Each step as it happens, with a line to print. */
  log?: (event: PlayCallEvent) => void;
}

export type PlayCallEvent =
  | { type: "answered"; message: string; callSid: string; callId: string | null; stream: TwimlStream }
  | { type: "status"; message: string; status: string; httpStatus: number }
  | { type: "stream-open"; message: string; streamSid: string; customParameters: Record<string, string> }
  | { type: "progress"; message: string; audioMs: number; totalMs: number }
  | { type: "stream-end"; message: string; how: PlayCallResult["ended"] };

export interface PlayCallResult {
  callSid: string;
  accountSid: string;
  /** Switchboard's call id (the stream's `callId` parameter), and the call's page. */
  callId: string | null;
  pageUrl: string | null;
  streamSid: string;
  streamUrl: string;
  framesSent: Record<Track, number>;
  /** Media Streams messages sent after `connected` (= the last sequenceNumber). */
  messagesSent: number;
  /** Call audio played, in ms. */
  audioMs: number;
  /** Wall-clock time the whole call took. */
  elapsedMs: number;
  ended: "completed" | "hung-up" | "stream-dropped";
  statuses: { status: string; httpStatus: number }[];
}

export interface AnsweredCall extends CallParties {
  callId: string | null;
  stream: TwimlStream;
  twiml: string;
}

/**
 * A call arrives: POSTs the signed voice webhook as Twilio does and reads the TwiML answer's
 * <Start><Stream>. Throws a {@link SimulatorError} when the server cannot be reached, refuses
 * the signature (403), or answers without a media stream.
 */
export async function answerCall(options: {
  baseUrl: string;
  authToken: string;
  from: string;
  to: string;
  callSid?: string;
  accountSid?: string;
  signal?: AbortSignal;
}): Promise<AnsweredCall> {
  const base = options.baseUrl.replace(/\/$/, "");
  const parties = {
    callSid: options.callSid ?? twilioSid("CA"),
    accountSid: options.accountSid ?? twilioSid("AC"),
    from: options.from,
    to: options.to,
  };
  const url = `${base}/api/twilio/voice`;
  const response = await webhook(url, options.authToken, callParams(parties, "ringing"), options.signal);
  const twiml = await response.text();
  const stream = streamFromTwiml(twiml);
  if (!stream)
    throw new SimulatorError(
      "bad-answer",
      `The voice webhook at ${url} answered without <Start><Stream>: ${twiml.slice(0, 300)}`,
    );
  stream.url = new URL(stream.url, base.replace(/^http/, "ws")).toString();
  return { ...parties, callId: stream.parameters.callId ?? null, stream, twiml };
}

/**
 * Plays a recorded call against Switchboard exactly as Twilio would deliver it: the signed voice
 * webhook, status callbacks (ringing, in-progress when the audio starts, completed with
 * CallDuration), and the media stream — connected, start, then both tracks as 20 ms µ-law
 * frames paced in real time (× speed), then stop.
 * @example
 * const result = await playCall({ baseUrl: "http://localhost:3000", authToken, fixtureDir: "fixtures/calls/boiler-leak-tenant", speed: 20 });
 * console.log(result.pageUrl);
 */
export async function playCall(options: PlayCallOptions): Promise<PlayCallResult> {
  const startedAt = performance.now();
  const fixture = loadCallFixture(options.fixtureDir);
  const speed = options.speed ?? 1;
  if (!(speed > 0)) throw new RangeError(`speed must be above 0, got ${speed}`);
  const log = options.log ?? (() => {});
  const base = options.baseUrl.replace(/\/$/, "");
  const { signal } = options;

  const call = await answerCall({
    baseUrl: base,
    authToken: options.authToken,
    from: fixture.from,
    to: fixture.to,
    accountSid: options.accountSid,
    signal,
  });
  log({
    type: "answered",
    message: `Call ${call.callSid} answered; streaming to ${call.stream.url}`,
    callSid: call.callSid,
    callId: call.callId,
    stream: call.stream,
  });

  const statuses: PlayCallResult["statuses"] = [];
  const status = async (name: string, durationSeconds?: number) => {
    const response = await webhook(
      `${base}/api/twilio/status`,
      options.authToken,
      statusParams(call, name, statuses.length, durationSeconds),
    );
    statuses.push({ status: name, httpStatus: response.status });
    log({
      type: "status",
      message: `Status ${name}${durationSeconds === undefined ? "" : ` (${durationSeconds} s)`}: HTTP ${response.status}`,
      status: name,
      httpStatus: response.status,
    });
  };
  await status("ringing");

  const tracks = tracksFor(call.stream.track);
  const streamSid = twilioSid("MZ");
  const customParameters = {
    ...call.stream.parameters,
    ...(options.demoTranscript ? { demoScript: fixture.name } : {}),
  };
  const messages = mediaStreamMessages({ streamSid, callSid: call.callSid, accountSid: call.accountSid });
  const framesSent: Record<Track, number> = { inbound: 0, outbound: 0 };
  let serverClosed: StreamClosed | null = null;
  let ended: PlayCallResult["ended"] = "completed";
  let frame = 0;

  const stream = await connectMediaStream(call.stream.url, options.authToken, { signal }).catch(
    async (error: unknown) => {
      await status("completed", 0).catch(() => {});
      throw error;
    },
  );
  void stream.closed.then((closed) => {
    if (closed.byServer) serverClosed = closed;
  });
  stream.send(messages.connected());
  stream.send(messages.start(tracks, customParameters));
  log({
    type: "stream-open",
    message: `Media stream ${streamSid} open (${tracks.join(" + ")})`,
    streamSid,
    customParameters,
  });
  await status("in-progress");

  const dropAt = options.dropStreamAfterMs === undefined ? Infinity : Math.ceil(options.dropStreamAfterMs / FRAME_MS);
  const clock = performance.now();
  for (; frame < fixture.frameCount; frame++) {
    const wait = clock + (frame * FRAME_MS) / speed - performance.now();
    if (wait >= 1) await pause(wait, signal);
    else if (frame % 50 === 0) await pause(0); // let socket events (a close) land between bursts
    if (signal?.aborted) ended = "hung-up";
    else if (frame >= dropAt) ended = "stream-dropped";
    if (ended !== "completed" || serverClosed) break;
    for (const track of tracks) {
      stream.send(messages.media(track, frame * FRAME_MS, frameAt(fixture[track], frame)));
      framesSent[track] += 1;
    }
    if (frame % 25 === 24) await stream.drained();
    if (frame % 250 === 249)
      log({
        type: "progress",
        message: `${seconds(frame * FRAME_MS + FRAME_MS)} of ${seconds(fixture.durationMs)} played`,
        audioMs: (frame + 1) * FRAME_MS,
        totalMs: fixture.durationMs,
      });
  }
  const audioMs = frame * FRAME_MS;

  const closedByServer = serverClosed as StreamClosed | null;
  if (closedByServer) {
    await status("completed", Math.round(audioMs / 1000)).catch(() => {});
    throw new SimulatorError(
      "stream-closed",
      `The server closed the media stream after ${seconds(audioMs)} of audio (code ${closedByServer.code}${closedByServer.reason ? `: ${closedByServer.reason}` : ""}).`,
    );
  }
  if (ended === "stream-dropped") {
    await stream.close(4000, "connection lost"); // no stop message: the connection just goes
  } else {
    stream.send(messages.stop());
    await stream.close(1000);
  }
  log({
    type: "stream-end",
    message:
      ended === "stream-dropped"
        ? `Media stream dropped after ${seconds(audioMs)} (no stop message)`
        : `Media stream stopped after ${seconds(audioMs)}`,
    how: ended,
  });
  await status("completed", Math.round(audioMs / 1000));

  return {
    callSid: call.callSid,
    accountSid: call.accountSid,
    callId: call.callId,
    pageUrl: call.callId ? `${base}/calls/${call.callId}` : null,
    streamSid,
    streamUrl: call.stream.url,
    framesSent,
    messagesSent: messages.sent,
    audioMs,
    elapsedMs: Math.round(performance.now() - startedAt),
    ended,
    statuses,
  };
}

/** A signed webhook POST; anything but 2xx is a {@link SimulatorError} saying what the server said. */
async function webhook(
  url: string,
  authToken: string,
  params: Record<string, string>,
  signal?: AbortSignal,
): Promise<Response> {
  let response: Response;
  try {
    response = await postSigned(url, authToken, params, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new SimulatorError("unreachable", `Nothing answers at ${url} (${(error as Error).message}).`, {
      cause: error,
    });
  }
  if (response.ok) return response;
  const text = await reason(response);
  const said = `${response.status}${text ? `: ${text}` : ""}`;
  if (response.status === 403)
    throw new SimulatorError("refused", `The server refused the signed webhook POST ${url} (${said}).`, {
      status: 403,
    });
  throw new SimulatorError("rejected", `POST ${url} failed (HTTP ${said}).`, { status: response.status });
}

/** What the server said, in a line: a JSON error's message, or the text without markup. */
async function reason(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const json = JSON.parse(text) as { error?: unknown; message?: unknown };
    const message = json.error ?? json.message;
    if (typeof message === "string") return message;
  } catch {
    // not JSON: use the text as it is
  }
  return text
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 200);
}

/** <Stream track="…">: both_tracks, inbound_track (the default) or outbound_track. */
function tracksFor(track: string): Track[] {
  if (track === "both_tracks") return ["inbound", "outbound"];
  return track === "outbound_track" ? ["outbound"] : ["inbound"];
}

/** Waits `ms`, or less when `signal` aborts; never rejects. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
