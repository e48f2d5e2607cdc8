/**
 * The dispatch board in real browsers against the real server, on the demo data, at tablet
 * width (768 px): one staff member books a queued job, moves it and cancels it through the
 * board's panel and by dragging its card; a second staff browser (its own Chromium profile) sees every change without a
 * reload, and its stale form is refused and shown the visit as it stands.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  browserTestsEnabled,
  launchChromium,
  logInThroughForm,
  startBrowserWorld,
  watchForPageProblems,
  type BrowserWorld,
  type LaunchedBrowser,
  type RunningServer,
} from "../support/browser.ts";

const enabled = browserTestsEnabled();
const STAFF = "office@handy.example";
const PASSWORD = "kettle-on-for-the-plumber";
const TABLET = { width: 768, height: 1024 };
const JOB = "Replace bathroom extractor fan";
const TEST_MS = 40_000;

let world: BrowserWorld | undefined;
let other: LaunchedBrowser | undefined;
let server: RunningServer;
let page: Page;
let second: Page;
let screenshots = "";
const pageProblems: string[] = [];

/** A weekday three weeks on (London), clear of the demo's week of visits. */
function aWeekdayAhead(): string {
  const at = new Date(Date.now() + 21 * 86_400_000);
  while ([0, 6].includes(at.getUTCDay())) at.setUTCDate(at.getUTCDate() + 1);
  return at.toISOString().slice(0, 10);
}

const card = (p: Page) => p.locator("table.dispatch td > a", { hasText: JOB });

describe.skipIf(!enabled)("the dispatch board in real browsers", () => {
  beforeAll(async () => {
    world = await startBrowserWorld({
      name: "schedule",
      user: { email: STAFF, password: PASSWORD },
      pageProblems,
      seedDemo: true,
      viewport: TABLET,
    });
    ({ server, page, screenshots } = world);
    other = await launchChromium({ viewport: TABLET });
    second = await other.context.newPage();
    second.setDefaultTimeout(8_000);
    watchForPageProblems(second, pageProblems);
    await logInThroughForm(second, server.url, STAFF, PASSWORD);
  }, 90_000);

  afterAll(async () => {
    await other?.close();
    await world?.close();
  });

  test(
    "book from the queue, move, a stale form refused, cancel: each seen live in the other browser",
    async () => {
      const day = aWeekdayAhead();
      const board = `${server.url}/schedule?view=week&date=${day}`;
      await Promise.all([page.goto(board), second.goto(board)]);
      await page.getByRole("link", { name: "Schedule" }).first().waitFor({ state: "attached" });
      // Usable at tablet width: the page itself does not scroll sideways (the board scrolls in its own box).
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.locator("table.dispatch th[scope=row]", { hasText: "Aisha Khan" }).waitFor();

      // Book the queued job onto Aisha, 11:00–12:00, three weeks on.
      const queued = page.locator(".queue li", { hasText: JOB });
      await queued.getByRole("link", { name: "Book" }).click();
      const panel = page.locator("#visit-panel");
      await panel.getByRole("button", { name: "Book visit" }).waitFor();
      await panel.locator("select[name=engineerId]").selectOption({ label: "Aisha Khan" });
      await panel.locator("input[name=date]").fill(day);
      await panel.locator("input[name=start]").fill("11:00");
      await panel.locator("input[name=end]").fill("12:00");
      await panel.getByRole("button", { name: "Book visit" }).click();
      await panel.getByRole("status").getByText(`Booked ${JOB}`).waitFor();
      await card(page).getByText("11:00–12:00").waitFor();
      await page.locator(".queue li", { hasText: JOB }).waitFor({ state: "detached" });
      // The other browser hears it: no reload there.
      await second.evaluate(() => ((window as unknown as { sbMarker: number }).sbMarker = 1));
      await card(second).getByText("11:00–12:00").waitFor();
      expect(await second.locator(".queue li", { hasText: JOB }).count()).toBe(0);

      // The second browser opens the visit now (version 1) and leaves its form open.
      await card(second).click();
      await second.locator("#visit-panel").getByRole("button", { name: "Move visit" }).waitFor();

      // The first moves it to 13:00–14:00: the second's board follows.
      await card(page).click();
      await panel.getByRole("button", { name: "Move visit" }).waitFor();
      await panel.locator("input[name=start]").fill("13:00");
      await panel.locator("input[name=end]").fill("14:00");
      await panel.getByRole("button", { name: "Move visit" }).click();
      await panel.getByRole("status").getByText("Moved:").waitFor();
      await card(second).getByText("13:00–14:00").waitFor();
      await page.screenshot({ path: join(screenshots, "board-tablet.png"), fullPage: true });

      // The second's form is stale: refused, told so, and shown where the visit is now.
      const stalePanel = second.locator("#visit-panel");
      await stalePanel.locator("input[name=start]").fill("09:00");
      await stalePanel.locator("input[name=end]").fill("10:00");
      await stalePanel.getByRole("button", { name: "Move visit" }).click();
      await stalePanel.getByRole("alert").getByText("Someone changed this visit meanwhile").waitFor();
      expect(await stalePanel.locator("input[name=start]").inputValue()).toBe("13:00");
      expect(await card(second).innerText()).toContain("13:00–14:00");
      await second.screenshot({ path: join(screenshots, "board-stale.png"), fullPage: true });

      // Dragged onto Tom's row (no electrical work): refused beside the panel, the card stays put.
      const cell = (p: Page, engineer: string, date: string) =>
        p.locator("table.dispatch tr", { hasText: engineer }).locator(`td[data-date="${date}"]`);
      await card(page).dragTo(cell(page, "Tom Haigh", day));
      await panel.getByRole("alert").getByText("Tom Haigh does not do electrical").waitFor();
      expect(await cell(page, "Aisha Khan", day).innerText()).toContain("13:00–14:00");
      // Dragged to Aisha's day before (a weekday: the week's first day is a Monday, the visit's not it
      // unless it is, then the day after): same times, moved, and the second browser follows.
      const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
      const step = weekday === 1 ? 1 : -1;
      const otherDay = new Date(Date.parse(`${day}T12:00:00Z`) + step * 86_400_000).toISOString().slice(0, 10);
      await card(page).dragTo(cell(page, "Aisha Khan", otherDay));
      await panel
        .getByRole("status")
        .getByText("Moved:")
        .waitFor()
        .catch(async (error) => {
          await page.screenshot({ path: join(screenshots, "drag-failed.png"), fullPage: true });
          throw new Error(`the panel says: ${await panel.innerHTML()}`, { cause: error });
        });
      await cell(second, "Aisha Khan", otherDay).locator("a", { hasText: JOB }).waitFor();

      // Cancelled in the first: gone from the second's board and back on its queue.
      await card(page).click();
      await panel.getByRole("button", { name: "Cancel visit" }).click();
      await panel.getByRole("status").getByText("Cancelled:").waitFor();
      await card(second).waitFor({ state: "detached" });
      await second.locator(".queue li", { hasText: JOB }).waitFor();
      expect(await second.evaluate(() => (window as unknown as { sbMarker?: number }).sbMarker)).toBe(1);
      expect(pageProblems).toEqual([]);
    },
    TEST_MS,
  );
});
