import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Repositories } from "../../src/ports/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { ORIGIN, buildTestApp } from "../support/test-app.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
}, 30_000);
afterAll(async () => repos?.close());

const directives = (response: Response) =>
  new Map(
    (response.headers.get("Content-Security-Policy") ?? "")
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .map(([name, ...values]) => [name!, values.join(" ")]),
  );

describe("Content-Security-Policy", () => {
  test("pages forbid <base>, posting elsewhere, being framed and plugins; scripts and styles stay as they were", async () => {
    const csp = directives(await world.app.request(`${ORIGIN}/login`));
    expect(csp.get("base-uri")).toBe("'none'");
    // Our public address too: posts are answered with redirects to it (PUBLIC_BASE_URL).
    expect(csp.get("form-action")).toBe(`'self' ${new URL(world.deps.settings.publicBaseUrl).origin}`);
    expect(csp.get("frame-ancestors")).toBe("'none'");
    expect(csp.get("object-src")).toBe("'none'");
    expect(csp.get("default-src")).toBe("'self'");
    expect(csp.get("style-src")).toBe("'self' 'unsafe-inline'");
  });

  test("the quote page may post on to Stripe's hosted checkout, and nowhere else", async () => {
    const response = await world.app.request(`${ORIGIN}/q/AAAAAAAAAAAAAAAAAAAAAAAA`);
    expect(directives(response).get("form-action")).toBe(
      `'self' ${new URL(world.deps.settings.publicBaseUrl).origin} https://checkout.stripe.com`,
    );
  });
});

describe("a route's own Referrer-Policy is kept", () => {
  test("the customer's quote page sends no referrer (its URL holds the token)", async () => {
    const response = await world.app.request(`${ORIGIN}/q/AAAAAAAAAAAAAAAAAAAAAAAA`);
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
  });

  test("a signed file link sends no referrer", async () => {
    const stored = await world.deps.blobStore.put(
      "documents/test/a.pdf",
      new Uint8Array([37, 80, 68, 70]),
      "application/pdf",
    );
    const link = new URL(await world.deps.blobStore.downloadUrl(stored.key, 60));
    const response = await world.app.request(`${ORIGIN}${link.pathname}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
  });

  test("other pages keep same-origin, which the cross-site check relies on", async () => {
    const response = await world.app.request(`${ORIGIN}/login`);
    expect(response.headers.get("Referrer-Policy")).toBe("same-origin");
  });
});
