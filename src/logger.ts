import pino, { type DestinationStream, type Logger } from "pino";
import { databaseErrorForLog } from "./adapters/db/pg-errors.ts";

/**
 * Secrets and personal data never reach the logs: credentials, cookies, and the
 * fields that identify a caller (name, phone, email, address, what they said).
 */
export const REDACTED_PATHS = [
  "password",
  "passwordHash",
  "token",
  "secret",
  "authorization",
  "cookie",
  "name",
  "phone",
  "email",
  "address",
  "postcode",
  "text",
  "body",
  "from",
  "to",
  "*.password",
  "*.passwordHash",
  "*.token",
  "*.secret",
  "*.name",
  "*.phone",
  "*.email",
  "*.address",
  "*.postcode",
  "*.text",
  "*.body",
  "*.from",
  "*.to",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-twilio-signature"]',
  'req.headers["stripe-signature"]',
  'req.headers["x-hub-signature-256"]',
  'res.headers["set-cookie"]',
];

/**
 * Errors as pino writes them, except database errors: those are logged by code, constraint,
 * table and column only, since their text carries the query's parameters (an SMS body, a search).
 */
export const errorForLog = (error: unknown) => databaseErrorForLog(error) ?? pino.stdSerializers.err(error as Error);

/** JSON lines in production; readable lines in development. `destination` is for tests that read the lines. */
export function createLogger(options: { level: string; pretty: boolean; destination?: DestinationStream }): Logger {
  const settings = {
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    serializers: { err: errorForLog, error: errorForLog },
    ...(options.pretty
      ? {
          transport: {
            target: "pino-pretty",
            options: { colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" },
          },
        }
      : {}),
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

export type { Logger };
