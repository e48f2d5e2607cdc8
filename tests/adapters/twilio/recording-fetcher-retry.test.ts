import { afterAll, beforeAll, expect, test } from "bun:test";
import { createVendorPolicy } from "../../../src/adapters/resilience/vendor-policy.ts";
import { createTwilioRecordingFetcher } from "../../../src/adapters/twilio/recording-fetcher.ts";

const WAV = new Uint8Array([0x52, 0x49, 0x46, 0x46, 9, 8, 7, 6]);
const script: number[] = [];
let requests = 0;
let peer: ReturnType<typeof Bun.serve>;

beforeAll(() => {
  // Twilio's recording media endpoint: GET …/Recordings/{Sid}.wav with HTTP Basic.
  peer = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      requests++;
      if (new URL(request.url).pathname.endsWith("/RE-slow.wav")) return slowWav();
      const status = script.shift();
      if (status) return new Response("try later", { status });
      return new Response(WAV, { headers: { "Content-Type": "audio/x-wav" } });
    },
  });
});
afterAll(() => peer.stop(true));

/** Headers at once, then the body in four parts 150 ms apart: a big recording on a slow link. */
function slowWav() {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent > 0) await Bun.sleep(150);
      if (sent++ === 4) return controller.close();
      controller.enqueue(WAV);
    },
  });
  return new Response(body, { headers: { "Content-Type": "audio/x-wav" } });
}

const fetcher = (timeoutMs = 5_000) =>
  createTwilioRecordingFetcher(
    { accountSid: "AC123", authToken: "token" },
    {
      alsoAllow: [`http://127.0.0.1:${peer.port}`],
      policy: createVendorPolicy({
        vendor: "Twilio",
        timeoutMs,
        retries: 2,
        initialDelayMs: 10,
        maxDelayMs: 50,
        breakAfter: 5,
        halfOpenAfterMs: 1_000,
      }),
    },
  );
const url = () => `http://127.0.0.1:${peer.port}/2010-04-01/Accounts/AC123/Recordings/RE1`;

test("503 twice then the audio: the download succeeds on its third attempt (loopback twilio recordings peer)", async () => {
  requests = 0;
  script.push(503, 503);
  const recording = await fetcher()(url());
  expect(recording.bytes).toEqual(WAV);
  expect(requests).toBe(3);
});

test("404 is not retried (loopback twilio recordings peer)", async () => {
  requests = 0;
  script.push(404);
  await expect(fetcher()(url())).rejects.toThrow("HTTP 404");
  expect(requests).toBe(1);
});

test("a body that takes longer than the per-attempt timeout is read whole, once, not cut off and fetched again (loopback twilio recordings peer)", async () => {
  requests = 0;
  const recording = await fetcher(200)(`http://127.0.0.1:${peer.port}/2010-04-01/Accounts/AC123/Recordings/RE-slow`);
  expect(recording.bytes.byteLength).toBe(4 * WAV.byteLength);
  expect(requests).toBe(1);
});
