import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import { createBunPasswords } from "../../src/adapters/local/bun-passwords.ts";
import type { AppDeps } from "../../src/compose/index.ts";
import type { Passwords } from "../../src/ports/passwords.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, ORIGIN } from "../support/test-app.ts";

let repos: OpenDatabase;
const cheap = createBunPasswords({ memoryCost: 1024, timeCost: 1 });
let staff: { email: string; password: string };
const colleagues: string[] = [];

beforeAll(async () => {
  repos = await freshPglite();
  const { deps } = buildTestApp(repos);
  staff = await aStaffUser(deps);
  for (let i = 0; i < 12; i++) colleagues.push((await aStaffUser(deps, `colleague${i}@handy.example`)).email);
}, 60_000);
afterAll(async () => repos?.close());

/** Real (cheap) hashing that counts checks, and how many run at once; `slowMs` holds each check open. */
function countingPasswords(slowMs = 0) {
  const seen = { verified: 0, running: 0, mostAtOnce: 0 };
  const passwords: Passwords = {
    hash: (password) => cheap.hash(password),
    async verify(password, hash) {
      seen.verified++;
      seen.running++;
      seen.mostAtOnce = Math.max(seen.mostAtOnce, seen.running);
      try {
        if (slowMs) await Bun.sleep(slowMs);
        return await cheap.verify(password, hash);
      } finally {
        seen.running--;
      }
    },
  };
  return { passwords, seen };
}

/** POST /login as a browser at `address` would, through a proxy at `peer` when forwardedFor is given. */
function logInFrom(
  app: ReturnType<typeof buildTestApp>["app"],
  fields: Record<string, string>,
  at: { peer?: string; forwardedFor?: string } = {},
) {
  const headers: Record<string, string> = {
    "Content-Type": "application/x-www-form-urlencoded",
    Origin: ORIGIN,
    "Sec-Fetch-Site": "same-origin",
  };
  if (at.forwardedFor) headers["X-Forwarded-For"] = at.forwardedFor;
  // Bun.serve hands the app a server whose requestIP gives the socket's peer; app.request takes it as the env.
  const env = at.peer ? { requestIP: () => ({ address: at.peer!, family: "IPv4", port: 50_000 }) } : undefined;
  return app.request(
    `${ORIGIN}/login`,
    { method: "POST", headers, body: new URLSearchParams(fields).toString(), redirect: "manual" },
    env,
  );
}

const statuses = (responses: Response[]) => responses.map((r) => r.status).sort();
const withSettings = (settings: Partial<AppDeps["settings"]>, passwords?: Passwords) => {
  const base = buildTestApp(repos);
  return buildTestApp(repos, { settings: { ...base.deps.settings, ...settings }, ...(passwords ? { passwords } : {}) });
};

describe("login attempts are counted before the password is checked", () => {
  test("twelve wrong passwords at once for one email: five are checked, seven wait", async () => {
    const { passwords, seen } = countingPasswords();
    const { app } = buildTestApp(repos, { passwords });
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => logInFrom(app, { email: staff.email, password: `wrong guess ${i}` })),
    );
    expect(seen.verified).toBe(5);
    expect(statuses(responses)).toEqual([...Array(5).fill(401), ...Array(7).fill(429)]);
    expect(responses.find((r) => r.status === 429)!.headers.get("Retry-After")).toMatch(/^\d+$/);
  });

  test("a password over 256 characters is refused before anything is hashed", async () => {
    const { passwords, seen } = countingPasswords();
    const { app } = buildTestApp(repos, { passwords });
    const response = await logInFrom(app, { email: staff.email, password: "p".repeat(257) });
    expect(response.status).toBe(422);
    expect(seen.verified).toBe(0);
  });

  test("at most four password checks run at once, however many logins arrive together", async () => {
    const { passwords, seen } = countingPasswords(30);
    const { app } = buildTestApp(repos, { passwords });
    const responses = await Promise.all(
      colleagues.map((email) => logInFrom(app, { email, password: "correct horse battery" })),
    );
    expect(statuses(responses)).toEqual(Array(12).fill(303));
    expect(seen.verified).toBe(12);
    expect(seen.mostAtOnce).toBeLessThanOrEqual(4);
    expect(seen.mostAtOnce).toBeGreaterThan(1);
  });
});

describe("other people's failures do not lock a user out", () => {
  test("failures for other emails from the same address: the right password still gets in", async () => {
    const { app } = buildTestApp(repos);
    for (let i = 0; i < 30; i++) {
      const response = await logInFrom(app, { email: `nobody${i}@handy.example`, password: "a wrong password" });
      expect(response.status).toBe(401);
    }
    expect((await logInFrom(app, { email: staff.email, password: staff.password })).status).toBe(303);
  });

  test("an address guessing one email cannot lock that user out at their own address", async () => {
    const { app } = buildTestApp(repos);
    const attacker = { peer: "198.51.100.1" };
    for (let i = 0; i < 5; i++) {
      expect((await logInFrom(app, { email: staff.email, password: `guess ${i}` }, attacker)).status).toBe(401);
    }
    expect((await logInFrom(app, { email: staff.email, password: "guess 6" }, attacker)).status).toBe(429);
    // Even the right password waits at the guessing address…
    expect((await logInFrom(app, { email: staff.email, password: staff.password }, attacker)).status).toBe(429);
    // …but not at the user's own.
    const own = await logInFrom(app, { email: staff.email, password: staff.password }, { peer: "203.0.113.9" });
    expect(own.status).toBe(303);
  });

  test("guesses spread over many addresses for one email stop at the per-email limit", async () => {
    const { app } = withSettings({ loginLimits: { perAddressAndEmail: 5, perEmail: 10, perAddress: 100 } });
    for (let i = 0; i < 10; i++) {
      const response = await logInFrom(app, { email: staff.email, password: "guess" }, { peer: `198.51.100.${i}` });
      expect(response.status).toBe(401);
    }
    const next = await logInFrom(app, { email: staff.email, password: "guess" }, { peer: "198.51.100.99" });
    expect(next.status).toBe(429);
  });

  test("one address spraying many emails stops at the per-address ceiling", async () => {
    const { app } = withSettings({ loginLimits: { perAddressAndEmail: 5, perEmail: 10, perAddress: 20 } });
    for (let i = 0; i < 20; i++) {
      expect((await logInFrom(app, { email: `spray${i}@handy.example`, password: "Summer2026!" })).status).toBe(401);
    }
    expect((await logInFrom(app, { email: "spray99@handy.example", password: "Summer2026!" })).status).toBe(429);
  });

  test("successful logins do not add up towards any limit", async () => {
    const { app } = withSettings({ loginLimits: { perAddressAndEmail: 2, perEmail: 2, perAddress: 2 } });
    for (let i = 0; i < 6; i++) {
      expect((await logInFrom(app, { email: staff.email, password: staff.password })).status).toBe(303);
    }
  });
});

describe("the client's address behind a proxy", () => {
  const proxy = { peer: "10.0.0.5" };

  test("without TRUSTED_PROXY, X-Forwarded-For is ignored: a client cannot pose as a new address", async () => {
    const { app } = buildTestApp(repos);
    for (let i = 0; i < 5; i++) {
      const response = await logInFrom(
        app,
        { email: staff.email, password: "guess" },
        { ...proxy, forwardedFor: `192.0.2.${i}` },
      );
      expect(response.status).toBe(401);
    }
    const posing = await logInFrom(
      app,
      { email: staff.email, password: staff.password },
      { ...proxy, forwardedFor: "192.0.2.200" },
    );
    expect(posing.status).toBe(429);
  });

  test("with the proxy trusted, each client behind it is counted on its own", async () => {
    const { app } = withSettings({ trustedProxies: ["10.0.0.5"] });
    for (let i = 0; i < 5; i++) {
      const response = await logInFrom(
        app,
        { email: staff.email, password: "guess" },
        { ...proxy, forwardedFor: "192.0.2.1" },
      );
      expect(response.status).toBe(401);
    }
    const sameClient = await logInFrom(
      app,
      { email: staff.email, password: staff.password },
      { ...proxy, forwardedFor: "192.0.2.1" },
    );
    expect(sameClient.status).toBe(429);
    // A client writing its own X-Forwarded-For gets its claim put on the left; the proxy's entry still counts.
    const spoofing = await logInFrom(
      app,
      { email: staff.email, password: staff.password },
      { ...proxy, forwardedFor: "203.0.113.50, 192.0.2.1" },
    );
    expect(spoofing.status).toBe(429);
    const otherClient = await logInFrom(
      app,
      { email: staff.email, password: staff.password },
      { ...proxy, forwardedFor: "192.0.2.2" },
    );
    expect(otherClient.status).toBe(303);
  });
});
