/** TRUSTED_PROXY through the running server: the configuration, the wiring and Bun's socket address. */
import { afterAll, describe, expect, test } from "bun:test";
import { startLiveServer, type LiveServer } from "../support/running-server.ts";
import { aStaffUser } from "../support/test-app.ts";

const servers: LiveServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

async function loginStatuses(env: Record<string, string>) {
  const server = await startLiveServer(env);
  servers.push(server);
  const staff = await aStaffUser(server.deps);
  const post = (password: string, forwardedFor: string) =>
    fetch(`${server.baseUrl}/login`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: server.baseUrl,
        "Sec-Fetch-Site": "same-origin",
        "X-Forwarded-For": forwardedFor,
      },
      body: new URLSearchParams({ email: staff.email, password }).toString(),
    }).then((r) => r.status);
  for (let i = 0; i < 5; i++) expect(await post("wrong password", "192.0.2.1")).toBe(401);
  return { sameClient: await post(staff.password, "192.0.2.1"), otherClient: await post(staff.password, "192.0.2.2") };
}

describe("the client's address on the running server", () => {
  test("without TRUSTED_PROXY, X-Forwarded-For changes nothing: every try comes from the socket's peer", async () => {
    expect(await loginStatuses({})).toEqual({ sameClient: 429, otherClient: 429 });
  }, 60_000);

  test("with TRUSTED_PROXY naming the proxy, the client is read from X-Forwarded-For", async () => {
    expect(await loginStatuses({ TRUSTED_PROXY: "127.0.0.1" })).toEqual({ sameClient: 429, otherClient: 303 });
  }, 60_000);
});
