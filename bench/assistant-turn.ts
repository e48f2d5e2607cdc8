/**
 * `npm run bench:assistant`: how quickly the assistant answers. For each turn, the time from the
 * end of the customer's answer (the DTMF digit, or the transcriber's final line) to the first
 * frame of the assistant's next line, p50/p99, with whatever voice the composition gives. Each
 * call is a visit confirmation on a running server (Deepgram's loopback peer as its transcriber)
 * answered by the customer's side of the protocol (src/simulator/assistant-customer.ts): a key
 * not understood (the retry follows), then "1" (the closing follows); or the same in words.
 *
 *   npm run bench:assistant                 20 calls a kind
 *   npm run bench:assistant -- --calls 50
 *
 * Two figures a turn: measured in the server (answer received → first frame handed to the socket)
 * and at the customer's side (digit sent → first frame received; DTMF only: a spoken answer's
 * end is the transcriber's, which only the server sees). With no voice composed, the test tone
 * stands in (labelled): the figures are then the engine's own overhead, not a voice's.
 */
import { parseArgs } from "node:util";
import { assistantTwiml } from "../src/adapters/twilio/assistant-twiml.ts";
import { answerAssistantCall } from "../src/simulator/assistant-customer.ts";
import { startDeepgramPeer, type DeepgramPeerOptions } from "../tests/support/deepgram-peer.ts";
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

const { values } = parseArgs({ options: { calls: { type: "string", default: "20" } } });
const calls = Number(values.calls);
const KEY = "bench-key";
const peerOptions: DeepgramPeerOptions = { apiKey: KEY, script: [] };
const peer = startDeepgramPeer(peerOptions);
const server = await startLiveServer({ DEEPGRAM_API_KEY: KEY, DEEPGRAM_API_URL: peer.url });

const percentile = (list: number[], p: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const show = (label: string, list: number[]) =>
  console.log(
    `${label.padEnd(44)} n=${String(list.length).padStart(3)}  p50 ${percentile(list, 50).toFixed(1).padStart(6)} ms  p99 ${percentile(list, 99).toFixed(1).padStart(6)} ms`,
  );

try {
  const voiceName = server.deps.voice.name;
  pinCallingClock(server);
  const staff = await aStaffUser(server.deps);
  const cookie = await logIn(server.baseUrl, staff.email, staff.password);
  let serverSide: number[] = [];
  server.deps.assistant = { ...server.deps.assistant, answerWaitMs: 10_000, turnLatency: (ms) => serverSide.push(ms) };

  const run = async (kind: "dtmf" | "speech") => {
    serverSide = [];
    const clientSide: number[] = [];
    for (let i = 0; i < calls; i++) {
      const { visit } = await aJobWithVisitAndQuote(server);
      const capture = capturingCaller(server);
      const next = capture.next();
      const pressed = await pressCallButton(server, cookie, `/visits/${visit.id}/assistant-call`);
      if (pressed.status !== 303) throw new Error(`call refused: ${pressed.status} ${pressed.text}`);
      const placed = await next;
      // Spoken: words the peer "recognises" once enough audio passed (after each prompt has played).
      peerOptions.script =
        kind === "speech"
          ? [
              { text: "sorry what was that", startMs: 6_000, endMs: 6_600 },
              { text: "yes that's fine", startMs: 12_000, endMs: 12_600 },
            ]
          : [];
      const customer = await answerAssistantCall({
        twiml: assistantTwiml(placed.call),
        authToken: server.deps.twilio.authToken,
        callSid: placed.callSid,
        replies: kind === "dtmf" ? [{ digit: "5" }, { digit: "1" }] : [],
        speed: 4,
        thinkMs: 300,
        maxAudioMs: 30_000,
      });
      await customer.ended;
      await eventually(async () => (await server.deps.repos.calls.byId(pressed.callId!))?.summary ?? null);
      for (const action of customer.seen.actions) {
        const first = customer.seen.mediaAt.find((at) => at > action.at);
        if (first !== undefined) clientSide.push(first - action.at);
      }
    }
    return { serverSide, clientSide };
  };

  console.log(`Assistant turns: ${calls} calls a kind, voice: ${voiceName}, transcriber: deepgram (loopback peer)`);
  const keys = await run("dtmf");
  show("DTMF → next prompt's first frame (server)", keys.serverSide);
  show("DTMF → next prompt's first frame (customer)", keys.clientSide);
  const words = await run("speech");
  show("final transcript → next prompt's first frame", words.serverSide);
} finally {
  await server.stop();
  await peer.stop();
}
