/**
 * The Twilio side of a bidirectional media stream with a customer on the line, for the call
 * simulator and the tests: it opens `<Connect><Stream>` as Twilio does (signed upgrade,
 * `connected`, `start` with the TwiML's parameters, the inbound track only), sends the
 * customer's audio in 20 ms frames without pause (silence, or a buzz while "speaking"), and
 * plays what the server sends as Twilio would: `media` queued and played in real time (× speed),
 * each `mark` echoed once everything before it has played, `clear` dropping the queue (and
 * echoing the marks in it). The customer answers after each prompt has played: a key (`dtmf`)
 * or words (audio, announced to the demo transcript when there is one).
 */
import type { DemoReplies } from "../adapters/transcription/demo-replies.ts";
import type { CustomerReply } from "../compose/app-deps.ts";
import { OPENING_MARK } from "../domain/assistant/assistant-session.ts";
import { connectMediaStream, type MediaStreamConnection } from "./media-stream-client.ts";
import { SimulatorError } from "./errors.ts";
import { mediaStreamMessages, streamFromTwiml, twilioSid } from "./twilio-wire.ts";

const FRAME_MS = 20;
const SILENCE = new Uint8Array(160).fill(0xff);
/** Not silence: a crude buzz, so a level meter (or a test) can tell the customer is talking. */
const TALKING = new Uint8Array(160).map((_, i) => (i % 8 < 4 ? 0x10 : 0x90));

export interface AnswerOptions {
  twiml: string;
  authToken: string;
  callSid: string;
  accountSid?: string;
  /** Playback and the customer's audio run this many times faster than real time (tests). */
  speed?: number;
  /** Replies given in turn, one after each prompt has played. */
  replies?: CustomerReply[];
  /** Where the customer's words go when no transcriber is configured (the labelled demo transcript). */
  demo?: DemoReplies | null;
  /** The pause between a prompt ending and the customer answering, ms of audio. */
  thinkMs?: number;
  /** How long one word of speech lasts, ms of audio. */
  msPerWord?: number;
  /** The customer hangs up after this much audio, whatever happens (ms). */
  maxAudioMs?: number;
}

/** What the customer's side saw: the server's messages as they arrived (performance.now()). */
export interface CustomerSeen {
  /** When the `start` message went (performance.now()): the stream's start, as the server sees it. */
  startedAt: number;
  media: number;
  /** Arrival time of every media frame. */
  mediaAt: number[];
  /** Marks echoed, in order. */
  marks: string[];
  clears: number;
  /** Frames dropped by a clear before they were played. */
  dropped: number;
  /** Frames played. */
  played: number;
  /** What the customer did, with the audio time and the wall time. */
  actions: { what: string; audioMs: number; at: number }[];
}

export interface AnsweredCall {
  press(digit: string): void;
  say(words: string): void;
  readonly seen: CustomerSeen;
  /** ms of the customer's audio sent so far: the stream's clock. */
  readonly audioMs: number;
  /** Settles when the stream has closed (the server hung up, or the customer did). */
  readonly ended: Promise<{ audioMs: number; byServer: boolean }>;
  hangUp(): Promise<void>;
}

export async function answerAssistantCall(options: AnswerOptions): Promise<AnsweredCall> {
  const stream = streamFromTwiml(options.twiml, "Connect");
  if (!stream)
    throw new SimulatorError("rejected", `The call's TwiML has no <Connect><Stream>: ${options.twiml.slice(0, 200)}`);
  const speed = options.speed ?? 1;
  const thinkMs = options.thinkMs ?? 400;
  const msPerWord = options.msPerWord ?? 300;
  const replies = [...(options.replies ?? [])];
  const ws: MediaStreamConnection = await connectMediaStream(stream.url, options.authToken);
  const messages = mediaStreamMessages({
    streamSid: twilioSid("MZ"),
    callSid: options.callSid,
    accountSid: options.accountSid ?? twilioSid("AC"),
  });
  const seen: CustomerSeen = {
    startedAt: 0,
    media: 0,
    mediaAt: [],
    marks: [],
    clears: 0,
    dropped: 0,
    played: 0,
    actions: [],
  };
  /** What Twilio holds to play: frames, and marks between them. */
  const queue: ({ frame: true } | { mark: string })[] = [];
  let audioMs = 0;
  let talkingUntil = 0;
  let pendingReplyAt: number | null = null;
  let open = true;

  const send = (message: string) => {
    if (open && ws.isOpen) ws.send(message);
  };
  const echoMark = (name: string) => {
    seen.marks.push(name);
    send(messages.mark(name));
    // A prompt has played (not just the opening line before it): the next planned reply, after a moment's thought.
    if (name !== OPENING_MARK && replies.length > 0 && pendingReplyAt === null) pendingReplyAt = audioMs + thinkMs;
  };

  const act = (reply: CustomerReply) => {
    seen.actions.push({
      what: "digit" in reply ? `pressed ${reply.digit}` : `said "${reply.words}"`,
      audioMs,
      at: performance.now(),
    });
    if ("digit" in reply) return send(messages.dtmf(reply.digit));
    const durationMs = Math.max(1, reply.words.split(/\s+/).length) * msPerWord;
    options.demo?.say(reply.words, audioMs, audioMs + durationMs);
    talkingUntil = audioMs + durationMs;
  };

  const serverSaid = (data: unknown) => {
    if (typeof data !== "string") return;
    const message = JSON.parse(data) as { event?: string; media?: { payload?: string }; mark?: { name?: string } };
    if (message.event === "media") {
      seen.media++;
      seen.mediaAt.push(performance.now());
      queue.push({ frame: true });
    } else if (message.event === "mark" && message.mark?.name) {
      queue.push({ mark: message.mark.name });
    } else if (message.event === "clear") {
      seen.clears++;
      for (const item of queue.splice(0)) {
        if ("mark" in item) echoMark(item.mark);
        else seen.dropped++;
      }
    }
  };
  ws.onMessage(serverSaid);

  send(messages.connected());
  seen.startedAt = performance.now();
  send(messages.start(["inbound"], stream.parameters));

  const tick = () => {
    if (!open) return;
    // Twilio plays one frame per 20 ms; a mark at the head has all before it played.
    while (queue[0] && "mark" in queue[0]) echoMark((queue.shift() as { mark: string }).mark);
    if (queue[0]) {
      queue.shift();
      seen.played++;
      while (queue[0] && "mark" in queue[0]) echoMark((queue.shift() as { mark: string }).mark);
    }
    if (pendingReplyAt !== null && audioMs >= pendingReplyAt) {
      pendingReplyAt = null;
      const next = replies.shift();
      if (next) act(next);
    }
    send(messages.media("inbound", audioMs, audioMs < talkingUntil ? TALKING : SILENCE));
    audioMs += FRAME_MS;
    if (options.maxAudioMs !== undefined && audioMs >= options.maxAudioMs) void hangUp();
  };
  const started = performance.now();
  let ticks = 0;
  // Paced against the wall clock, so timers firing late do not slow the audio down.
  const timer = setInterval(
    () => {
      const due = Math.floor(((performance.now() - started) * speed) / FRAME_MS);
      while (open && ticks < due) {
        tick();
        ticks++;
      }
    },
    Math.max(1, FRAME_MS / speed / 2),
  );

  const hangUp = async () => {
    if (!open) return;
    open = false;
    clearInterval(timer);
    if (ws.isOpen) ws.send(messages.stop());
    await ws.close(1000, "customer hung up");
  };
  const ended = ws.closed.then((closed) => {
    open = false;
    clearInterval(timer);
    return { audioMs, byServer: closed.byServer };
  });

  return {
    press: (digit) => act({ digit }),
    say: (words) => act({ words }),
    seen,
    get audioMs() {
      return audioMs;
    },
    ended,
    hangUp,
  };
}
