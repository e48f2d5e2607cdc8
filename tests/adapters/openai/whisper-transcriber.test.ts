import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import { createOpenAIClient, createWhisperTranscriber } from "../../../src/adapters/openai/index.ts";
import { apiError, startOpenAIPeer, transcription, type OpenAIPeer } from "../../support/openai-peer.ts";

let peer: OpenAIPeer;
beforeAll(async () => {
  peer = await startOpenAIPeer();
});
afterAll(() => peer.close());
beforeEach(() => {
  peer.requests.length = 0;
});

/** The first bytes of an Ogg Opus voice note, as WhatsApp sends them. */
const voiceNote = new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0x00, 0x02, ...new Array(200).fill(7)]);
const whisper = (maxRetries = 2) =>
  createWhisperTranscriber(
    { maxRetries, timeoutMs: 5_000 },
    createOpenAIClient({ apiKey: "sk-test-peer", baseURL: peer.baseURL }),
  );

test("against a loopback OpenAI peer: a voice note is uploaded as multipart to whisper-1 and its text and language come back", async () => {
  peer.reply(transcription("  Hi, it's Emma from Greenway Lettings, the boiler at 88 High Street is leaking.  "));
  const result = await whisper().transcribe(voiceNote, "audio/ogg; codecs=opus");
  expect(result).toEqual({
    text: "Hi, it's Emma from Greenway Lettings, the boiler at 88 High Street is leaking.",
    language: "english",
  });

  expect(peer.requests).toHaveLength(1);
  const [request] = peer.requests;
  expect(request!.path).toBe("/v1/audio/transcriptions");
  expect(request!.headers.get("authorization")).toBe("Bearer sk-test-peer");
  expect(request!.form?.get("model")).toBe("whisper-1");
  expect(request!.form?.get("response_format")).toBe("verbose_json");
  const file = request!.form?.get("file") as File;
  expect(file.name).toBe("voice-note.ogg");
  expect(file.type).toBe("audio/ogg");
  expect(new Uint8Array(await file.arrayBuffer())).toEqual(voiceNote);
});

test("against a loopback OpenAI peer: whisper's 429 is retried, then the text is used", async () => {
  peer.reply(
    apiError(429, "Rate limit reached for whisper-1", "requests", "rate_limit_exceeded"),
    transcription("Call me back please."),
  );
  expect(await whisper().transcribe(voiceNote, "audio/mpeg")).toEqual({
    text: "Call me back please.",
    language: "english",
  });
  expect(peer.requests).toHaveLength(2);
  expect((peer.requests[1]!.form?.get("file") as File).name).toBe("voice-note.mp3");
});

test("against a loopback OpenAI peer: whisper's 500s until the retries run out throw an error naming whisper", async () => {
  peer.reply(apiError(500, "boom"), apiError(500, "boom"));
  const failure = whisper(1).transcribe(voiceNote, "audio/ogg");
  await expect(failure).rejects.toThrow("OpenAI whisper transcription failed (500)");
  expect(peer.requests).toHaveLength(2);
});

test("audio whisper cannot read, or none at all, is refused before any upload", async () => {
  await expect(whisper().transcribe(voiceNote, "audio/amr")).rejects.toThrow(
    'OpenAI whisper cannot read "audio/amr" audio.',
  );
  await expect(whisper().transcribe(new Uint8Array(), "audio/ogg")).rejects.toThrow("the voice note is empty");
  expect(peer.requests).toHaveLength(0);
});
