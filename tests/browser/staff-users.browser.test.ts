/**
 * Staff management in a real browser against the real server: the admin adds a colleague,
 * changes a role through the row's htmx form, and sees the last-admin refusal in the page's
 * message area, with no script errors or refused resources.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  browserTestsEnabled,
  startBrowserWorld,
  type LaunchedBrowser,
  type RunningServer,
  type BrowserWorld,
} from "../support/browser.ts";

const enabled = browserTestsEnabled();
const ADMIN = "boss@handy.example";
const PASSWORD = "kettle-on-for-the-plumber";
const TEST_MS = 15_000;

let world: BrowserWorld | undefined;
let dataDir = "";
let screenshots = "";
let server: RunningServer;
let chrome: LaunchedBrowser;
let page: Page;
const pageProblems: string[] = [];

describe.skipIf(!enabled)("staff management in a real browser", () => {
  beforeAll(async () => {
    world = await startBrowserWorld({
      name: "users",
      user: { email: ADMIN, password: PASSWORD, role: "admin" },
      pageProblems,
      pageTimeoutMs: 5_000,
    });
    ({ dataDir, screenshots, server, chrome, page } = world);
  }, 45_000);

  afterAll(async () => {
    await world?.close();
  });

  test(
    "an admin adds a colleague, makes them an admin, and cannot demote the last admin",
    async () => {
      await page.goto(`${server!.url}/`);
      await Promise.all([page.waitForURL("**/settings/users"), page.click("header.top >> text=Staff")]);
      await page.fill("#field-email", "sam@handy.example");
      await page.fill("#field-name", "Sam");
      await page.fill("#field-password", "a long enough password");
      await Promise.all([page.waitForURL("**/settings/users"), page.click("#add-user button[type=submit]")]);
      const samRow = page.locator("tr", { hasText: "sam@handy.example" });
      await samRow.waitFor();
      expect(await samRow.locator("select[name=role]").inputValue()).toBe("staff");

      // After the htmx post the server answers HX-Redirect and the page reloads with the saved role.
      const roleOf = (email: string, role: string) =>
        page
          .locator("tr", { hasText: email })
          .locator(`select[name=role] option[value="${role}"][selected]`)
          .waitFor({ state: "attached" });
      const setRole = async (email: string, role: string) => {
        const row = page.locator("tr", { hasText: email });
        await row.locator("select[name=role]").selectOption(role);
        await row.getByRole("button", { name: "Set", exact: true }).click();
      };
      await setRole("sam@handy.example", "admin");
      await roleOf("sam@handy.example", "admin");

      // Sam steps down again; then the boss, now the only admin, tries to step down too.
      await setRole("sam@handy.example", "staff");
      await roleOf("sam@handy.example", "staff");
      await setRole(ADMIN, "staff");
      await page.locator("#flash").getByText("is the last active admin").waitFor();
      await page.screenshot({ path: join(screenshots, "staff-users-desktop.png"), fullPage: true });
      expect(pageProblems).toEqual([]);
    },
    TEST_MS,
  );

  test(
    "the audit trail lists those changes, and the search narrows them without a page load",
    async () => {
      await page.goto(`${server!.url}/settings/audit`);
      const results = page.locator("#audit-results");
      await results.getByText("role staff → admin").waitFor();
      await results.getByText("added as staff").waitFor();
      await page.evaluate(() => ((window as unknown as { sbMarker: number }).sbMarker = 1));
      await page.locator('input[name="q"]').pressSequentially("added", { delay: 20 });
      await expect(results.getByText("role staff → admin").waitFor({ state: "detached" })).resolves.toBeUndefined();
      await results.getByText("added as staff").waitFor();
      expect(await page.evaluate(() => (window as unknown as { sbMarker?: number }).sbMarker)).toBe(1);
      await page.screenshot({ path: join(screenshots, "audit-desktop.png"), fullPage: true });
      expect(pageProblems).toEqual([]);
    },
    TEST_MS,
  );

  test(
    "an admin edits the safety advice list through its form: adds a rule with the button, removes one, saves",
    async () => {
      await page.goto(`${server!.url}/settings/safety`);
      const rules = page.locator("#safety-rows fieldset");
      const before = await rules.count();
      await page.getByRole("button", { name: "Add another rule" }).click();
      await rules.nth(before).waitFor();
      const added = rules.nth(before);
      await added.locator("input[name=danger]").fill("Asbestos");
      await added.locator("textarea[name=triggers]").fill("artex, asbestos");
      await added.locator("textarea[name=advice]").fill("Don't drill or sand it; we will test it first.");
      await rules.filter({ hasText: "Gas smell" }).getByLabel("Remove this rule").check();
      await Promise.all([
        page.waitForURL("**/settings/safety?saved=1"),
        page.getByRole("button", { name: "Save the list" }).click(),
      ]);
      await page.getByText("Saved. Calls from now on use this list.").waitFor();
      const legends = await page.locator("#safety-rows legend").allInnerTexts();
      expect(legends).toContain("Asbestos");
      expect(legends).not.toContain("Gas smell");
      await page.screenshot({ path: join(screenshots, "safety-settings.png"), fullPage: true });
      expect(pageProblems).toEqual([]);
    },
    TEST_MS,
  );
});
