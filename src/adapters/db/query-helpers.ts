const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids come from URLs; a malformed one finds nothing rather than making Postgres throw. */
export const isUuid = (value: string): boolean => UUID.test(value);

/** Escapes %, _ and \ so user text matches literally inside LIKE. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * A query read on every live call (several times a call): drizzle builds its SQL once, not per
 * use, which was most of the client's CPU per query. Prepared per drizzle handle, with a name
 * unique to the query (PostgreSQL keeps named statements per connection).
 */
export const PREPARED = {
  callById: "sb_call_by_id",
  leadById: "sb_lead_by_id",
  setting: "sb_setting",
} as const;
