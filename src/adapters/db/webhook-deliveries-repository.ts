import { count, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { DeliveryState, WebhookDeliveries, WebhookDelivery } from "../../ports/messages.ts";
import type { Database } from "./database-handle.ts";
import { isUuid } from "./query-helpers.ts";
import { rowsOf } from "./messages-repository.ts";
import { tasks, webhookDeliveries } from "./schema.ts";

type DeliveryRow = typeof webhookDeliveries.$inferSelect;

const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  provider: row.provider,
  body: row.body,
  state: row.state as DeliveryState,
  detail: row.detail,
  receivedAt: row.receivedAt,
  processedAt: row.processedAt,
});

/** Webhook deliveries; recording one stores its processing job in the same statement. */
export function createWebhookDeliveriesRepository(db: Database): WebhookDeliveries {
  return {
    async record(provider, body, taskKind, at) {
      // One statement, one round trip: the acknowledgement waits on nothing else.
      const result = await db.execute(sql`
        with d as (
          insert into ${webhookDeliveries} (provider, body, received_at) values (${provider}, ${body}, ${at.toISOString()}::timestamptz)
          returning id
        ), j as (
          insert into ${tasks} (kind, key, payload, next_attempt_at)
          select ${taskKind}, d.id::text, jsonb_build_object('deliveryId', d.id), ${at.toISOString()}::timestamptz from d
        )
        select id from d`);
      const [row] = rowsOf<{ id: string }>(result);
      if (!row) throw new Error("webhookDeliveries.record: nothing was stored");
      return row.id;
    },

    async byId(id) {
      if (!isUuid(id)) return null;
      const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
      return row ? toDelivery(row) : null;
    },

    async finish(id, state, detail, at) {
      if (!isUuid(id)) return;
      await db
        .update(webhookDeliveries)
        .set({ state, detail: detail?.slice(0, 2000) ?? null, processedAt: at })
        .where(eq(webhookDeliveries.id, id));
    },

    async recent(states, limit) {
      const rows = await db
        .select()
        .from(webhookDeliveries)
        .where(inArray(webhookDeliveries.state, states))
        .orderBy(desc(webhookDeliveries.receivedAt))
        .limit(limit);
      return rows.map(toDelivery);
    },

    async countByState(since) {
      const rows = await db
        .select({ state: webhookDeliveries.state, n: count() })
        .from(webhookDeliveries)
        .where(gte(webhookDeliveries.receivedAt, since))
        .groupBy(webhookDeliveries.state);
      return Object.fromEntries(rows.map((r) => [r.state, r.n]));
    },
  };
}
