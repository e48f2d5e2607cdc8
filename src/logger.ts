import pino, { type Logger } from "pino";

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

/** JSON lines in production; readable lines in development. */
export function createLogger(options: { level: string; pretty: boolean }): Logger {
  return pino({
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    ...(options.pretty
      ? {
          transport: {
            target: "pino-pretty",
            options: { colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" },
          },
        }
      : {}),
  });
}

export type { Logger };
