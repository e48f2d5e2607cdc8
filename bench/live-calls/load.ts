/**
 * The bench's load, in its own process so its work is not counted as the server's:
 * `bun bench/live-calls/load.ts '<LoadPlan JSON>'`, started by bench/live-calls.ts.
 *
 * - app: N calls exactly as Twilio delivers them (signed voice webhook, status callbacks, the
 *   media stream with both tracks at real time: a 160-byte µ-law frame per track every 20 ms),
 *   each watched by M logged-in SSE viewers opened before its audio starts.
 * - ceiling: the same frames to a bare Bun WebSocket server (no webhooks, no viewers).
 * - sse-churn: K SSE connections to /calls/events opened at once, held, then closed (the bench
 *   publishes an event there first, so each stream answers at once with its replay).
 *
 * One ticker sends every call's due frames, so timers do not multiply with N; calls start
 * spread over the ramp, so their frames are out of phase as real calls are. Writes a
 * LoadResult to plan.out and exits; a deadline ends it whatever happens.
 */
import { writeFileSync } from "node:fs";
import { FRAME_MS, frameAt, loadCallFixture } from "../../src/simulator/fixture.ts";
import { connectMediaStream } from "../../src/simulator/media-stream-client.ts";
import { answerCall } from "../../src/simulator/play-call.ts";
import {
  mediaStreamMessages,
  postSigned,
  statusParams,
  twilioSid,
  type CallParties,
  type Track,
} from "../../src/simulator/twilio-wire.ts";
import { now, WIRE_SAMPLE_EVERY, type LoadPlan, type LoadResult } from "./shared.ts";

const plan = JSON.parse(process.argv[2]!) as LoadPlan;
const fixture = loadCallFixture(plan.fixtureDir);
const TRACKS: Track[] = ["inbound", "outbound"];
const framesPerCall = Math.round((plan.audioSeconds * 1000) / FRAME_MS);

const result: LoadResult = {
  mode: plan.mode,
  callsStarted: 0,
  callsCompleted: 0,
  framesSent: 0,
  wireSends: [],
  sseArrivals: [],
  viewersOpened: 0,
  reloads: 0,
  errors: [],
  streamingMs: 0,
};
const problem = (message: string) => {
  if (result.errors.length < 20) result.errors.push(message);
};

function finish(code: number): never {
  writeFileSync(plan.out, JSON.stringify(result));
  process.exit(code);
}
setTimeout(() => {
  problem(`deadline of ${plan.deadlineMs} ms reached`);
  finish(2);
}, plan.deadlineMs).unref();

// ---- viewers --------------------------------------------------------------------------

const viewerAborts: AbortController[] = [];

/** Opens /calls/:id/events as a logged-in browser would; resolves once the stream is open. */
async function openViewer(path: string, cookie: string, callId: string, viewer: number): Promise<boolean> {
  const abort = new AbortController();
  viewerAborts.push(abort);
  const response = await fetch(`${plan.baseUrl}${path}`, {
    headers: { Accept: "text/event-stream", Cookie: cookie },
    signal: abort.signal,
    redirect: "manual",
  });
  if (response.status !== 200 || !response.body) {
    problem(`viewer of ${path}: HTTP ${response.status}`);
    await response.body?.cancel().catch(() => {});
    return false;
  }
  result.viewersOpened++;
  if (plan.mode === "sse-churn") {
    // Held open and read (an unread, unreferenced response is collected and its connection
    // closed, which would make the churn smaller than it says); closing is the test.
    void (async () => {
      for await (const _ of response.body!);
    })().catch(() => {});
    return true;
  }
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    let lastId = 0;
    for await (const chunk of response.body!) {
      const at = now();
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id = 0;
        let event = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("id:")) id = Number(line.slice(3));
          else if (line.startsWith("event:")) event = line.slice(6).trim();
        }
        if (event === "reload") result.reloads++;
        if (id > lastId) {
          lastId = id;
          result.sseArrivals.push([callId, id, viewer, at]);
        }
      }
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) problem(`viewer stream of ${path} failed: ${(error as Error).message}`);
  });
  return true;
}

// ---- the frame ticker -------------------------------------------------------------------

interface Streaming {
  callId: string;
  send(message: string): void;
  media: (track: Track, timestampMs: number, payload: Uint8Array) => string;
  startedAt: number;
  next: number;
  done: () => void;
}
const streaming = new Set<Streaming>();
let firstFrameAt = 0;
let lastFrameAt = 0;
let ticking = false;

async function ticker() {
  if (ticking) return;
  ticking = true;
  while (streaming.size > 0) {
    const t = now();
    for (const call of streaming) {
      while (call.next < framesPerCall && call.startedAt + call.next * FRAME_MS <= t) {
        const index = call.next % fixture.frameCount;
        const timestampMs = call.next * FRAME_MS;
        for (const track of TRACKS) {
          call.send(call.media(track, timestampMs, frameAt(fixture[track], index)));
          result.framesSent++;
          if (call.next % WIRE_SAMPLE_EVERY === 0) result.wireSends.push([call.callId, track, timestampMs, now()]);
        }
        call.next++;
      }
      if (call.next >= framesPerCall) {
        streaming.delete(call);
        call.done();
      }
    }
    lastFrameAt = now();
    await Bun.sleep(1);
  }
  ticking = false;
}

/** Plays the audio on an open stream at real time; resolves after the last frame. */
function play(callId: string, send: (message: string) => void, media: Streaming["media"]): Promise<void> {
  return new Promise((resolve) => {
    const startedAt = now();
    if (firstFrameAt === 0) firstFrameAt = startedAt;
    streaming.add({ callId, send, media, startedAt, next: 0, done: resolve });
    void ticker();
  });
}

// ---- calls ------------------------------------------------------------------------------

async function appCall(i: number): Promise<void> {
  const base = plan.baseUrl;
  // Ofcom's drama range: 07700 900000–900999, one caller each.
  const from = `+447700${String(900000 + (i % 1000))}`;
  const answered = await answerCall({ baseUrl: base, authToken: plan.authToken, from, to: "+442079460000" });
  const callId = answered.callId!;
  result.callsStarted++;
  const parties: CallParties = answered;
  let sequence = 0;
  const status = async (name: string, duration?: number) => {
    const response = await postSigned(
      `${base}/api/twilio/status`,
      plan.authToken,
      statusParams(parties, name, sequence++, duration),
    );
    if (!response.ok) problem(`status ${name}: HTTP ${response.status}`);
    await response.body?.cancel().catch(() => {});
  };
  await status("ringing");
  await status("in-progress");
  // The viewers are watching before the audio starts, as staff with the call page open. They
  // resume from event 0, so the server replays the status event at once: the response (which
  // Bun holds back until the first bytes of the body) arrives and the subscription is known
  // to exist before the first frame.
  const opened = await Promise.all(
    plan.cookies
      .slice(0, plan.viewersPerCall)
      .map((cookie, v) => openViewer(`/calls/${callId}/events?after=0`, cookie, callId, v)),
  );
  if (opened.includes(false)) throw new Error("a viewer could not open the call's events");
  const stream = await connectMediaStream(answered.stream.url, plan.authToken);
  const messages = mediaStreamMessages({
    streamSid: twilioSid("MZ"),
    callSid: answered.callSid,
    accountSid: answered.accountSid,
  });
  stream.send(messages.connected());
  stream.send(messages.start(TRACKS, answered.stream.parameters));
  await play(callId, stream.send, messages.media);
  stream.send(messages.stop());
  await stream.close(1000);
  await status("completed", plan.audioSeconds);
  result.callsCompleted++;
}

async function ceilingCall(i: number): Promise<void> {
  const callId = `ceiling-${i}`;
  const ws = new WebSocket(plan.wsUrl!);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve(), { once: true });
    ws.addEventListener("error", () => reject(new Error("the bare server refused the socket")), { once: true });
  });
  result.callsStarted++;
  const messages = mediaStreamMessages({
    streamSid: twilioSid("MZ"),
    callSid: twilioSid("CA"),
    accountSid: twilioSid("AC"),
  });
  ws.send(messages.connected());
  ws.send(messages.start(TRACKS, { callId }));
  await play(callId, (m) => ws.send(m), messages.media);
  ws.send(messages.stop());
  const closed = new Promise((resolve) => ws.addEventListener("close", resolve, { once: true }));
  ws.close(1000);
  await closed;
  result.callsCompleted++;
}

async function sseChurn(): Promise<void> {
  const total = plan.sseConnections ?? 1000;
  const batch = 100;
  let opened = 0;
  const churnStarted = now();
  for (let start = 0; start < total; start += batch) {
    const got = await Promise.all(
      Array.from({ length: Math.min(batch, total - start) }, (_, k) =>
        openViewer("/calls/events?after=0", plan.cookies[(start + k) % plan.cookies.length]!, "calls", start + k).catch(
          (e: unknown) => {
            problem(`SSE open failed: ${(e as Error).message}`);
            return false;
          },
        ),
      ),
    );
    opened += got.filter(Boolean).length;
    if (process.env.BENCH_DEBUG)
      process.stderr.write(`sse-churn: ${opened} open after ${(now() - churnStarted).toFixed(0)} ms\n`);
  }
  result.sseOpened = opened;
  await Bun.sleep(1000);
  for (const abort of viewerAborts) abort.abort();
  await Bun.sleep(500);
}

if (plan.mode === "sse-churn") {
  await sseChurn();
  finish(0);
}

const run = plan.mode === "app" ? appCall : ceilingCall;
await Promise.all(
  Array.from({ length: plan.calls }, async (_, i) => {
    await Bun.sleep((i * plan.rampMs) / plan.calls);
    await run(i).catch((error: unknown) => problem(`call ${i}: ${(error as Error).message}`));
  }),
);
result.streamingMs = lastFrameAt - firstFrameAt;
// The last results (flushed when each stream stops) reach the viewers after the call ends:
// the bench says when the server has finished every call (IPC), else wait 3 s.
if (plan.mode === "app") {
  if (process.send) {
    const told = new Promise<void>((resolve) => process.on("message", (m) => m === "close" && resolve()));
    process.send("calls-done");
    await told;
  } else {
    await Bun.sleep(3000);
  }
}
for (const abort of viewerAborts) abort.abort();
finish(0);
