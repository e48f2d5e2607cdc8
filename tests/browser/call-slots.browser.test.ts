/**
 * Booking a visit while the caller is still on the line, in a real browser against the real
 * server: an engineer near the caller added through the command line, "Simulate a call" on the
 * dashboard (the boiler-leak tenant in NW1, played in real time), the live page's "Book a visit"
 * panel filling in once the extractor has heard the trade and postcode, a slot picked and
 * "Booked: …" shown before the call ends, then the call filed under the job that holds the visit.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { browserTestsEnabled, runCli, startBrowserWorld, type BrowserWorld } from "../support/browser.ts";

const enabled = browserTestsEnabled();
const STAFF = "office@handy.example";
const PASSWORD = "kettle-on-for-the-plumber";

let world: BrowserWorld | undefined;
let page: Page;
let screenshots = "";
const pageProblems: string[] = [];

describe.skipIf(!enabled)("booking a visit from a live call in a real browser", () => {
  beforeAll(async () => {
    world = await startBrowserWorld({ name: "call-slots", user: { email: STAFF, password: PASSWORD }, pageProblems });
    ({ page, screenshots } = world);
    const added = await runCli(
      [
        "engineer",
        "add",
        "sam@engineers.example",
        "--name",
        "Sam Boiler",
        "--trade",
        "heating",
        "--postcode",
        "NW1 5LR",
        "--password",
        PASSWORD,
      ],
      world.env,
    );
    if (added.code !== 0) throw new Error(`engineer add failed:\n${added.stdout}${added.stderr}`);
  }, 90_000);

  afterAll(async () => {
    await world?.close();
  });

  test("the panel offers slots once trade and postcode are heard; staff book one before the caller hangs up; the filed job holds the visit", async () => {
    const form = page.locator("form[action='/simulate-call']");
    await form.locator("select[name=fixture]").selectOption("boiler-leak-tenant");
    await Promise.all([
      page.waitForURL(/\/calls\/[0-9a-f-]{36}$/, { timeout: 10_000 }),
      form.getByRole("button", { name: "Simulate a call" }).click(),
    ]);
    const slots = page.locator("#call-slots");
    // Drawn at once, waiting for what the caller has not said yet.
    await slots.getByText("Free slots show here once the caller has given").waitFor({ timeout: 10_000 });

    // The boiler (heating) comes about 24 s in; the postcode before it. The panel fills in by itself.
    const offers = slots.locator("label.choice");
    await offers.first().waitFor({ timeout: 30_000 });
    expect(await offers.count()).toBe(3);
    for (const offer of await offers.allInnerTexts()) expect(offer).toContain("Sam Boiler");
    expect(await page.locator("#call-status .badge").textContent()).not.toBe("Completed");

    // Staff pick the second offer, and it stays picked while the caller talks on (204s, no redraw).
    await offers.nth(1).locator("input").check();
    const picked = (await offers.nth(1).innerText()).split(" — ")[0]!;
    await slots.getByRole("button", { name: "Book this slot" }).click();
    const booked = slots.getByRole("status");
    await booked.waitFor();
    expect(await booked.innerText()).toBe(`Booked: ${picked} with Sam Boiler (heating)`);
    // Confirmed while the call is still live, so the caller hears it.
    expect(await page.locator("#call-status .badge").textContent()).not.toBe("Completed");
    // The job the call opened shows at once.
    await page.locator("#intake-note a").waitFor();
    const openedJob = await page.locator("#intake-note a").getAttribute("href");
    expect(await page.locator("#intake-note").innerText()).toStartWith("Job opened:");
    await page.screenshot({ path: join(screenshots, "call-slot-booked.png"), fullPage: true });

    // The call ends and is filed: still one job, the one with the visit, still booked on the page.
    await page.locator("#call-status .badge", { hasText: "Completed" }).waitFor({ timeout: 45_000 });
    await page.waitForTimeout(1_500);
    expect(await slots.getByRole("status").innerText()).toBe(`Booked: ${picked} with Sam Boiler (heating)`);
    const jobLink = page.locator("#intake-note a");
    expect(await jobLink.count()).toBe(1);
    expect(await jobLink.getAttribute("href")).toBe(openedJob);
    expect(await page.locator("#intake-note").innerText()).toStartWith("Job opened:");
    await Promise.all([page.waitForURL("**/issues/*"), jobLink.click()]);
    const visit = page.locator("#visits ul.visits li", { hasText: "Sam Boiler" });
    await visit.waitFor();
    expect(await visit.innerText()).toContain(picked);
    expect(await page.locator("#issue-status").innerText()).toBe("Scheduled");
    await page.screenshot({ path: join(screenshots, "call-slot-job.png"), fullPage: true });
    expect(pageProblems).toEqual([]);
  }, 90_000);
});
