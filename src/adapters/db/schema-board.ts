import { index, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";

// ---- The office wall board's read-only links (issue 17, item 5) ----
// Re-exported by schema.ts, which drizzle-kit reads.

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * Links that open the wall board on a screen with no staff login. The token (128 random bits)
 * is in the URL only: the row keeps its SHA-256, so a copy of the database opens no board.
 */
export const boardLinks = pgTable(
  "board_links",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    /** SHA-256 (hex) of the token. */
    tokenHash: text("token_hash").notNull(),
    /** The screen it is for ("Office TV"). */
    label: text("label").notNull(),
    /** The admin's email. */
    createdBy: text("created_by").notNull(),
    createdAt: at("created_at").notNull(),
    revokedAt: at("revoked_at"),
    revokedBy: text("revoked_by"),
  },
  (t) => [unique("board_links_token_hash_unique").on(t.tokenHash), index("board_links_created_idx").on(t.createdAt)],
);
