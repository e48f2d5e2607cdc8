import { afterAll, beforeAll, expect, test } from "bun:test";
import { createOpenAIClient } from "../../../src/adapters/openai/client.ts";
import { CircuitOpenError, createVendorPolicy } from "../../../src/adapters/resilience/vendor-policy.ts";
import { apiError, chatCompletion, startOpenAIPeer, type OpenAIPeer } from "../../support/openai-peer.ts";

let peer: OpenAIPeer;
beforeAll(async () => {
  peer = await startOpenAIPeer();
});
afterAll(() => peer.close());

const fast = {
  vendor: "OpenAI",
  timeoutMs: 2_000,
  retries: 2,
  initialDelayMs: 10,
  maxDelayMs: 50,
  breakAfter: 3,
  halfOpenAfterMs: 300,
};
// The SDK's own retries off: the policy is the only one retrying.
const client = () => createOpenAIClient({ apiKey: "sk-test", baseURL: peer.baseURL, maxRetries: 0 });
const ask = (signal: AbortSignal) =>
  client().chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }, { signal });
const plain503 = {
  status: 503,
  body: { error: { message: "overloaded", type: "server_error", param: null, code: null } },
};

test("503 twice then 200: the call succeeds on its third attempt (loopback openai peer)", async () => {
  const policy = createVendorPolicy(fast);
  const before = peer.requests.length;
  peer.reply(plain503, plain503, chatCompletion("hello"));
  const answer = await policy.run(ask, { retry: true });
  expect(answer.choices[0]?.message.content).toBe("hello");
  expect(peer.requests.length - before).toBe(3);
});

test("400 is not retried: one request, the vendor's refusal thrown (loopback openai peer)", async () => {
  const policy = createVendorPolicy(fast);
  const before = peer.requests.length;
  peer.reply(apiError(400, "bad model", "invalid_request_error"));
  await expect(policy.run(ask, { retry: true })).rejects.toMatchObject({ status: 400 });
  expect(peer.requests.length - before).toBe(1);
});

test("a call that may not be repeated is tried once, even on a 503 (loopback openai peer)", async () => {
  const policy = createVendorPolicy(fast);
  const before = peer.requests.length;
  peer.reply(plain503);
  await expect(policy.run(ask, { retry: false })).rejects.toMatchObject({ status: 503 });
  expect(peer.requests.length - before).toBe(1);
});

test("the circuit opens after 3 failures in a row, fails fast without calling, then half-opens and closes on success (loopback openai peer)", async () => {
  let clock = new Date("2026-12-03T10:42:00Z");
  const policy = createVendorPolicy({ ...fast, now: () => clock });
  peer.reply(plain503, plain503, plain503);
  for (let i = 0; i < 3; i++) await expect(policy.run(ask, { retry: false })).rejects.toMatchObject({ status: 503 });
  expect(policy.circuit()).toEqual({
    state: "open",
    since: new Date("2026-12-03T10:42:00Z"),
    retryAt: new Date("2026-12-03T10:42:00.300Z"),
  });

  const before = peer.requests.length;
  const started = performance.now();
  const refused = await policy.run(ask, { retry: true }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(CircuitOpenError);
  expect((refused as CircuitOpenError).retryable).toBe(true);
  expect(performance.now() - started).toBeLessThan(50);
  expect(peer.requests.length).toBe(before);

  await Bun.sleep(350);
  clock = new Date("2026-12-03T10:42:00.400Z");
  expect(policy.circuit().state).toBe("half-open");
  peer.reply(chatCompletion("back"));
  const answer = await policy.run(ask, { retry: true });
  expect(answer.choices[0]?.message.content).toBe("back");
  expect(policy.circuit()).toEqual({ state: "closed" });
});

test("an attempt that outlasts the timeout is abandoned and, when repeatable, tried again (loopback openai peer)", async () => {
  const policy = createVendorPolicy({ ...fast, timeoutMs: 200 });
  const before = peer.requests.length;
  peer.reply({ ...chatCompletion("late"), delayMs: 1_000 }, chatCompletion("in time"));
  const answer = await policy.run(ask, { retry: true });
  expect(answer.choices[0]?.message.content).toBe("in time");
  expect(peer.requests.length - before).toBe(2);
});
