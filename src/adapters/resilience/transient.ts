import { BrokenCircuitError, TaskCancelledError } from "cockatiel";
import { httpStatusOf } from "../vendor-check-outcome.ts";

/**
 * Whether a failed vendor call may succeed if tried again: the network failed, the call timed
 * out, the vendor throttled (429) or had trouble of its own (5xx, 408). A 4xx such as 400, 401,
 * 403 or 404 will fail the same way every time, and an open circuit is already the answer.
 * An error that says so itself (`retryable`, as SendError does) is taken at its word.
 *
 * @example isTransient(Object.assign(new Error("Service Unavailable"), { status: 503 })) // true
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof BrokenCircuitError) return false;
  if (error instanceof TaskCancelledError) return true;
  const own = (error as { retryable?: unknown } | null)?.retryable;
  if (typeof own === "boolean") return own;
  const status = httpStatusOf(error);
  if (status !== null) return status === 408 || status === 425 || status === 429 || status >= 500;
  // No HTTP status at all: the request never got an answer (refused, reset, DNS, TLS).
  return true;
}
