/**
 * The report pages in Chromium against the real server, on the demo data (`seed-demo`): each
 * page draws its charts with no console error, the range picker works without script help, and
 * at a phone's width nothing spills sideways.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { browserTestsEnabled, startBrowserWorld, type BrowserWorld } from "../support/browser.ts";
import { sidewaysProblems } from "../support/phone-width.ts";

const enabled = browserTestsEnabled();
const USER = { email: "owner@handy.example", password: "figures-at-a-glance" };
const pageProblems: string[] = [];
/** Every console error, not only the CSP refusals watchForPageProblems looks for. */
const consoleErrors: string[] = [];
let world: BrowserWorld;

describe.skipIf(!enabled)("report pages in a real browser", () => {
  beforeAll(async () => {
    world = await startBrowserWorld({ name: "reports", user: USER, pageProblems, seedDemo: true });
    world.page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
  }, 120_000);
  afterAll(async () => world?.close());

  test("the menu leads to Reports, and each report draws its charts with no console error", async () => {
    const { page, server } = world;
    await page.goto(`${server.url}/`);
    await Promise.all([page.waitForURL("**/reports"), page.click('nav[aria-label="Sections"] >> text=Reports')]);
    for (const [name, charts] of [
      ["calls", 4],
      ["jobs", 5],
      ["money", 3],
    ] as const) {
      await page.goto(`${server.url}/reports/${name}?range=this_vat_quarter`);
      const drawn = page.locator("figure.chart-figure svg.chart");
      expect(await drawn.count()).toBe(charts);
      // Drawn at the card's width, keeping the chart's proportions (viewBox 720 × 320).
      const box = (await drawn.first().boundingBox())!;
      expect(box.width).toBeGreaterThan(300);
      expect(Math.abs(box.height / box.width - 320 / 720)).toBeLessThan(0.02);
      expect(await page.locator(".report-table table").count()).toBeGreaterThan(2);
      await page.screenshot({ path: join(world.screenshots, `report-${name}-desktop.png`), fullPage: true });
    }
    expect(consoleErrors).toEqual([]);
    expect(pageProblems).toEqual([]);
  }, 60_000);

  test("the range picker changes the period and keeps it on the CSV links", async () => {
    const { page, server } = world;
    await page.goto(`${server.url}/reports/money`);
    await page.selectOption('select[name="range"]', "last_month");
    await Promise.all([page.waitForURL(/range=last_month/), page.click("text=Show")]);
    const csv = await page.locator('a:text-is("CSV")').first().getAttribute("href");
    expect(csv).toContain("range=last_month");
    await page.selectOption('select[name="range"]', "custom");
    await page.fill('input[name="from"]', "2026-01-01");
    await page.fill('input[name="to"]', "2026-03-31");
    await Promise.all([page.waitForURL(/from=2026-01-01/), page.click("text=Show")]);
    await expect(page.locator("main").textContent()).resolves.toContain("1 Jan 2026 – 31 Mar 2026");
    expect(consoleErrors).toEqual([]);
  }, 30_000);

  test("at a phone's width the charts shrink to fit and nothing spills sideways", async () => {
    const { page, server } = world;
    await page.setViewportSize({ width: 390, height: 844 });
    for (const name of ["calls", "jobs", "money"]) {
      await page.goto(`${server.url}/reports/${name}?range=this_vat_quarter`);
      const box = (await page.locator("svg.chart").first().boundingBox())!;
      expect(box.width).toBeLessThanOrEqual(390);
      expect({ name, problems: await page.evaluate(sidewaysProblems) }).toEqual({ name, problems: [] });
      await page.screenshot({ path: join(world.screenshots, `report-${name}-phone.png`), fullPage: true });
    }
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});
