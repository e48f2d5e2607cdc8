/**
 * The engineer's phone view in a real browser at phone width, against the real server: the
 * office books a visit for a new engineer (added on the command line, working round the clock so
 * the visit falls today whenever the test runs); the engineer logs in on a phone, lands on My
 * day, sets off, arrives, writes a note, takes a photo and finishes, each swapped in place; the
 * office sees the photo on the job's page; the calendar address serves a feed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { PNG } from "pngjs";
import type { Page } from "playwright-core";
import {
  browserTestsEnabled,
  launchChromium,
  logInThroughForm,
  runCli,
  startBrowserWorld,
  watchForPageProblems,
  type BrowserWorld,
  type LaunchedBrowser,
} from "../support/browser.ts";
import { sidewaysProblems } from "../support/phone-width.ts";

const enabled = browserTestsEnabled();
const OFFICE = "office@handy.example";
const ENGINEER = "pat.plumb@engineers.example";
const PASSWORD = "kettle-on-for-the-plumber";
const PHONE = { width: 390, height: 844 };
const TEST_MS = 30_000;

let world: BrowserWorld | undefined;
let phone: LaunchedBrowser | undefined;
let office: Page;
let engineer: Page;
let visitId = "";
let issueUrl = "";
const pageProblems: string[] = [];

/** A 1200×900 PNG, as a phone camera's photo (smaller, but bigger than a thumbnail). */
function aPhoto() {
  const png = new PNG({ width: 1200, height: 900 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([30, 120, 200, 255], i);
  return PNG.sync.write(png);
}

describe.skipIf(!enabled)("the engineer's day on a phone", () => {
  beforeAll(async () => {
    world = await startBrowserWorld({
      name: "my-day",
      user: { email: OFFICE, password: PASSWORD },
      pageProblems,
      seedDemo: true,
    });
    office = world.page;
    const added = await runCli(
      [
        "engineer",
        "add",
        ENGINEER,
        "--name",
        "Pat Plumb",
        "--trade",
        "plumbing",
        "--postcode",
        "LS6 1AB",
        "--hours",
        "00:00-24:00",
        "--hours",
        "sat=00:00-24:00",
        "--hours",
        "sun=00:00-24:00",
        "--password",
        PASSWORD,
      ],
      world.env,
    );
    if (added.code !== 0) throw new Error(added.stderr);
    phone = await launchChromium({ viewport: PHONE });
    engineer = await phone.context.newPage();
    engineer.setDefaultTimeout(8_000);
    watchForPageProblems(engineer, pageProblems);
  }, 120_000);

  afterAll(async () => {
    await phone?.close();
    await world?.close();
  });

  test(
    "the office books Pat on a new plumbing job with access notes",
    async () => {
      const { url } = world!.server;
      await office.goto(`${url}/issues/new`);
      await office.selectOption("select[name=leadId]", { index: 1 });
      await office.fill("input[name=title]", "Kitchen tap dripping");
      await office.selectOption("select[name=category]", "plumbing");
      await office.fill("input[name=address]", "14 Cardigan Road, Leeds");
      await office.fill("input[name=postcode]", "LS6 1AB");
      await office.fill("textarea[name=accessNotes]", "Key with the neighbour at no. 16");
      await Promise.all([office.waitForURL(/\/issues\/[0-9a-f-]{36}$/), office.click("button:has-text('Save issue')")]);
      issueUrl = office.url();
      const visits = office.locator("#visits");
      // Pat works round the clock, so the soonest offer that is Pat's falls today.
      await visits.locator("label.choice", { hasText: "Pat Plumb" }).first().locator("input").check();
      await visits.getByRole("button", { name: "Book visit" }).click();
      const booked = visits.locator("ul.visits li", { hasText: "Pat Plumb" });
      await booked.waitFor();
      visitId = (await booked.getAttribute("id"))!.replace("visit-", "");
      expect(visitId).toMatch(/^[0-9a-f-]{36}$/);
    },
    TEST_MS,
  );

  test(
    "Pat logs in on a phone, lands on My day and works the visit through, nothing reloading and nothing off screen",
    async () => {
      const { url } = world!.server;
      await logInThroughForm(engineer, url, ENGINEER, PASSWORD);
      expect(new URL(engineer.url()).pathname).toBe("/my-day");
      const card = engineer.locator(`#visit-${visitId}`);
      await card.waitFor();
      expect(await card.innerText()).toContain("Key with the neighbour at no. 16");
      expect(await card.getByRole("link", { name: "Map" }).getAttribute("href")).toContain("14%20Cardigan%20Road");
      expect(await engineer.evaluate(sidewaysProblems)).toEqual([]);
      // The menu offers only My day.
      await engineer.locator("summary", { hasText: "Menu" }).click();
      expect(await engineer.locator("nav[aria-label=Sections] a").allInnerTexts()).toEqual(["My day"]);
      await engineer.locator("summary", { hasText: "Menu" }).click();

      await engineer.evaluate(() => ((window as unknown as { sbMarker: number }).sbMarker = 1));
      await card.getByRole("button", { name: "On my way" }).click();
      await engineer.locator(`#visit-${visitId}[data-status=en_route]`).waitFor();
      await engineer.locator(`#visit-${visitId}`).getByRole("button", { name: "On site" }).click();
      await engineer.locator(`#visit-${visitId}[data-status=on_site]`).waitFor();

      const onSite = engineer.locator(`#visit-${visitId}`);
      await onSite.locator("textarea[name=note]").fill("Cartridge worn; replaced.");
      await onSite.getByRole("button", { name: "Save note" }).click();
      await engineer.locator(`#visit-${visitId} .visit-records`, { hasText: "Cartridge worn; replaced." }).waitFor();

      await engineer
        .locator(`#visit-${visitId} input[name=photo]`)
        .setInputFiles({ name: "tap.png", mimeType: "image/png", buffer: aPhoto() });
      await engineer.locator(`#visit-${visitId}`).getByRole("button", { name: "Add photo" }).click();
      await engineer.locator(`#visit-${visitId}`).getByText("Photo added.").waitFor();
      const thumb = engineer.locator(`#visit-${visitId} .visit-records img.thumb`).first();
      await thumb.waitFor();
      await engineer.waitForFunction((id) => {
        const img = document.querySelector<HTMLImageElement>(`#visit-${id} .visit-records img.thumb`);
        return img?.complete && img.naturalWidth > 0;
      }, visitId);
      // The thumbnail is made on the server: 320 px wide, not the photo's 1200.
      expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);

      await engineer.locator(`#visit-${visitId}`).getByRole("button", { name: "Done" }).click();
      await engineer.locator(`#visit-${visitId}[data-status=done]`).waitFor();
      expect(await engineer.locator(`#visit-${visitId} .moves button`).count()).toBe(0);
      expect(await engineer.evaluate(() => (window as unknown as { sbMarker?: number }).sbMarker)).toBe(1);
      expect(await engineer.evaluate(sidewaysProblems)).toEqual([]);
      await engineer.screenshot({ path: join(world!.screenshots, "my-day-done.png"), fullPage: true });

      // The office console is not Pat's.
      const refused = await engineer.goto(`${url}/leads`);
      expect(refused?.status()).toBe(403);
    },
    TEST_MS,
  );

  test(
    "the office sees the site photo on the job's page; Pat's calendar address serves the visit",
    async () => {
      await office.goto(issueUrl);
      await office.locator("#visits").getByText("From site").waitFor();
      await office.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>("#visits .visit-records img.thumb");
        return img?.complete && img.naturalWidth > 0;
      });

      await engineer.goto(`${world!.server.url}/my-day`);
      await engineer.getByRole("button", { name: "Make a calendar address" }).click();
      const address = await engineer.locator("input.feed-url").inputValue();
      expect(address).toMatch(/\/calendar\/[A-Za-z0-9_-]{22}\.ics$/);
      const feed = await fetch(address);
      expect(feed.status).toBe(200);
      const text = await feed.text();
      expect(text).toContain("BEGIN:VCALENDAR");
      expect(text).toContain("SUMMARY:Kitchen tap dripping (plumbing)");
      expect(pageProblems).toEqual([]);
    },
    TEST_MS,
  );
});
