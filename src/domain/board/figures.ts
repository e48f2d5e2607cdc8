import type { CallStatus } from "../calls.ts";
import type { Pence } from "../money.ts";

/** A call on the wall board: a TV is public to the room, so the caller is shown by the number's last three digits only. */
export interface BoardCall {
  status: CallStatus;
  startedAt: Date;
  emergency: boolean;
  /** "•••123", or null when the number was withheld. */
  caller: string | null;
}

/** An engineer out on a visit today: their name (staff, not a customer) and how far along. */
export interface BoardEngineer {
  name: string;
  status: "en_route" | "on_site";
  /** When the visit last changed (set off, arrived). */
  since: Date;
}

/**
 * What the office wall board shows, as the database computed it at one moment (aggregate
 * queries: src/adapters/db/reports/board-figures.ts).
 */
export interface BoardFigures {
  /** Calls ringing or being talked on now; `shown` is the newest few of them. */
  liveCalls: { count: number; shown: BoardCall[] };
  /** Missed calls not yet called or messaged back (nor marked followed up), of the last RECOVERY_DAYS days. */
  missedWaiting: { count: number; oldestAt: Date | null };
  /** Open jobs marked emergency. */
  emergenciesOpen: number;
  /** Today's visits (London day) under way. */
  engineers: { enRoute: number; onSite: number; shown: BoardEngineer[] };
  /** Money taken today (London day): every payment, and the deposits among them. */
  money: { paidPence: Pence; paidCount: number; depositsPence: Pence; depositsCount: number };
}

/** How many live calls and engineers the board lists by name; the counts cover all of them. */
export const BOARD_LIST_LIMIT = 8;

/**
 * A number for a screen the whole room can read: its last three digits only.
 * @example maskedCaller("+447700900123") // "•••123"
 */
export const maskedCaller = (number: string | null | undefined): string | null => {
  const digits = (number ?? "").replace(/\D/g, "");
  return digits.length >= 3 ? `•••${digits.slice(-3)}` : null;
};
