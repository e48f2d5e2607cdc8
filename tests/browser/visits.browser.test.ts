/**
 * "Book a visit" in a real browser against the real server, on the demo data (four engineers
 * with a week of visits): staff pick the offered slot, see the visit on the issue page without
 * a reload, then cancel it; the command line refuses a bad engineer with a readable line.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  browserTestsEnabled,
  runCli,
  startBrowserWorld,
  type BrowserWorld,
  type RunningServer,
} from "../support/browser.ts";

const enabled = browserTestsEnabled();
const STAFF = "office@handy.example";
const PASSWORD = "kettle-on-for-the-plumber";
const TEST_MS = 20_000;

let world: BrowserWorld | undefined;
let server: RunningServer;
let page: Page;
let screenshots = "";
const pageProblems: string[] = [];

describe.skipIf(!enabled)("booking a visit in a real browser", () => {
  beforeAll(async () => {
    world = await startBrowserWorld({
      name: "visits",
      user: { email: STAFF, password: PASSWORD },
      pageProblems,
      seedDemo: true,
    });
    ({ server, page, screenshots } = world);
  }, 90_000);

  afterAll(async () => {
    await world?.close();
  });

  test(
    "engineer add on the command line refuses an unknown trade in one readable line, and adds a good one",
    async () => {
      const bad = await runCli(
        ["engineer", "add", "new@engineers.example", "--name", "Newt", "--trade", "wizardry", "--password", PASSWORD],
        world!.env,
      );
      expect(bad.code).toBe(1);
      expect(bad.stderr.trim()).toStartWith('Unknown trade "wizardry": choose from plumbing, heating');
      const good = await runCli(
        [
          "engineer",
          "add",
          "new@engineers.example",
          "--name",
          "Newt",
          "--trade",
          "glazing",
          "--postcode",
          "ls6 1ab",
          "--password",
          PASSWORD,
        ],
        world!.env,
      );
      expect(good.code).toBe(0);
      expect(good.stdout).toContain(
        "Created engineer Newt <new@engineers.example>: glazing; Mon–Fri 08:00–17:00; home LS6 1AB; phone not given.",
      );
    },
    TEST_MS,
  );

  test(
    "staff book the first offered slot for an electrical job, see it on the page, and cancel it",
    async () => {
      await page.goto(`${server.url}/issues`);
      await Promise.all([
        page.waitForURL("**/issues/*"),
        page.getByRole("link", { name: "Replace bathroom extractor fan" }).first().click(),
      ]);
      const visits = page.locator("#visits");
      await visits.getByText("Book a visit").waitFor();
      const offers = visits.locator("label.choice");
      expect(await offers.count()).toBeGreaterThan(0);
      // Aisha Khan is the demo's only electrician.
      for (const offer of await offers.allInnerTexts()) expect(offer).toContain("Aisha Khan");
      const firstOffer = (await offers.first().innerText()).split(" — ")[0]!;
      await page.evaluate(() => ((window as unknown as { sbMarker: number }).sbMarker = 1));
      await visits.getByRole("button", { name: "Book visit" }).click();
      await visits.getByRole("status").getByText(`Booked: ${firstOffer}.`).waitFor();
      const booked = visits.locator("ul.visits li", { hasText: "Aisha Khan" });
      await booked.getByText("Booked", { exact: true }).waitFor();
      expect(await booked.innerText()).toContain(firstOffer);
      // The job's status line follows, swapped out of band.
      await page.locator("#issue-status", { hasText: "Scheduled" }).waitFor();
      expect(await page.locator("#issue-status").count()).toBe(1);
      // Swapped in place: no page load happened.
      expect(await page.evaluate(() => (window as unknown as { sbMarker?: number }).sbMarker)).toBe(1);
      await page.screenshot({ path: join(screenshots, "visit-booked.png"), fullPage: true });

      await booked.getByRole("button", { name: "Cancel visit" }).click();
      await visits.locator("ul.visits li .badge.cancelled").waitFor();
      expect(pageProblems).toEqual([]);
    },
    TEST_MS,
  );
});
