/**
 * WhatsApp's customer service window: for 24 hours after the customer's last message a business
 * may send anything; outside it, only a Meta-approved template. SMS has no such window.
 */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

export type WindowState = { open: true; closesAt: Date } | { open: false; lastInboundAt: Date | null };

/**
 * @example customerServiceWindow(new Date("2026-11-27T10:00Z"), new Date("2026-11-27T12:00Z"))
 * // { open: true, closesAt: 2026-11-28T10:00Z }
 */
export function customerServiceWindow(lastInboundAt: Date | null, now: Date): WindowState {
  if (!lastInboundAt) return { open: false, lastInboundAt: null };
  const closesAt = new Date(lastInboundAt.getTime() + WINDOW_MS);
  return closesAt.getTime() > now.getTime() ? { open: true, closesAt } : { open: false, lastInboundAt };
}
