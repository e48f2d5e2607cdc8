import { expect, test } from "bun:test";
import { BrokenCircuitError, TaskCancelledError } from "cockatiel";
import { z } from "zod";
import { isTransient } from "../../../src/adapters/resilience/transient.ts";
import { SendError } from "../../../src/ports/messengers.ts";

const withStatus = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });

test("network failures, timeouts, 408, 429 and 5xx are transient; other 4xx, parse errors and an open circuit are not", () => {
  for (const status of [408, 429, 500, 502, 503, 504]) expect(isTransient(withStatus(status))).toBe(true);
  for (const status of [400, 401, 403, 404, 409, 422]) expect(isTransient(withStatus(status))).toBe(false);
  expect(isTransient(Object.assign(new Error("Unable to connect"), { code: "ConnectionRefused" }))).toBe(true);
  expect(isTransient(new TaskCancelledError("timed out"))).toBe(true);
  expect(isTransient(new BrokenCircuitError())).toBe(false);
  expect(isTransient(new SyntaxError("Unexpected token"))).toBe(false);
  expect(isTransient(z.string().safeParse(1).error)).toBe(false);
  // An error that knows (the outbox's SendError) is believed.
  expect(isTransient(new SendError("throttled (HTTP 400, code 130429)", { retryable: true }))).toBe(true);
  expect(isTransient(new SendError("re-engagement needed (HTTP 400, code 131047)", { retryable: false }))).toBe(false);
});
