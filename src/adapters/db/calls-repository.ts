import { and, asc, count, desc, eq, getTableColumns, gte, inArray, or, sql } from "drizzle-orm";
import { callTransitions, type Call, type TranscriptSegment } from "../../domain/calls.ts";
import { nextStates } from "../../domain/state-machine.ts";
import type { Calls } from "../../ports/calls.ts";
import type { Database } from "./database-handle.ts";
import { isUuid, UNNAMED } from "./query-helpers.ts";
import { calls, issues, leads, transcriptSegments } from "./schema.ts";

type CallRow = typeof calls.$inferSelect;
type SegmentRow = typeof transcriptSegments.$inferSelect;

export const toCall = (row: CallRow): Call => ({
  id: row.id,
  providerCallId: row.providerCallId,
  direction: row.direction,
  from: row.from,
  to: row.to,
  leadId: row.leadId,
  status: row.status,
  startedAt: row.startedAt,
  answeredAt: row.answeredAt,
  endedAt: row.endedAt,
  durationSeconds: row.durationSeconds,
  recordingKey: row.recordingKey,
  transcriber: row.transcriber,
  summary: row.summary,
  emergency: row.emergency,
  cardDataHeardAt: row.cardDataHeardAt,
  issueId: row.issueId,
  extracted: row.extracted ?? null,
  corrections: row.corrections ?? {},
  callerCheck: row.callerCheck ?? null,
  correctedBy: row.correctedBy ?? {},
  assistant: row.assistant ?? null,
});

const toSegment = (row: SegmentRow): TranscriptSegment => ({
  id: row.id,
  callId: row.callId,
  track: row.track,
  text: row.text,
  startMs: row.startMs,
  endMs: row.endMs,
  isFinal: row.isFinal,
  confidence: row.confidence,
  createdAt: row.createdAt,
});

/** Calls keyed by the provider's CallSid; recording one twice returns the first. */
export function createCallsRepository(db: Database): Calls {
  // Read by every Twilio webhook and the media stream's start (about 4 times a call): SQL built once.
  const callByProviderId = db
    .select()
    .from(calls)
    .where(eq(calls.providerCallId, sql.placeholder("providerCallId")))
    .prepare(UNNAMED);
  const byProviderId = async (providerCallId: string) => {
    const [row] = await callByProviderId.execute({ providerCallId });
    return row ? toCall(row) : null;
  };
  const callById = db
    .select()
    .from(calls)
    .where(eq(calls.id, sql.placeholder("id")))
    .prepare(UNNAMED);
  // A live call updates its row a few times (its transcriber, each new extraction, its summary)
  // and each status callback advances it: each set of changed fields (and, for `advance`, the
  // number of statuses it may come from) gets its statement built once (a handful of sets, ever).
  const prepareUpdate = (fields: string[], nulls: string[], fromStatuses: number) =>
    db
      .update(calls)
      // Placeholders where the values go: drizzle fills each in and encodes it as its column says
      // (a null is written into the statement: the column encoders do not take one).
      .set({
        ...Object.fromEntries(fields.map((field) => [field, sql.placeholder(`v_${field}`)])),
        ...Object.fromEntries(nulls.map((field) => [field, null])),
        updatedAt: sql.placeholder("updatedAt"),
      } as unknown as Partial<CallRow>)
      .where(
        fromStatuses === 0
          ? eq(calls.id, sql.placeholder("id"))
          : and(
              eq(calls.id, sql.placeholder("id")),
              inArray(
                calls.status,
                Array.from({ length: fromStatuses }, (_, i) => sql.placeholder(`from_${i}`)),
              ),
            ),
      )
      .returning()
      .prepare(UNNAMED);
  const updates = new Map<string, ReturnType<typeof prepareUpdate>>();
  /** Runs `changes` on the call through the statement for their shape; `from` limits the statuses it applies in. */
  const updateCall = async (id: string, changes: Partial<Call>, from: readonly string[] = []) => {
    const { id: _id, providerCallId: _providerCallId, ...allowed } = changes;
    const changed = Object.keys(allowed).filter((field) => allowed[field as keyof typeof allowed] !== undefined);
    const fields = changed.filter((field) => allowed[field as keyof typeof allowed] !== null).sort();
    const nulls = changed.filter((field) => allowed[field as keyof typeof allowed] === null).sort();
    const shape = `${fields.join(",")}|${nulls.join(",")}|${from.length}`;
    let prepared = updates.get(shape);
    if (!prepared) updates.set(shape, (prepared = prepareUpdate(fields, nulls, from.length)));
    const values: Record<string, unknown> = { id, updatedAt: new Date() };
    for (const field of fields) values[`v_${field}`] = allowed[field as keyof typeof allowed];
    from.forEach((status, i) => (values[`from_${i}`] = status));
    const [row] = await prepared.execute(values);
    return row ? toCall(row) : null;
  };
  // A live call's final lines come with their id and time: one insert, its SQL built once.
  const insertLine = db
    .insert(transcriptSegments)
    .values({
      id: sql.placeholder("id"),
      callId: sql.placeholder("callId"),
      track: sql.placeholder("track"),
      text: sql.placeholder("text"),
      startMs: sql.placeholder("startMs"),
      endMs: sql.placeholder("endMs"),
      isFinal: sql.placeholder("isFinal"),
      confidence: sql.placeholder("confidence"),
      createdAt: sql.placeholder("createdAt"),
    })
    .onConflictDoNothing({ target: transcriptSegments.id })
    .returning()
    .prepare(UNNAMED);

  return {
    async placed(id, providerCallId) {
      if (!isUuid(id)) return null;
      const [row] = await db
        .update(calls)
        .set({ providerCallId, updatedAt: new Date() })
        .where(eq(calls.id, id))
        .returning();
      return row ? toCall(row) : null;
    },
    async record(call) {
      const [inserted] = await db
        .insert(calls)
        .values(call)
        .onConflictDoNothing({ target: calls.providerCallId })
        .returning();
      if (inserted) return toCall(inserted);
      const existing = await byProviderId(call.providerCallId);
      if (!existing) throw new Error("calls.record: the call vanished between insert and select");
      return existing;
    },

    async byId(id) {
      if (!isUuid(id)) return null;
      const [row] = await callById.execute({ id });
      return row ? toCall(row) : null;
    },

    byProviderId,

    async update(id, changes) {
      if (!isUuid(id)) return null;
      return updateCall(id, changes as Partial<Call>);
    },

    async advance(id, from, changes) {
      // A status change goes only where the transition table allows, whatever `from` says.
      const to = changes.status;
      const allowedFrom = to ? from.filter((status) => nextStates(callTransitions, status).includes(to)) : from;
      if (!isUuid(id) || allowedFrom.length === 0) return null;
      return updateCall(id, changes as Partial<Call>, allowedFrom);
    },

    async swapCallerCheck(id, from, to, changes = {}) {
      if (!isUuid(id)) return null;
      const unchanged =
        from === null ? sql`${calls.callerCheck} is null` : sql`${calls.callerCheck} = ${JSON.stringify(from)}::jsonb`;
      const [row] = await db
        .update(calls)
        .set({ ...changes, callerCheck: to, updatedAt: new Date() })
        .where(and(eq(calls.id, id), unchanged))
        .returning();
      return row ? toCall(row) : null;
    },

    async correct(id, { field, value, by, at }) {
      if (!isUuid(id)) return null;
      // jsonb || merges at the top level: the other fields' corrections stay as they are.
      const [row] = await db
        .update(calls)
        .set({
          corrections: sql`coalesce(${calls.corrections}, '{}'::jsonb) || jsonb_build_object(${field}::text, ${value}::text)`,
          correctedBy: sql`coalesce(${calls.correctedBy}, '{}'::jsonb) || jsonb_build_object(${field}::text, jsonb_build_object('by', ${by}::text, 'at', ${at.toISOString()}::text))`,
          updatedAt: new Date(),
        })
        .where(eq(calls.id, id))
        .returning();
      return row ? toCall(row) : null;
    },

    async forLead(leadId) {
      if (!isUuid(leadId)) return [];
      const rows = await db.select().from(calls).where(eq(calls.leadId, leadId)).orderBy(desc(calls.startedAt));
      return rows.map(toCall);
    },

    async forIssue(issueId) {
      if (!isUuid(issueId)) return [];
      const opener = db.select({ id: issues.sourceCallId }).from(issues).where(eq(issues.id, issueId));
      const rows = await db
        .select()
        .from(calls)
        .where(or(eq(calls.issueId, issueId), inArray(calls.id, opener)))
        .orderBy(desc(calls.startedAt));
      return rows.map(toCall);
    },

    async awaitingCallerCheck(limit) {
      const rows = await db
        .select({ call: getTableColumns(calls), leadName: leads.name })
        .from(calls)
        .leftJoin(leads, eq(leads.id, calls.leadId))
        .where(sql`${calls.callerCheck}->>'state' = 'pending'`)
        .orderBy(desc(calls.startedAt), desc(calls.id))
        .limit(limit);
      return rows.map((row) => ({ ...toCall(row.call), leadName: row.leadName }));
    },

    async recent({ limit, offset }) {
      const rows = await db
        .select({ call: getTableColumns(calls), leadName: leads.name })
        .from(calls)
        .leftJoin(leads, eq(leads.id, calls.leadId))
        .orderBy(desc(calls.startedAt), desc(calls.id))
        .limit(limit)
        .offset(offset);
      return rows.map((row) => ({ ...toCall(row.call), leadName: row.leadName }));
    },

    async countSince(since) {
      const [row] = await db.select({ n: count() }).from(calls).where(gte(calls.startedAt, since));
      return row?.n ?? 0;
    },

    async addSegment(segment) {
      // A line with its own id may be sent again after a lost answer: the first one stands.
      const [row] =
        segment.id && segment.createdAt
          ? await insertLine.execute({ ...segment, confidence: segment.confidence ?? null })
          : await db
              .insert(transcriptSegments)
              .values(segment)
              .onConflictDoNothing({ target: transcriptSegments.id })
              .returning();
      if (row) return toSegment(row);
      const [existing] = await db.select().from(transcriptSegments).where(eq(transcriptSegments.id, segment.id!));
      return toSegment(existing!);
    },

    async transcript(callId) {
      if (!isUuid(callId)) return [];
      const rows = await db
        .select()
        .from(transcriptSegments)
        .where(eq(transcriptSegments.callId, callId))
        .orderBy(asc(transcriptSegments.startMs), asc(transcriptSegments.track), asc(transcriptSegments.createdAt));
      return rows.map(toSegment);
    },
  };
}
