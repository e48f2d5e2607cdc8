import type { Log } from "../../ports/log.ts";
import type { VoiceSynthesiser } from "../../ports/voice-synthesiser.ts";
import { understand, type Heard } from "./answers.ts";
import { isBargeIn } from "./barge-in.ts";
import {
  answerConversation,
  silenceConversation,
  startConversation,
  type Conversation,
  type Outcome,
  type Turn,
} from "./conversation.ts";
import type { ScriptContext, ScriptName } from "./scripts.ts";

/** 20 ms of audio a frame (8 kHz µ-law, 160 bytes). */
const FRAME_MS = 20;
/** How long the assistant waits for an answer after its question has played. */
export const ANSWER_WAIT_MS = 8_000;
/**
 * The mark sent after the opening line (the automated-assistant disclosure): until Twilio echoes
 * it, the customer has not heard it all, so nothing may cut it short.
 */
export const OPENING_MARK = "opening";

/** The phone line as the assistant sees it: Twilio's bidirectional stream messages, already addressed. */
export interface AssistantLine {
  /** One frame of µ-law to play (`media`). */
  play(frame: Uint8Array): void;
  /** Asks to be told (`markPlayed`) once everything sent before it has played (`mark`). */
  mark(name: string): void;
  /** Drops whatever is queued to play (`clear`). */
  clear(): void;
  /** Ends the call (closes the stream, so the call's TwiML runs out). */
  hangUp(): void;
}

export interface AssistantSessionDeps {
  voice: VoiceSynthesiser;
  line: AssistantLine;
  log: Log;
  /** Milliseconds since the stream started: where the assistant's lines sit beside the customer's. */
  streamMs(): number;
  /** A line the assistant starts to say: stored and shown as the assistant's. */
  said(text: string, startMs: number, endMs: number): void;
  /** The conversation ended: act on it (confirm the visit, resend the quote, opt out, hand over). */
  finished(outcome: Outcome, how: "dtmf" | "speech" | null): Promise<void>;
  /** Milliseconds from the end of the customer's answer to the first frame of the reply (the bench reads it). */
  turnLatency?(ms: number): void;
  /** Overrides ANSWER_WAIT_MS (tests). */
  answerWaitMs?: number;
  /** A monotonic clock (default performance.now). */
  clockMs?(): number;
}

export interface AssistantSession {
  /** The stream started: say the opening and the question. */
  start(): void;
  /** A key the customer pressed (`dtmf`). */
  dtmf(digit: string): void;
  /** What the transcriber heard on the customer's track, interim or final, and how long it lasted (ms of audio). */
  heard(text: string, isFinal: boolean, spanMs?: number): void;
  /** Twilio played everything up to this mark. */
  markPlayed(name: string): void;
  /** The stream ended: stop speaking, give up waiting. */
  stop(): void;
  /** Where it stands, for tests and logs. */
  readonly state: "idle" | "speaking" | "listening" | "over";
  readonly conversation: Conversation | null;
  /** How many times the customer cut the assistant short. */
  readonly bargeIns: number;
}

/**
 * The assistant on one call: says each turn's lines through the voice, frame by frame as they are
 * made, marks the end of each turn, and listens once Twilio says it has played. **Barge-in**: real
 * speech (barge-in.ts: two words or 600 ms, or a final answer) or a key from the customer while it
 * speaks clears what Twilio still has queued, aborts the synthesis and listens. Never during the
 * opening line, the automated-assistant disclosure: it plays whole (until its mark comes back).
 * What the customer says meanwhile is on the transcript, but only an opt-out in it is acted on
 * (a "yes?" on picking up must not confirm a visit not yet asked about); a key pressed meanwhile
 * is deliberate and kept. Either is acted on once the opening has played. The conversation itself (what to say, when it is over) is conversation.ts; this is only
 * the turn-taking.
 */
export function createAssistantSession(
  deps: AssistantSessionDeps,
  script: ScriptName,
  context: ScriptContext,
): AssistantSession {
  const clock = deps.clockMs ?? (() => performance.now());
  let state: AssistantSession["state"] = "idle";
  let conversation: Conversation | null = null;
  let speaking: AbortController | null = null;
  let pendingMark: string | null = null;
  let marks = 0;
  let bargeIns = 0;
  let waiting: ReturnType<typeof setTimeout> | null = null;
  /** When the customer's last answer ended (clock ms), until the reply's first frame goes out. */
  let answeredAt: number | null = null;
  let hangUpAfterTurn = false;
  /** Where the audio already sent ends, in stream ms: the next line plays after it, not when it is made. */
  let queuedUntilMs = 0;
  /** From the start until Twilio has played the opening line: no barge-in. */
  let openingPlaying = false;
  /** A key, or an opt-out in words, given during the opening: acted on once it has played. */
  let held: { heard: Heard; how: "dtmf" | "speech" } | null = null;

  const stopWaiting = () => {
    if (waiting) clearTimeout(waiting);
    waiting = null;
  };

  const listen = () => {
    state = "listening";
    stopWaiting();
    waiting = setTimeout(() => {
      if (state !== "listening" || !conversation) return;
      deps.log.info({ script }, "assistant heard no answer");
      take(silenceConversation(conversation), null);
    }, deps.answerWaitMs ?? ANSWER_WAIT_MS);
  };

  /** Says `lines` in turn; after `opening` (when among them), a mark to know it has played whole. */
  const speak = async (lines: string[], opening?: string) => {
    speaking?.abort();
    const abort = new AbortController();
    speaking = abort;
    state = "speaking";
    stopWaiting();
    try {
      for (const text of lines) {
        const startMs = Math.max(deps.streamMs(), queuedUntilMs);
        let frames = 0;
        try {
          for await (const frame of deps.voice.speak(text, abort.signal)) {
            if (abort.signal.aborted) break;
            if (answeredAt !== null) {
              deps.turnLatency?.(clock() - answeredAt);
              answeredAt = null;
            }
            deps.line.play(frame);
            frames++;
          }
        } finally {
          // Stored as far as it went out: a line cut short by the customer says so.
          queuedUntilMs = startMs + frames * FRAME_MS;
          if (frames > 0) deps.said(abort.signal.aborted ? `${text} [cut short]` : text, startMs, queuedUntilMs);
        }
        if (abort.signal.aborted) return;
        if (text === opening) deps.line.mark(OPENING_MARK);
        deps.log.debug({ script, frames, ms: frames * FRAME_MS }, "assistant line sent");
      }
      pendingMark = `turn-${++marks}`;
      deps.line.mark(pendingMark);
    } catch (error) {
      if (abort.signal.aborted) return;
      // A voice that cannot speak cannot hold the conversation: staff call back instead.
      deps.log.error({ err: error, script, voice: deps.voice.name }, "the assistant's voice failed; handing over");
      end("handed_over", null);
      deps.line.hangUp();
    }
  };

  const end = (outcome: Outcome, how: "dtmf" | "speech" | null) => {
    if (conversation && conversation.state !== "over") conversation = { script, state: "over", outcome };
    state = "over";
    stopWaiting();
    void deps
      .finished(outcome, how)
      .catch((error: unknown) =>
        deps.log.error({ err: error, outcome }, "acting on the assistant call's outcome failed"),
      );
  };

  const take = (turn: Turn, how: "dtmf" | "speech" | null, opening?: string) => {
    conversation = turn.conversation;
    if (turn.outcome) {
      end(turn.outcome, how);
      hangUpAfterTurn = true;
      // Still said: the closing line, then the call ends once it has played.
      state = "speaking";
    }
    void speak(turn.say, opening);
  };

  /** The customer started talking over the assistant: stop at once and listen. */
  const bargeIn = (why: string) => {
    if (state !== "speaking" || hangUpAfterTurn || openingPlaying) return;
    bargeIns++;
    speaking?.abort();
    speaking = null;
    pendingMark = null;
    deps.line.clear();
    queuedUntilMs = deps.streamMs();
    deps.log.info({ script, why }, "customer barged in; assistant listening");
    listen();
  };

  const answer = (heard: Heard, how: "dtmf" | "speech") => {
    if (!conversation || conversation.state === "over" || hangUpAfterTurn) return;
    if (openingPlaying) {
      // An opt-out wins over a key held before it; otherwise the first key stands.
      if (understand(heard) === "stop") held = { heard, how };
      else if (how === "dtmf") held ??= { heard, how };
      deps.log.info({ script, how }, "customer answered during the opening line; it plays on");
      return;
    }
    bargeIn(how);
    answeredAt = clock();
    take(answerConversation(conversation, understand(heard)), how);
  };

  return {
    start() {
      if (state !== "idle") return;
      const first = startConversation(script, context);
      openingPlaying = true;
      take(first, null, first.say[0]);
    },
    dtmf(digit) {
      answer({ digit }, "dtmf");
    },
    heard(text, isFinal, spanMs = 0) {
      if (text.trim() === "") return;
      // A cough or a murmur while the assistant speaks: on the transcript, but it talks on.
      if (state === "speaking" && !isBargeIn({ text, isFinal, spanMs })) return;
      bargeIn("speech");
      if (isFinal) answer({ speech: text }, "speech");
    },
    markPlayed(name) {
      if (name === OPENING_MARK && openingPlaying) {
        openingPlaying = false;
        const given = held;
        held = null;
        if (given) answer(given.heard, given.how);
        return;
      }
      if (name !== pendingMark) return;
      pendingMark = null;
      if (hangUpAfterTurn) {
        state = "over";
        deps.line.hangUp();
        return;
      }
      listen();
    },
    stop() {
      speaking?.abort();
      stopWaiting();
      if (conversation && conversation.state !== "over")
        deps.log.info({ script }, "assistant call ended mid-conversation");
      state = "over";
    },
    get state() {
      return state;
    },
    get conversation() {
      return conversation;
    },
    get bargeIns() {
      return bargeIns;
    },
  };
}
