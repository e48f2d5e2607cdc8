/** Any task handler; parameter lists vary per kind and the wrapper only forwards them. */
type Handler = (...args: never[]) => Promise<void>;

/**
 * Runs the handlers one job at a time, paced: after a job the next waits twice as long as that
 * one took (at most 200 ms). The runner claims several due jobs and would run them together; in
 * one process whose database may run in-process (PGlite), a burst of jobs back to back would
 * starve the webhook acknowledgements, which must stay fast (Meta retries slow ones). Paced, the
 * jobs take at most about a third of the event loop during a burst and catch up after it, from
 * the durable record. Each call makes its own queue: handlers wrapped together wait for each
 * other, handlers wrapped apart do not.
 *
 * @example
 * const handlers = pacedSerial({ [SEND_TASK]: send, [MEDIA_TASK]: download });
 */
export function pacedSerial<H extends { [kind: string]: Handler | undefined }>(handlers: H): H {
  let queue: Promise<unknown> = Promise.resolve();
  const serial =
    (handler: Handler): Handler =>
    (...args) => {
      const run = queue.then(async () => {
        const started = performance.now();
        try {
          await handler(...args);
        } finally {
          await Bun.sleep(Math.min(200, 2 * (performance.now() - started)));
        }
      });
      queue = run.catch(() => undefined);
      return run;
    };
  // Same keys, each handler wrapped with its own signature kept: the one cast the generic needs.
  return Object.fromEntries(Object.entries(handlers).map(([kind, handler]) => [kind, handler && serial(handler)])) as H;
}
