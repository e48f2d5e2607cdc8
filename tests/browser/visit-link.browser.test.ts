/**
 * The customer's visit link in a real browser at a phone's width (390 × 844), against the real
 * server: a visit booked on the running server's database carries its link in the booked
 * notice; the customer opens it, sees their first name and the slot with nothing sideways,
 * confirms, then asks for another time; a made-up link is "Visit not found".
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { openDatabase } from "../../src/adapters/db/open.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { bookVisit } from "../../src/domain/scheduling/book-visit.ts";
import { addLondonDays, londonInstant, londonWallTime } from "../../src/domain/scheduling/london-clock.ts";
import { VISIT_NOTICE_TASK } from "../../src/domain/scheduling/visit-notices.ts";
import { browserTestsEnabled, startBrowserWorld, type BrowserWorld } from "../support/browser.ts";
import { sidewaysProblems } from "../support/phone-width.ts";
import { alicePipe } from "../support/engineers.ts";
import { aLeadWithJob, LEEDS_JOB } from "../support/jobs.ts";

const enabled = browserTestsEnabled();
const PHONE = { width: 390, height: 844 };
const TEST_MS = 20_000;

let world: BrowserWorld | undefined;
let page: Page;
let linkPath = "";
const pageProblems: string[] = [];

/** The next weekday at least two days ahead, 10:00–12:00 London. */
function nextWeekdaySlot(now: Date) {
  let date = addLondonDays(londonWallTime(now).date, 2);
  while (londonWallTime(londonInstant(date, 600)).weekday > 4) date = addLondonDays(date, 1);
  return { startsAt: londonInstant(date, 10 * 60), endsAt: londonInstant(date, 12 * 60) };
}

describe.skipIf(!enabled)("the customer's visit link on a phone", () => {
  beforeAll(async () => {
    world = await startBrowserWorld({
      name: "visit-link",
      user: { email: "office@handy.example", password: "kettle-on-for-the-plumber" },
      pageProblems,
      logIn: false,
      viewport: PHONE,
    });
    page = world.page;
    // The job and its visit, put in through the running server's database (a second connection).
    const repos = await openDatabase({ dataDir: world.dataDir });
    try {
      const engineer = await repos.engineers.create(alicePipe({ email: "alice@engineers.example" }));
      const { issue } = await aLeadWithJob(repos, {
        lead: {
          name: "Bartholomew Featherstonehaugh-Wolstenholme",
          phone: "+447700900777" as E164,
          address: LEEDS_JOB.address,
          postcode: LEEDS_JOB.postcode,
          source: "manual",
        },
        issue: LEEDS_JOB,
      });
      const slot = nextWeekdaySlot(new Date());
      const booked = await bookVisit(
        { ...repos, now: () => new Date() },
        { issueId: issue.id, engineerId: engineer.userId, ...slot },
        { who: "office@handy.example" },
      );
      if (!booked.ok) throw new Error(booked.message);
      // The link as the booked notice carries it (only its hash is on the visit).
      const task = await repos.tasks.byKey(
        VISIT_NOTICE_TASK,
        `${booked.value.id}:booked:${slot.startsAt.toISOString()}`,
      );
      linkPath = (task!.payload as { link: string }).link;
    } finally {
      await repos.close();
    }
  }, 90_000);

  afterAll(async () => {
    await world?.close();
  });

  test(
    "the customer sees their first name and the slot, confirms, then asks for another time, all at phone width",
    async () => {
      await page.goto(`${world!.server.url}${linkPath}`);
      await page.getByRole("heading", { name: "Bartholomew, your visit" }).waitFor();
      const body = await page.locator("body").innerText();
      expect(body).toMatch(/\w+day \d{1,2} \w+, 10:00–12:00/);
      for (const personal of ["Featherstonehaugh", "Headingley", "7700", "Dripping tap"])
        expect(body).not.toContain(personal);
      expect(await page.evaluate(sidewaysProblems)).toEqual([]);
      await page.screenshot({ path: join(world!.screenshots, "visit-link-phone.png"), fullPage: true });

      await Promise.all([
        page.waitForURL(`**${linkPath}`),
        page.getByRole("button", { name: "Confirm this visit" }).click(),
      ]);
      await page.getByRole("status").getByText("your visit is confirmed").waitFor();
      expect(await page.getByRole("button", { name: "Confirm this visit" }).count()).toBe(0);

      await page.getByLabel("A better time for you (optional)").fill("Any afternoon next week");
      await page.getByRole("button", { name: "Ask for another time" }).click();
      await page.getByRole("status").getByText("we have your request for another time").waitFor();
      expect(await page.evaluate(sidewaysProblems)).toEqual([]);
      await page.screenshot({ path: join(world!.screenshots, "visit-link-asked-phone.png"), fullPage: true });
      expect(pageProblems).toEqual([]);
    },
    TEST_MS,
  );

  test(
    "a made-up link says there is no visit there",
    async () => {
      const response = await page.goto(`${world!.server.url}/a/${"x".repeat(22)}`);
      expect(response?.status()).toBe(404);
      await page.getByRole("heading", { name: "Visit not found" }).waitFor();
      expect(await page.evaluate(sidewaysProblems)).toEqual([]);
    },
    TEST_MS,
  );
});
