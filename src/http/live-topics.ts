import { HTTPException } from "hono/http-exception";

/**
 * What a page can listen to on `/live`: the calls list, the inbox, the dispatch board, one call, or one lead's
 * conversation. `name` is the topic as written on the wire ("call:<id>"); every event on the
 * stream carries it, so the browser can route it to the page parts that listen to that topic.
 */
export type LiveTopic =
  | { kind: "calls"; name: "calls" }
  | { kind: "inbox"; name: "inbox" }
  | { kind: "schedule"; name: "schedule" }
  | { kind: "call"; name: string; id: string }
  | { kind: "lead"; name: string; id: string };

/** More would only be a page asking for everything at once; a page needs one or two. */
export const MAX_TOPICS = 20;

const TOPIC = /^(?:(calls|inbox|schedule)|(call|lead):([A-Za-z0-9-]{1,64}))$/;

/** One topic as written in `?topic=`, or null when it is none of the five kinds. */
export function parseTopic(raw: string): LiveTopic | null {
  const match = TOPIC.exec(raw);
  if (!match) return null;
  if (match[1] === "calls") return { kind: "calls", name: "calls" };
  if (match[1] === "inbox") return { kind: "inbox", name: "inbox" };
  if (match[1] === "schedule") return { kind: "schedule", name: "schedule" };
  const kind = match[2] as "call" | "lead";
  return { kind, name: raw, id: match[3]! };
}

/** The query's topics, de-duplicated; 400 with the reason when one is missing, unknown or too many. */
export function topicsOf(raw: string[]): LiveTopic[] {
  if (raw.length === 0)
    throw new HTTPException(400, {
      message: "Name at least one topic: ?topic=calls, inbox, schedule, call:<id> or lead:<id>.",
    });
  const topics = new Map<string, LiveTopic>();
  for (const text of raw) {
    const topic = parseTopic(text);
    if (!topic)
      throw new HTTPException(400, {
        message: `Unknown topic "${text.slice(0, 80)}": use calls, inbox, schedule, call:<id> or lead:<id>.`,
      });
    topics.set(topic.name, topic);
  }
  if (topics.size > MAX_TOPICS)
    throw new HTTPException(400, { message: `At most ${MAX_TOPICS} topics on one stream.` });
  return [...topics.values()];
}

/**
 * Where a viewer is in each topic, written "calls=12,call:<id>=40": the stream's event id (so a
 * browser reconnecting sends it back as Last-Event-ID) and the `after` a page was drawn at.
 */
export type Cursors = Map<string, number>;

/** The cursors in `text`, or null when it is not in that form. */
export function parseCursors(text: string): Cursors | null {
  const cursors: Cursors = new Map();
  if (text.trim() === "") return cursors;
  for (const part of text.split(",")) {
    const at = part.lastIndexOf("=");
    const topic = parseTopic(part.slice(0, at).trim());
    const id = Number(part.slice(at + 1));
    if (at < 0 || !topic || !Number.isSafeInteger(id) || id < 0) return null;
    cursors.set(topic.name, id);
  }
  return cursors;
}

export const cursorsText = (cursors: Cursors): string => [...cursors].map(([topic, id]) => `${topic}=${id}`).join(",");
