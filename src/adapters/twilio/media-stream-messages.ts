import { z } from "zod";

/**
 * Twilio Media Streams messages, as Twilio documents them (all numbers arrive as strings).
 * Audio: base64 G.711 µ-law, 8 kHz, mono; `timestamp` is ms since the stream started.
 */
const numeric = z.union([z.string(), z.number()]).transform(Number).pipe(z.number().finite().nonnegative());

const connected = z.object({ event: z.literal("connected"), protocol: z.string(), version: z.string() });

const start = z.object({
  event: z.literal("start"),
  sequenceNumber: numeric,
  streamSid: z.string().min(1),
  start: z.object({
    accountSid: z.string(),
    streamSid: z.string().min(1),
    callSid: z.string().min(1),
    tracks: z.array(z.enum(["inbound", "outbound"])).min(1),
    customParameters: z.record(z.string(), z.string()).default({}),
    mediaFormat: z.object({ encoding: z.string(), sampleRate: z.number(), channels: z.number() }),
  }),
});

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const media = z.object({
  event: z.literal("media"),
  sequenceNumber: numeric,
  streamSid: z.string().min(1),
  media: z.object({
    track: z.enum(["inbound", "outbound"]),
    chunk: numeric,
    timestamp: numeric,
    payload: z.string().regex(BASE64, "payload is not base64"),
  }),
});

const mark = z.object({
  event: z.literal("mark"),
  sequenceNumber: numeric,
  streamSid: z.string(),
  mark: z.object({ name: z.string() }),
});

const dtmf = z.object({
  event: z.literal("dtmf"),
  sequenceNumber: numeric,
  streamSid: z.string(),
  dtmf: z.object({ track: z.string(), digit: z.string() }),
});

const stop = z.object({
  event: z.literal("stop"),
  sequenceNumber: numeric,
  streamSid: z.string(),
  stop: z.object({ accountSid: z.string(), callSid: z.string() }),
});

export const mediaStreamMessage = z.discriminatedUnion("event", [connected, start, media, mark, dtmf, stop]);
export type MediaStreamMessage = z.infer<typeof mediaStreamMessage>;
export type StartMessage = z.infer<typeof start>;

/** Parses one WebSocket text frame; a readable reason when it is not a message we know. */
export function parseMediaStreamMessage(
  raw: string,
): { ok: true; message: MediaStreamMessage } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: "not JSON" };
  }
  const fast = asMediaMessage(json);
  if (fast) return { ok: true, message: fast };
  const parsed = mediaStreamMessage.safeParse(json);
  if (parsed.success) return { ok: true, message: parsed.data };
  const event = (json as { event?: unknown } | null)?.event;
  const issue = parsed.error.issues[0];
  return {
    ok: false,
    reason:
      typeof event === "string" && !["connected", "start", "media", "mark", "dtmf", "stop"].includes(event)
        ? `unknown event "${event}"`
        : `${issue?.path.join(".")}: ${issue?.message}`,
  };
}

type MediaMessage = z.infer<typeof media>;

/** A number or a numeric string, finite and not negative, as `numeric` above reads it; else null. */
function numericValue(value: unknown): number | null {
  const n = typeof value === "string" || typeof value === "number" ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/**
 * The media message, checked by hand by the same rules as the schema: it comes 100 times a second
 * per call, and zod's copy of each was most of the garbage a call made. The parsed JSON becomes
 * the message itself (its numbers converted in place). Anything else, and any media message
 * that fails a rule, goes to the schema (which also says why).
 */
function asMediaMessage(json: unknown): MediaMessage | null {
  if (typeof json !== "object" || json === null) return null;
  const message = json as Record<string, unknown>;
  if (message.event !== "media" || typeof message.streamSid !== "string" || message.streamSid === "") return null;
  const body = message.media;
  if (typeof body !== "object" || body === null) return null;
  const fields = body as Record<string, unknown>;
  const sequenceNumber = numericValue(message.sequenceNumber);
  const chunk = numericValue(fields.chunk);
  const timestamp = numericValue(fields.timestamp);
  if (sequenceNumber === null || chunk === null || timestamp === null) return null;
  if (
    (fields.track !== "inbound" && fields.track !== "outbound") ||
    typeof fields.payload !== "string" ||
    !BASE64.test(fields.payload)
  )
    return null;
  message.sequenceNumber = sequenceNumber;
  fields.chunk = chunk;
  fields.timestamp = timestamp;
  return message as MediaMessage;
}
