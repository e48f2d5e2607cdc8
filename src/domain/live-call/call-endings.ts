/**
 * Calls this process is still responsible for: a media stream that is open, or a call whose end
 * is still being processed (the last transcript results, the last extraction, filing the lead
 * and the job). Shutdown waits for them, bounded, before it closes the database, so a call that
 * ends while the server stops is still filed.
 *
 * @example
 * const endings = createCallEndings();
 * endings.add(liveCall.stop());
 * await endings.drain(10_000); // at shutdown: 0 when everything was finished
 */
export interface CallEndings {
  /** Keeps `work` until it settles (resolved or rejected: either way it is no longer pending). */
  add(work: Promise<unknown>): void;
  readonly pending: number;
  /**
   * Resolves once nothing is pending, work added meanwhile included, or when `timeoutMs` have
   * passed, with how many were still pending.
   */
  drain(timeoutMs: number): Promise<number>;
}

export function createCallEndings(): CallEndings {
  const pending = new Set<Promise<void>>();
  return {
    add(work) {
      const settled: Promise<void> = work.then(
        () => undefined,
        () => undefined,
      );
      pending.add(settled);
      void settled.then(() => pending.delete(settled));
    },
    get pending() {
      return pending.size;
    },
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (pending.size > 0) {
        const left = deadline - Date.now();
        if (left <= 0) break;
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([Promise.all(pending), new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
        clearTimeout(timer);
        // Let the settled entries remove themselves before looking again.
        await Promise.resolve();
      }
      return pending.size;
    },
  };
}
