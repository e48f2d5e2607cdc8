import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Repositories } from "../../src/ports/database.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";

let repos: Repositories;
let browser: ReturnType<typeof testBrowser>;

beforeAll(async () => {
  repos = await freshPglite();
  const world = buildTestApp(repos);
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
}, 30_000);
afterAll(async () => repos?.close());

test("with no OpenAI key, the Integrations page says extraction runs on the offline rules", async () => {
  const { html } = await browser.page("/settings/integrations");
  const row = html.slice(html.indexOf(">OpenAI<"), html.indexOf(">WisprFlow<"));
  expect(row).toContain("extraction runs on the offline rules");
  expect(row).toContain("voice notes are kept, playable, but not transcribed");
  expect(html).not.toContain("no AI extraction");
});
