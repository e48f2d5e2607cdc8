/**
 * What the run left behind, counted against the ledger: rows in PostgreSQL, objects in the S3
 * server, and requests at the Twilio, Meta and Deepgram peers.
 */
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import type { Ledger } from "./traffic.ts";
import type { SoakCounts, Tally } from "./verdict.ts";
import type { SoakWorld } from "./world.ts";

const CLOSED = ["completed", "interrupted", "busy", "no-answer", "failed", "canceled"];

/** Every key in the bucket. */
async function storedKeys(world: SoakWorld): Promise<Set<string>> {
  const s3 = new S3Client({
    endpoint: world.s3.endpoint,
    region: "eu-west-2",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }, // s3rver knows this key only
  });
  const keys = new Set<string>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: world.s3.bucket, ContinuationToken: token }));
    for (const object of page.Contents ?? []) if (object.Key) keys.add(object.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  s3.destroy();
  return keys;
}

/** How many times each id was found, as a tally against the accepted ids. */
function tally(accepted: Iterable<string>, found: Map<string, number>): Tally {
  const ids = [...accepted];
  const missing = ids.filter((id) => !found.get(id));
  return {
    accepted: ids.length,
    found: ids.length - missing.length,
    duplicated: ids.reduce((sum, id) => sum + Math.max(0, (found.get(id) ?? 0) - 1), 0),
    missingSample: missing.slice(0, 5),
  };
}

const countsBy = (rows: { id: string; n: number }[]) => new Map(rows.map((r) => [r.id, Number(r.n)]));
const digits = (value: string) => value.replace(/\D/g, "");

async function messagesStored(world: SoakWorld, channel: string, ids: string[]) {
  return countsBy(
    await world.sql<{ id: string; n: number }[]>`
      select provider_id as id, count(*)::int as n from messages
      where channel = ${channel} and direction = 'inbound' and provider_id = any(${ids}) group by provider_id`,
  );
}

/** Outbound messages in the database, each looked for at the peer that should have received it. */
async function outbound(world: SoakWorld): Promise<SoakCounts["outbound"]> {
  const sent = new Map<string, number>();
  const add = (key: string) => sent.set(key, (sent.get(key) ?? 0) + 1);
  for (const r of world.twilio.requests)
    if (r.method === "POST" && r.path.endsWith("/Messages.json")) add(`sms|${digits(r.form.To ?? "")}|${r.form.Body}`);
  for (const r of world.meta.requests)
    if (r.method === "POST" && r.path.endsWith("/messages") && r.json?.type === "text")
      add(`whatsapp|${digits(String(r.json.to ?? ""))}|${r.json.text?.body}`);
  const rows = await world.sql<{ channel: string; address: string | null; body: string | null; status: string }[]>`
    select channel, address, body, status from messages where direction = 'outbound'`;
  const result = { queued: rows.length, sentOnce: 0, sentTwice: 0, lost: 0, failedNotSent: 0 };
  for (const row of rows) {
    const n = sent.get(`${row.channel}|${digits(row.address ?? "")}|${row.body}`) ?? 0;
    if (n === 1) result.sentOnce++;
    else if (n > 1) result.sentTwice++;
    else if (row.status === "failed") result.failedNotSent++;
    else result.lost++;
  }
  return result;
}

/** Finals the peer sent to connections that closed at the kill, in the second before it. */
function inFlightAtKill(world: SoakWorld, killedAt: number | null): number {
  if (killedAt === null) return 0;
  let n = 0;
  for (const c of world.deepgram.connections) {
    if (c.closedAt === null || c.closedAt < killedAt || c.closedAt > killedAt + 3_000) continue;
    n += c.finalAt.filter((at) => at >= killedAt - 1_000 && at <= killedAt + 100).length;
  }
  return n;
}

export async function countEverything(
  world: SoakWorld,
  ledger: Ledger,
  memory: SoakCounts["memory"],
  killedAt: number | null,
): Promise<SoakCounts> {
  const { sql } = world;
  const keys = await storedKeys(world);
  const callSids = [...ledger.calls];
  const calls = await sql<{ sid: string; status: string; recording_key: string | null }[]>`
    select provider_call_id as sid, status, recording_key from calls where provider_call_id = any(${callSids})`;
  const stripe = countsBy(
    await sql<{ id: string; n: number }[]>`
      select event_id as id, count(*)::int as n from processed_webhook_events
      where provider = 'stripe' and event_id = any(${[...ledger.stripe]}) group by event_id`,
  );
  const media = await sql<{ id: string; key: string | null }[]>`
    select provider_id as id, media_key as key from messages where provider_id = any(${[...ledger.whatsappMedia]})`;
  const [final] = await sql<{ stored: number; distinct: number }[]>`
    select count(*)::int as stored, count(distinct (call_id, track, start_ms, text))::int as distinct
    from transcript_segments where is_final`;

  const recordingsFound = new Map<string, number>();
  for (const c of calls) if (c.recording_key && keys.has(c.recording_key)) recordingsFound.set(c.sid, 1);
  const mediaFound = new Map<string, number>();
  for (const m of media) if (m.key && keys.has(m.key)) mediaFound.set(m.id, (mediaFound.get(m.id) ?? 0) + 1);
  const closed = calls.filter((c) => CLOSED.includes(c.status));

  return {
    webhooks: {
      whatsapp: tally(ledger.whatsapp, await messagesStored(world, "whatsapp", [...ledger.whatsapp])),
      sms: tally(ledger.sms, await messagesStored(world, "sms", [...ledger.sms])),
      stripe: tally(ledger.stripe, stripe),
      "twilio voice": tally(ledger.calls, countsBy(calls.map((c) => ({ id: c.sid, n: 1 })))),
    },
    transcript: {
      sentByPeer: world.deepgram.connections.reduce((sum, c) => sum + c.finals.length, 0),
      stored: final!.stored,
      duplicated: final!.stored - final!.distinct,
      inFlightAtKill: inFlightAtKill(world, killedAt),
    },
    outbound: await outbound(world),
    recordings: tally(ledger.recordings.keys(), recordingsFound),
    media: tally(ledger.whatsappMedia, mediaFound),
    calls: {
      accepted: callSids.length,
      closed: closed.length,
      openSample: calls.filter((c) => !CLOSED.includes(c.status)).map((c) => `${c.sid} (${c.status})`),
      byStatus: calls.reduce<Record<string, number>>((by, c) => ({ ...by, [c.status]: (by[c.status] ?? 0) + 1 }), {}),
    },
    objectsStored: keys.size,
    memory,
  };
}

/** Work still to finish: jobs due or running (by kind), calls not closed, messages waiting to be sent. */
export async function workLeft(
  world: SoakWorld,
): Promise<{ jobs: number; jobKinds: string; openCalls: number; outbox: number }> {
  const [row] = await world.sql<{ open_calls: number; outbox: number }[]>`
    select
      (select count(*)::int from calls where status not in ${world.sql(CLOSED)}) as open_calls,
      (select count(*)::int from messages where direction = 'outbound' and status in ('queued', 'sending')) as outbox`;
  const kinds = await world.sql<{ kind: string; n: number; claimed: number }[]>`
    select kind, count(*)::int as n, count(*) filter (where locked_until > now())::int as claimed
    from jobs where done_at is null and failed_at is null group by kind order by kind`;
  return {
    jobs: kinds.reduce((sum, k) => sum + k.n, 0),
    jobKinds: kinds.map((k) => `${k.kind} ${k.n}${k.claimed ? ` (${k.claimed} claimed)` : ""}`).join(", "),
    openCalls: row!.open_calls,
    outbox: row!.outbox,
  };
}
