import { BrokenCircuitError, TaskCancelledError } from "cockatiel";
import { httpStatusOf } from "../vendor-check-outcome.ts";

/**
 * Whether a failed vendor call may succeed if tried again: the network failed, the call timed
 * out, the vendor throttled (429) or had trouble of its own (5xx, 408). A 4xx such as 400, 401,
 * 403 or 404 will fail the same way every time, and an open circuit is already the answer.
 * An error that says so itself (`retryable`, as SendError does) is taken at its word; an error
 * with neither a status nor the marks of a failed connection (a parse error, a bug) is not transient.
 *
 * @example isTransient(Object.assign(new Error("Service Unavailable"), { status: 503 })) // true
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof BrokenCircuitError) return false;
  if (error instanceof TaskCancelledError) return true;
  // SendError (the outbox's) keeps it in `options`; CircuitOpenError on itself.
  const marked = error as { retryable?: unknown; options?: { retryable?: unknown } } | null;
  const own = marked?.retryable ?? marked?.options?.retryable;
  if (typeof own === "boolean") return own;
  const status = httpStatusOf(error);
  if (status !== null) return status === 408 || status === 425 || status === 429 || status >= 500;
  // No HTTP status: transient only when the request never got an answer (refused, reset, DNS,
  // a timeout). Anything else (an answer that does not parse, a bug) fails the same way again.
  return isNetworkFailure(error);
}

/** The SDKs' and fetch's ways of saying the connection failed or timed out. */
const NETWORK_NAMES = /^(APIConnectionError|APIConnectionTimeoutError|StripeConnectionError|TimeoutError|FetchError)$/;
const NETWORK_CODES =
  /ECONNREFUSED|ECONNRESET|ECONNABORTED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|ConnectionRefused|ConnectionClosed|FailedToOpenSocket|UND_ERR/;

function isNetworkFailure(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; type?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.name === "string" && NETWORK_NAMES.test(e.name)) return true;
  if (e.type === "StripeConnectionError") return true;
  if (typeof e.code === "string" && NETWORK_CODES.test(e.code)) return true;
  if (typeof e.message === "string" && /fetch failed|Unable to connect|socket hang up|timed out/i.test(e.message))
    return true;
  return e.cause !== undefined && e.cause !== error && isNetworkFailure(e.cause);
}
