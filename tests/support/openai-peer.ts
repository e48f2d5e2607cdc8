/**
 * A loopback peer that speaks OpenAI's documented HTTP API, for adapter tests through the
 * real SDK (its `baseURL` pointed here): POST /v1/chat/completions (JSON in, a
 * `chat.completion` object out), POST /v1/audio/transcriptions (multipart in, JSON out) and
 * GET /v1/models (the app's key check).
 * Errors use OpenAI's shape, `{ "error": { message, type, param, code } }`. Each request takes
 * the next scripted reply; every request is recorded for the test to inspect.
 */

export interface PeerRequest {
  method: string;
  path: string;
  headers: Headers;
  /** The JSON body (chat completions). */
  json?: any;
  /** The multipart body (audio transcriptions). */
  form?: FormData;
}

export interface PeerReply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (to make the client time out). */
  delayMs?: number;
}

export type ScriptedReply = PeerReply | ((request: PeerRequest) => PeerReply);

export interface OpenAIPeer {
  /** For the SDK: "http://127.0.0.1:PORT/v1". */
  baseURL: string;
  requests: PeerRequest[];
  /** Queue replies, used in order; once used up, requests get a 500 saying so. */
  reply(...replies: ScriptedReply[]): void;
  close(): Promise<void>;
}

/** A `chat.completion` whose message content is `content` (objects are sent as JSON text). */
export function chatCompletion(
  content: unknown,
  options: { finishReason?: string; refusal?: string; model?: string } = {},
): PeerReply {
  return {
    body: {
      id: `chatcmpl-${crypto.randomUUID()}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: options.model ?? "gpt-4o-mini-2024-07-18",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: options.refusal ? null : typeof content === "string" ? content : JSON.stringify(content),
            refusal: options.refusal ?? null,
          },
          logprobs: null,
          finish_reason: options.finishReason ?? "stop",
        },
      ],
      usage: { prompt_tokens: 812, completion_tokens: 164, total_tokens: 976 },
      system_fingerprint: "fp_peer",
    },
  };
}

/** An OpenAI error reply; 429s and 5xx ask for a 1 ms wait so retries stay quick. */
export function apiError(
  status: number,
  message: string,
  type = "server_error",
  code: string | null = null,
): PeerReply {
  return {
    status,
    headers: status === 429 || status >= 500 ? { "retry-after-ms": "1" } : {},
    body: { error: { message, type, param: null, code } },
  };
}

/** A whisper-1 `verbose_json` transcription. */
export function transcription(text: string, language = "english"): PeerReply {
  return { body: { task: "transcribe", language, duration: 3.2, text, segments: [] } };
}

/**
 * `apiKey`: when set, requests without `Authorization: Bearer <apiKey>` get OpenAI's 401.
 * `otherwise`: the reply once the queue is used up (a long run's steady answer), instead of a 500.
 * `keepRequests: false` records nothing (a long run would hold every request body).
 */
export async function startOpenAIPeer(
  options: { apiKey?: string; otherwise?: ScriptedReply; keepRequests?: boolean } = {},
): Promise<OpenAIPeer> {
  const requests: PeerRequest[] = [];
  const queue: ScriptedReply[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const request: PeerRequest = { method: req.method, path: url.pathname, headers: req.headers };
      const type = req.headers.get("content-type") ?? "";
      if (type.includes("application/json")) request.json = await req.json();
      else if (type.includes("multipart/form-data")) request.form = await req.formData();
      if (options.keepRequests !== false) requests.push(request);
      if (options.apiKey && req.headers.get("authorization") !== `Bearer ${options.apiKey}`)
        return Response.json(
          apiError(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key").body,
          { status: 401 },
        );
      // The models list (the app's key check): a fixed page of models.
      if (req.method === "GET" && url.pathname === "/v1/models")
        return Response.json({
          object: "list",
          data: ["gpt-4o-mini", "whisper-1"].map((id) => ({
            id,
            object: "model",
            created: 1721172741,
            owned_by: "system",
          })),
        });
      if (req.method !== "POST" || !["/v1/chat/completions", "/v1/audio/transcriptions"].includes(url.pathname)) {
        return Response.json(apiError(404, `Unknown path ${url.pathname}`, "invalid_request_error").body, {
          status: 404,
        });
      }
      const next = queue.shift() ?? options.otherwise;
      const reply =
        typeof next === "function"
          ? next(request)
          : (next ?? apiError(500, "The test scripted no reply for this request."));
      if (reply.delayMs) await Bun.sleep(reply.delayMs);
      return Response.json(reply.body ?? {}, {
        status: reply.status ?? 200,
        headers: { "x-request-id": `req_${requests.length}`, ...reply.headers },
      });
    },
  });
  return {
    baseURL: `http://127.0.0.1:${server.port}/v1`,
    requests,
    reply: (...replies) => void queue.push(...replies),
    close: async () => {
      await server.stop(true);
    },
  };
}
