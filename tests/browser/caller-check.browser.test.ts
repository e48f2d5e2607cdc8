/**
 * "Check caller" in a real browser: the demo morning (seed-demo) gives +447700900456 to Priya
 * Shah of Shah Lettings; "Simulate a call" plays the shipped landlord call from that number,
 * where David Patel speaks. The live call page says so while he is still on the line, staff
 * choose "A different customer" there and then, and the call's job lands under David Patel.
 *
 * Screenshots go to $SCREENSHOT_DIR, else a fresh folder under the system temp folder.
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

const EMAIL = "calls@handy.example";
const PASSWORD = "who-is-on-the-line-today";

let world: BrowserWorld | undefined;
let dataDir = "";
let screenshots = "";
let server: RunningServer;
let chrome: LaunchedBrowser;
let page: Page;
const pageProblems: string[] = [];

describe.skipIf(!enabled)("a caller on another customer's number, in the browser", () => {
  beforeAll(async () => {
    world = await startBrowserWorld({
      name: "caller",
      user: { email: EMAIL, password: PASSWORD },
      pageProblems,
      seedDemo: true,
    });
    ({ dataDir, screenshots, server, chrome, page } = world);
  }, 90_000);

  afterAll(async () => {
    await world?.close();
  });

  test("the live page says who is who at once; choosing a different customer files the job under David Patel", async () => {
    const form = page.locator("form[action='/simulate-call']");
    await form.locator("select[name=fixture]").selectOption("extractor-fan-landlord");
    await Promise.all([
      page.waitForURL(/\/calls\/[0-9a-f-]{36}$/, { timeout: 10_000 }),
      form.getByRole("button", { name: "Simulate a call" }).click(),
    ]);
    const callPath = new URL(page.url()).pathname;
    await expect(page.locator("#caller-name").textContent()).resolves.toBe("Priya Shah");

    // While David is still speaking: the notice, with the three answers.
    const notice = page.locator("#caller-check .caller-check");
    await notice.waitFor({ timeout: 30_000 });
    expect((await notice.innerText()).replace(/\s+/g, " ")).toContain(
      "Caller says David Patel; this number belongs to Priya Shah, Shah Lettings",
    );
    expect(await page.locator("#call-status .badge").textContent()).not.toBe("Completed");
    for (const answer of ["Same customer", "Another contact at this number", "A different customer"])
      await notice.getByRole("button", { name: answer }).waitFor();
    await page.screenshot({ path: join(screenshots, "caller-check-notice.png"), fullPage: true });

    // The dashboard, in a second tab, flags it meanwhile.
    const dashboard = await chrome!.context.newPage();
    await dashboard.goto(`${server!.url}/`);
    await dashboard.locator(`#callers-to-check a[href="${callPath}"]`).waitFor();
    await dashboard.close();

    const different = notice.locator("form", { has: page.getByRole("button", { name: "A different customer" }) });
    expect(await different.locator("input[name=name]").inputValue()).toBe("David Patel");
    await different.getByRole("button", { name: "A different customer" }).click();
    await page.locator("#caller-check", { hasText: "A different customer: David Patel, a new lead" }).waitFor();
    await page.locator("#caller-name", { hasText: "David Patel" }).waitFor();

    // The call ends and its job is opened under the customer chosen.
    await page.locator("#call-status .badge", { hasText: "Completed" }).waitFor({ timeout: 45_000 });
    const job = page.locator("#intake-note a");
    await job.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(screenshots, "caller-check-chosen.png"), fullPage: true });
    await Promise.all([page.waitForURL(/\/issues\/[0-9a-f-]{36}$/), job.click()]);
    const customer = (await page.locator("aside").first().innerText()).replace(/\s+/g, " ");
    expect(customer).toContain("David Patel");
    expect(customer).not.toContain("Priya Shah");
    expect(await page.locator(`a[href="${callPath}"]`).count()).toBeGreaterThan(0);
    expect(pageProblems).toEqual([]);
  }, 120_000);
});
