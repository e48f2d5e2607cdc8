/** The slice of a logger the domain uses (pino's shape): structured fields first, then a message. */
export interface Log {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * The same log with `fields` on every line (as pino's child loggers do), for work about one
 * call or one webhook event: `withFields(log, { eventId })`.
 */
export const withFields = (log: Log, fields: object): Log => ({
  debug: (more, message) => log.debug({ ...fields, ...more }, message),
  info: (more, message) => log.info({ ...fields, ...more }, message),
  warn: (more, message) => log.warn({ ...fields, ...more }, message),
  error: (more, message) => log.error({ ...fields, ...more }, message),
});
