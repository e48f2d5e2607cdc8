/**
 * `npm run bench:assistant`: how quickly the assistant speaks on a call (issue 16's benchmark),
 * with each real voice: the offline voice (eSpeak NG on its worker, as composed without keys)
 * and ElevenLabs (the real adapter, official SDK, against the loopback peer of tests/support,
 * which answers at once: Switchboard's own cost, not ElevenLabs' model time nor the network).
 * Calls are visit confirmations on a running server (Deepgram's loopback peer as its
 * transcriber) answered by the customer's side of the protocol (src/simulator/assistant-customer.ts).
 *
 * 1. **Stream start → first audio frame**: from the `start` message the customer's side sends
 *    to the first `media` it receives back (so the server's whole start, the call read, the
 *    lease, the live call and the opening line's first frame, over loopback), with the opening
 *    line cached (made ahead, as pressing the button does) and uncached (made on demand).
 *    Floor: p99 under 300 ms with the opening line cached.
 * 2. **Answer end → next prompt's first frame**: a key not understood (the retry follows), then
 *    "1" (the closing follows); or the same in words, timed from the transcriber's final line.
 *    Measured in the server (answer received → first frame handed to the socket) and, for keys,
 *    at the customer's side (digit sent → first frame received).
 *
 *   npm run bench:assistant                              50 first-frame calls a variant (after 5 unmeasured), 10 turn calls a kind
 *   npm run bench:assistant -- --first 100 --calls 20 --voice offline
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { cachedVoice } from "../src/adapters/audio/cached-voice.ts";
import { createElevenLabsVoice } from "../src/adapters/elevenlabs/elevenlabs-voice.ts";
import { createEspeakVoice } from "../src/adapters/espeak/espeak-voice.ts";
import { assistantTwiml } from "../src/adapters/twilio/assistant-twiml.ts";
import { fixedLines } from "../src/domain/assistant/scripts.ts";
import type { VoiceWithFixedLines } from "../src/ports/voice-synthesiser.ts";
import { answerAssistantCall, type AnsweredCall } from "../src/simulator/assistant-customer.ts";
import { startDeepgramPeer, type DeepgramPeerOptions } from "../tests/support/deepgram-peer.ts";
import { startElevenLabsPeer, toneUlaw } from "../tests/support/elevenlabs-peer.ts";
import { startLiveServer } from "../tests/support/running-server.ts";
import { aStaffUser } from "../tests/support/test-app.ts";
import { logIn } from "../tests/e2e/helpers.ts";
import {
  aJobWithVisitAndQuote,
  capturingCaller,
  eventually,
  pinCallingClock,
  pressCallButton,
} from "../tests/e2e/assistant-call-support.ts";

const FLOOR_P99_MS = 300;
const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "10" },
    first: { type: "string", default: "50" },
    voice: { type: "string", default: "all" },
  },
});
const turnCalls = Number(values.calls);
const firstCalls = Number(values.first);
const KEY = "bench-key";
const peerOptions: DeepgramPeerOptions = { apiKey: KEY, script: [] };
const deepgram = startDeepgramPeer(peerOptions);
// ElevenLabs' peer: 2 s of audio a line, in 1,000-byte chunks, as fast as the loopback allows.
const elevenPeer = startElevenLabsPeer({ apiKey: "xi-bench", audio: toneUlaw(2), chunkBytes: 1000, chunkEveryMs: 1 });
const server = await startLiveServer({ DEEPGRAM_API_KEY: KEY, DEEPGRAM_API_URL: deepgram.url });

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const percentile = (list: number[], p: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
interface Row {
  voice: string;
  what: string;
  samples: number[];
}
const rows: Row[] = [];
const show = (voice: string, what: string, samples: number[]) => {
  rows.push({ voice, what, samples });
  console.log(
    `${voice} | ${what.padEnd(52)} n=${String(samples.length).padStart(3)}  p50 ${percentile(samples, 50).toFixed(1).padStart(7)} ms  p99 ${percentile(samples, 99).toFixed(1).padStart(7)} ms  (load ${load()})`,
  );
};

/** The same voice with nothing made ahead: every line, the opening too, synthesised when asked for. */
const uncached = (voice: VoiceWithFixedLines["speak"], name: string): VoiceWithFixedLines => ({
  name,
  speak: voice,
  prepare: async () => {},
});

try {
  pinCallingClock(server);
  const staff = await aStaffUser(server.deps);
  const cookie = await logIn(server.baseUrl, staff.email, staff.password);
  const company = server.deps.settings.companyName;
  let serverSide: number[] = [];
  server.deps.assistant = { ...server.deps.assistant, answerWaitMs: 10_000, turnLatency: (ms) => serverSide.push(ms) };

  /** Presses the button on a fresh visit and answers the call as Twilio would. */
  const aCall = async (
    answer: (placed: Awaited<ReturnType<ReturnType<typeof capturingCaller>["next"]>>) => Promise<AnsweredCall>,
  ) => {
    const { visit } = await aJobWithVisitAndQuote(server);
    const capture = capturingCaller(server);
    const next = capture.next();
    const pressed = await pressCallButton(server, cookie, `/visits/${visit.id}/assistant-call`);
    if (pressed.status !== 303) throw new Error(`call refused: ${pressed.status} ${pressed.text}`);
    const customer = await answer(await next);
    return { customer, callId: pressed.callId! };
  };
  const callEnded = (callId: string) =>
    eventually(async () => (await server.deps.repos.calls.byId(callId))?.summary ?? null, 30_000);

  /** Stream start → first frame received on one call with `voice`; the customer hangs up at the first frame. */
  const firstFrame = async (voice: VoiceWithFixedLines) => {
    server.deps.voice = voice;
    const { customer, callId } = await aCall((placed) =>
      answerAssistantCall({
        twiml: assistantTwiml(placed.call),
        authToken: server.deps.twilio.authToken,
        callSid: placed.callSid,
        maxAudioMs: 60_000,
      }),
    );
    while (customer.seen.media === 0) await Bun.sleep(1);
    const ms = customer.seen.mediaAt[0]! - customer.seen.startedAt;
    await customer.hangUp();
    await callEnded(callId);
    return ms;
  };
  /** `firstCalls` of each, taken in turn (so a machine getting busier weighs on both alike), after 5 of each unmeasured. */
  const firstFrames = async (cached: VoiceWithFixedLines, onDemand: VoiceWithFixedLines) => {
    for (let i = 0; i < 5; i++) await firstFrame(cached).then(() => firstFrame(onDemand));
    const samples = { cached: [] as number[], uncached: [] as number[] };
    for (let i = 0; i < firstCalls; i++) {
      samples.cached.push(await firstFrame(cached));
      samples.uncached.push(await firstFrame(onDemand));
    }
    return samples;
  };

  /** Answer end → next prompt's first frame, by keys or words. */
  const turns = async (kind: "dtmf" | "speech") => {
    serverSide = [];
    const clientSide: number[] = [];
    for (let i = 0; i < turnCalls; i++) {
      const script: NonNullable<DeepgramPeerOptions["script"]> = [];
      peerOptions.script = script;
      const { customer, callId } = await aCall((placed) =>
        answerAssistantCall({
          twiml: assistantTwiml(placed.call),
          authToken: server.deps.twilio.authToken,
          callSid: placed.callSid,
          replies: kind === "dtmf" ? [{ digit: "5" }, { digit: "1" }] : [],
          speed: 8,
          thinkMs: 300,
          maxAudioMs: 180_000,
        }),
      );
      if (kind === "speech") {
        // Words the peer "recognises" 0.3–0.9 s of audio after each prompt has played (the voices'
        // prompts differ in length, so the words follow the marks, not fixed times).
        const words = ["sorry what was that", "yes that's fine"];
        let turnsHeard = 0;
        void (async () => {
          while (words.length > 0 && customer.seen.marks.length < 6) {
            const prompts = customer.seen.marks.filter((m) => m !== "opening").length;
            if (prompts > turnsHeard) {
              turnsHeard = prompts;
              const at = customer.audioMs;
              script.push({ text: words.shift()!, startMs: at + 300, endMs: at + 900 });
            }
            await Bun.sleep(5);
          }
        })();
      }
      await customer.ended;
      await callEnded(callId);
      for (const action of customer.seen.actions) {
        const first = customer.seen.mediaAt.find((at) => at > action.at);
        if (first !== undefined) clientSide.push(first - action.at);
      }
    }
    return { serverSide, clientSide };
  };

  const voices: { label: string; cached: VoiceWithFixedLines; uncached: VoiceWithFixedLines; close(): void }[] = [];
  if (values.voice === "all" || values.voice === "offline") {
    // As composed without keys (src/compose/voice.ts): eSpeak NG on its worker, behind the cache.
    const espeak = createEspeakVoice();
    voices.push({
      label: "offline (espeak-ng)",
      cached: cachedVoice(espeak, {}),
      uncached: uncached((text, signal) => espeak.speak(text, signal), espeak.name),
      close: () => espeak.close(),
    });
  }
  if (values.voice === "all" || values.voice === "elevenlabs") {
    const eleven = createElevenLabsVoice({ apiKey: "xi-bench", voiceId: "bench", baseUrl: elevenPeer.baseUrl });
    voices.push({
      label: "ElevenLabs (loopback)",
      cached: cachedVoice(eleven, { warm: eleven.warm }),
      uncached: uncached((text, signal) => eleven.speak(text, signal), eleven.name),
      close: () => {},
    });
  }

  console.log(
    `Assistant calls: ${firstCalls} first-frame calls a variant, ${turnCalls} turn calls a kind; transcriber deepgram (loopback peer); load ${load()}`,
  );
  for (const voice of voices) {
    // Ready as a server is once staff have pressed the button once: the engine loaded, the fixed lines made.
    await voice.cached.prepare(fixedLines(company));
    const first = await firstFrames(voice.cached, voice.uncached);
    show(voice.label, "stream start → first frame, opening cached", first.cached);
    show(voice.label, "stream start → first frame, opening uncached", first.uncached);
    server.deps.voice = voice.cached;
    const keys = await turns("dtmf");
    show(voice.label, "DTMF → next prompt's first frame (server)", keys.serverSide);
    show(voice.label, "DTMF → next prompt's first frame (customer)", keys.clientSide);
    const words = await turns("speech");
    show(voice.label, "final transcript → next prompt's first frame (server)", words.serverSide);
    voice.close();
  }

  console.log(`\n| voice | measured | n | p50 ms | p99 ms | max ms |\n|---|---|--:|--:|--:|--:|`);
  for (const row of rows)
    console.log(
      `| ${row.voice} | ${row.what} | ${row.samples.length} | ${percentile(row.samples, 50).toFixed(1)} | ${percentile(row.samples, 99).toFixed(1)} | ${Math.max(...row.samples).toFixed(1)} |`,
    );
  const cachedRows = rows.filter((r) => r.what.endsWith("opening cached"));
  const worst = Math.max(...cachedRows.map((r) => percentile(r.samples, 99)));
  const pass = worst < FLOOR_P99_MS;
  console.log(
    `\n${pass ? "PASS" : "FAIL"}: stream start → first frame with the opening cached, p99 ${worst.toFixed(1)} ms (floor ${FLOOR_P99_MS} ms); load average at end ${load()}`,
  );
  process.exitCode = pass ? 0 : 1;
} finally {
  await server.stop();
  await deepgram.stop();
  await elevenPeer.close();
}
