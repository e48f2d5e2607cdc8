/**
 * Counts failed logins per key (email, and client address) in a sliding window.
 * In memory: Switchboard runs as one process; a restart forgets, which only helps a
 * legitimate user who was locked out.
 */
export interface LoginLimiter {
  /** Seconds to wait before trying again, or 0 when the key may try now. */
  retryAfter(key: string, now: Date): number;
  recordFailure(key: string, now: Date): void;
  reset(key: string): void;
}

export function createLoginLimiter(options: { attempts: number; windowMinutes: number }): LoginLimiter {
  const windowMs = options.windowMinutes * 60_000;
  const failures = new Map<string, number[]>();
  const recent = (key: string, now: Date) => {
    const kept = (failures.get(key) ?? []).filter((t) => now.getTime() - t < windowMs);
    if (kept.length === 0) failures.delete(key);
    else failures.set(key, kept);
    return kept;
  };
  return {
    retryAfter(key, now) {
      const kept = recent(key, now);
      if (kept.length < options.attempts) return 0;
      return Math.ceil((kept[0]! + windowMs - now.getTime()) / 1000);
    },
    recordFailure(key, now) {
      const kept = recent(key, now);
      kept.push(now.getTime());
      failures.set(key, kept.slice(-options.attempts));
    },
    reset(key) {
      failures.delete(key);
    },
  };
}
