/**
 * A loopback peer that speaks the parts of ElevenLabs' documented API Switchboard uses:
 * - GET /v1/user (the key check) → the user ({ subscription, is_new_user, … });
 * - POST /v1/text-to-speech/:voice_id/stream?output_format=… (JSON `{ text, model_id }`) → the
 *   audio as a chunked stream, `chunkBytes` at a time every `chunkEveryMs`, as ElevenLabs sends
 *   it while the speech is being made. With `holdAfterFirst`, it sends one chunk and then waits
 *   for `release()`, so a test can see the first frame arrive before the peer has finished.
 * A wrong `xi-api-key` gets ElevenLabs' 401 `{ detail: { status: "invalid_api_key", message } }`;
 * an unknown voice a 404 `{ detail: { status: "voice_not_found", … } }`.
 */
export interface ElevenLabsPeer {
  baseUrl: string;
  requests: { path: string; apiKey: string | null; query: Record<string, string>; body?: any }[];
  /** Audio streams: how many chunks each sent, and whether the client went away before the end. */
  streams: { sentChunks: number; cancelled: boolean; finished: boolean }[];
  /** Lets held streams (holdAfterFirst) send the rest. */
  release(): void;
  /** Answers the next `count` speech requests with `status` (e.g. 503) before streaming again. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

export interface ElevenLabsPeerOptions {
  apiKey: string;
  /** Voices that exist; default any. */
  voiceIds?: string[];
  /** What every speech request streams back (µ-law bytes); default 1 s of a 440 Hz tone. */
  audio?: Uint8Array;
  chunkBytes?: number;
  chunkEveryMs?: number;
  holdAfterFirst?: boolean;
}

export function startElevenLabsPeer(options: ElevenLabsPeerOptions): ElevenLabsPeer {
  const requests: ElevenLabsPeer["requests"] = [];
  const streams: ElevenLabsPeer["streams"] = [];
  const audio = options.audio ?? toneUlaw(1);
  const chunkBytes = options.chunkBytes ?? 1000;
  const everyMs = options.chunkEveryMs ?? 5;
  let released: () => void = () => {};
  const releasedPromise = new Promise<void>((resolve) => {
    released = resolve;
  });
  const failures: number[] = [];

  const speech = (): Response => {
    const record = { sentChunks: 0, cancelled: false, finished: false };
    streams.push(record);
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (record.sentChunks === 1 && options.holdAfterFirst) await releasedPromise;
        else if (record.sentChunks > 0) await Bun.sleep(everyMs);
        if (record.cancelled) return;
        if (offset >= audio.length) {
          record.finished = true;
          controller.close();
          return;
        }
        controller.enqueue(audio.slice(offset, offset + chunkBytes));
        offset += chunkBytes;
        record.sentChunks++;
      },
      cancel() {
        record.cancelled = true;
      },
    });
    return new Response(body, { headers: { "content-type": "audio/basic" } });
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const apiKey = req.headers.get("xi-api-key");
      const query = Object.fromEntries(url.searchParams);
      const body = req.method === "POST" ? await req.json().catch(() => null) : undefined;
      requests.push({ path: url.pathname, apiKey, query, ...(body !== undefined ? { body } : {}) });
      if (apiKey !== options.apiKey)
        return Response.json({ detail: { status: "invalid_api_key", message: "Invalid API key" } }, { status: 401 });
      if (req.method === "GET" && url.pathname === "/v1/user")
        return Response.json({
          user_id: "peer-user",
          subscription: { tier: "starter", character_count: 0, character_limit: 30_000, status: "active" },
          is_new_user: false,
          xi_api_key: null,
        });
      const voice = /^\/v1\/text-to-speech\/([^/]+)\/stream$/.exec(url.pathname)?.[1];
      if (req.method === "POST" && voice) {
        if (options.voiceIds && !options.voiceIds.includes(decodeURIComponent(voice)))
          return Response.json(
            { detail: { status: "voice_not_found", message: "A voice with that id was not found." } },
            { status: 404 },
          );
        if (typeof body?.text !== "string" || body.text === "")
          return Response.json({ detail: [{ loc: ["body", "text"], msg: "field required" }] }, { status: 422 });
        const status = failures.shift();
        if (status) return Response.json({ detail: { status: "error", message: "peer told to fail" } }, { status });
        return speech();
      }
      return Response.json({ detail: { status: "not_found", message: "Not found" } }, { status: 404 });
    },
  });
  return {
    baseUrl: `http://127.0.0.1:${server.port}`,
    requests,
    streams,
    release: () => released(),
    failNext(count, status) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    close: async () => {
      released();
      await server.stop(true);
    },
  };
}

/** `seconds` of a 440 Hz tone at half scale, µ-law 8 kHz: audible, and never silence bytes. */
export function toneUlaw(seconds: number): Uint8Array {
  const samples = Array.from({ length: Math.round(seconds * 8000) }, (_, i) =>
    Math.round(16_000 * Math.sin((2 * Math.PI * 440 * i) / 8000)),
  );
  // Encoded here as G.711 does, so the peer depends on nothing in src/.
  return Uint8Array.from(samples, encodeUlaw);
}

function encodeUlaw(sample: number): number {
  let s = Math.max(-32635, Math.min(32635, sample));
  const sign = s < 0 ? 0x80 : 0;
  if (sign) s = -s;
  s += 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  return ~(sign | (exponent << 4) | ((s >> (exponent + 3)) & 0x0f)) & 0xff;
}
