import type { Context } from "hono";
import type { AppEnv } from "./deps.ts";

/** "::ffff:10.0.0.1", as a dual-stack socket reports an IPv4 peer, is 10.0.0.1. */
const plain = (address: string) => address.trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");

/**
 * Who is really asking. Without trusted proxies, the connection's peer: X-Forwarded-For is
 * anyone's to write, so it is ignored. With them, the header is read from the right (each proxy
 * appends the address it was reached from) while the address in hand is a trusted proxy's; the
 * first one that is not is the client. Entries further left were written by the client itself.
 * @example clientAddressFrom("10.0.0.5", "198.51.100.7, 10.0.0.5", ["10.0.0.5"]) // "198.51.100.7"
 */
export function clientAddressFrom(peer: string | null, forwardedFor: string | undefined, trusted: readonly string[]) {
  let address = peer ? plain(peer) : "unknown";
  if (trusted.length === 0 || !forwardedFor) return address;
  const hops = forwardedFor.split(",").map(plain).filter(Boolean);
  while (trusted.includes(address) && hops.length > 0) address = hops.pop()!;
  // A key for counting, not an address to trust: bounded, whatever a client wrote.
  return address.slice(0, 64);
}

type BunServer = { requestIP?: (request: Request) => { address: string } | null };

/** The client's address for this request (app.request in tests has no socket: "unknown"). */
export function clientAddress(c: Context<AppEnv>): string {
  const server = c.env as BunServer | undefined;
  const peer = server?.requestIP?.(c.req.raw)?.address ?? null;
  return clientAddressFrom(peer, c.req.header("X-Forwarded-For"), c.get("deps").settings.trustedProxies);
}
