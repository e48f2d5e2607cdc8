/**
 * When to try a failed job again: exponential backoff from `baseMs`, capped at `maxDelayMs`,
 * with up to a fifth of random spread so many failures do not retry in lockstep.
 * Null once `maxAttempts` have failed: the job is given up and shown to staff.
 */
export interface RetryPolicy {
  baseMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 5_000, maxDelayMs: 60 * 60_000, maxAttempts: 12 };

export function nextAttemptAt(
  policy: RetryPolicy,
  attemptsSoFar: number,
  now: Date,
  random: () => number = Math.random,
): Date | null {
  if (attemptsSoFar >= policy.maxAttempts) return null;
  const delay = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, attemptsSoFar - 1));
  return new Date(now.getTime() + Math.round(delay * (1 + random() * 0.2)));
}
