import type { VendorCheckOutcome } from "../ports/vendor-check.ts";

/**
 * The HTTP status an SDK's error carries, whichever SDK threw it: twilio (`status`), stripe and
 * deepgram (`statusCode`), openai (`status`), the AWS SDK (`$metadata.httpStatusCode`).
 */
export function httpStatusOf(error: unknown): number | null {
  if (typeof error !== "object" || error === null) return null;
  const e = error as { status?: unknown; statusCode?: unknown; $metadata?: { httpStatusCode?: unknown } };
  for (const value of [e.status, e.statusCode, e.$metadata?.httpStatusCode])
    if (typeof value === "number" && value >= 100 && value < 600) return value;
  return null;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message || error.name : String(error));

/**
 * A key check's failure, classified: 401 and 403 mean the vendor refused the key, so the
 * variable to fix is named; anything else (no connection, a timeout, a 5xx) means it could not
 * be reached or could not answer, and the key is not to blame.
 *
 * @example checkFailure(new Error("fetch failed"), "OPENAI_API_KEY") // { state: "unreachable", … }
 */
export function checkFailure(error: unknown, variable: string, signal?: AbortSignal): VendorCheckOutcome {
  if (signal?.aborted) return { state: "unreachable", reason: "no answer in time" };
  const status = httpStatusOf(error);
  if (status === 401 || status === 403)
    return { state: "refused", variable, reason: `HTTP ${status}: ${messageOf(error).slice(0, 200)}` };
  const reason = messageOf(error).slice(0, 200);
  return { state: "unreachable", reason: status === null ? reason : `HTTP ${status}: ${reason}` };
}

/** Runs a vendor's call and classifies what happened. */
export async function outcomeOf(
  call: () => Promise<unknown>,
  variable: string,
  signal?: AbortSignal,
): Promise<VendorCheckOutcome> {
  try {
    await call();
    return { state: "working" };
  } catch (error) {
    return checkFailure(error, variable, signal);
  }
}
