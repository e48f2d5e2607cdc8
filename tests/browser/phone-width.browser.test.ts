/**
 * Every staff page at a phone's width (390 × 844, an iPhone 14), in a real browser against the
 * real server: nothing scrolls sideways, tables stack into labelled rows, the menu folds behind
 * one button that opens it, and every control stays on screen. The demo morning (seed-demo)
 * plus a lead with a long name and email and a WhatsApp message with a long link give each
 * page something in it that could spill.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { WHATSAPP_LOCAL_SECRET_FILE } from "../../src/compose/index.ts";
import {
  browserTestsEnabled,
  startBrowserWorld,
  type LaunchedBrowser,
  type RunningServer,
  type BrowserWorld,
} from "../support/browser.ts";
import { signedDelivery, textMessage } from "../support/meta-peer.ts";
import { sidewaysProblems } from "../support/phone-width.ts";

const enabled = browserTestsEnabled();
const ADMIN = "the-office-manager-with-a-long-address@handy-services-maintenance.example";
const PASSWORD = "kettle-on-for-the-plumber";
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
const LONG_LEAD = {
  name: "Bartholomew Featherstonehaugh-Cholmondeley",
  organisation: "Featherstonehaugh-Cholmondeley Residential Lettings & Block Management",
  email: "bartholomew.featherstonehaugh-cholmondeley@residential-lettings-block-management.example",
  address: "Flat 14b, Wellington Mansions, 221 Queen Victoria Embankment Approach, London",
};
const LONG_LINK =
  "https://photos.example.com/shared/albums/2026-12-03/kitchen-ceiling-leak-under-bathroom/IMG_20261203_071512_HDR_portrait_mode_full_resolution.jpg?token=abcdefghijklmnopqrstuvwxyz0123456789";
const WHATSAPP_CONTACT = { waId: "447700900777", name: "Wilhelmina Montgomery-Ravenscroft" };

let world: BrowserWorld | undefined;
let dataDir = "";
let screenshots = "";
let server: RunningServer;
let chrome: LaunchedBrowser;
let page: Page;
const pageProblems: string[] = [];
const TEST_MS = 120_000;

async function deliverWhatsApp(payload: unknown): Promise<void> {
  const appSecret = readFileSync(join(dataDir, "secrets", WHATSAPP_LOCAL_SECRET_FILE), "utf8").trim();
  const { body, headers } = signedDelivery(payload, appSecret);
  const response = await fetch(`${server!.url}/api/whatsapp/webhook`, { method: "POST", headers, body });
  if (response.status !== 200) throw new Error(`WhatsApp delivery refused: ${response.status}`);
}

/** Waits for the parts a page loads after it opens (hx-trigger="load") to be swapped in. */
async function settled(): Promise<void> {
  await page.waitForTimeout(250);
  await page.waitForFunction(() => !document.querySelector(".htmx-request"));
}

/** The detail pages a list links to: /leads/<uuid> and the like, first `most` of them. */
async function detailLinks(listPath: string, pattern: RegExp, most: number): Promise<string[]> {
  await page.goto(`${server!.url}${listPath}`);
  const hrefs = await page.locator("main a[href]").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  return [...new Set(hrefs.filter((h): h is string => h !== null && pattern.test(h)))].slice(0, most);
}

describe.skipIf(!enabled)("staff pages at a phone's width", () => {
  beforeAll(async () => {
    world = await startBrowserWorld({
      name: "phone",
      user: { email: ADMIN, password: PASSWORD, role: "admin" },
      pageProblems,
      seedDemo: true,
      viewport: PHONE,
    });
    ({ dataDir, screenshots, server, chrome, page } = world);
    await deliverWhatsApp(
      textMessage(WHATSAPP_CONTACT, "wamid.PHONEWIDTH1", `Here are the photos of the ceiling: ${LONG_LINK}`),
    );
  }, 90_000);

  afterAll(async () => {
    await world?.close();
  });

  test(
    "a lead with a long name and email is made through the form at phone width",
    async () => {
      await page.goto(`${server!.url}/leads/new`);
      expect(await page.evaluate(sidewaysProblems)).toEqual([]);
      await page.fill("#field-name", LONG_LEAD.name);
      await page.fill("#field-organisation", LONG_LEAD.organisation);
      await page.fill("#field-phone", "07700 900461");
      await page.fill("#field-email", LONG_LEAD.email);
      await page.fill("#field-address", LONG_LEAD.address);
      await page.fill("#field-notes", `Photos: ${LONG_LINK}`);
      await Promise.all([
        page.waitForURL(/\/leads\/[0-9a-f-]{36}$/),
        page.locator("main form button[type=submit]").click(),
      ]);
      await page.getByRole("heading", { name: LONG_LEAD.name }).waitFor();
    },
    TEST_MS,
  );

  test(
    "no staff page scrolls sideways, and every control stays on screen",
    async () => {
      // The inbox's processing is a background job: wait for the delivery to reach the inbox.
      await page.goto(`${server!.url}/inbox`);
      await page.locator("#conversations").getByText(WHATSAPP_CONTACT.name).waitFor({ timeout: 15_000 });

      const uuid = "[0-9a-f-]{36}";
      const paths = [
        "/",
        "/leads",
        "/leads/new",
        "/calls",
        "/issues",
        // The week board is a wide grid that scrolls in its own box (tested at tablet width in
        // schedule.browser.test.ts); at a phone's width the day view fits.
        "/schedule?view=day",
        "/quotes",
        "/inbox",
        "/settings/integrations",
        "/settings/safety",
        "/settings/assistant-calls",
        "/settings/users",
        "/settings/audit",
        "/settings/board",
        "/board",
        ...(await detailLinks("/leads", new RegExp(`^/leads/${uuid}$`), 20)),
        ...(await detailLinks("/calls", new RegExp(`^/calls/${uuid}$`), 6)),
        ...(await detailLinks("/issues", new RegExp(`^/issues/${uuid}$`), 6)),
        ...(await detailLinks("/quotes", new RegExp(`^/quotes/${uuid}$`), 10)),
        ...(await detailLinks("/inbox", new RegExp(`^/inbox/${uuid}$`), 4)),
      ];
      // Each kind of detail page was found, so none is skipped unnoticed.
      for (const kind of ["leads", "calls", "issues", "quotes", "inbox"])
        expect(paths.some((p) => new RegExp(`^/${kind}/${uuid}$`).test(p))).toBe(true);
      const leadPath = paths.find((p) => /^\/leads\//.test(p) && p !== "/leads/new")!;
      const issuePath = paths.find((p) => new RegExp(`^/issues/${uuid}$`).test(p))!;
      paths.push(`${leadPath}/edit`, `${issuePath}/edit`, "/issues/new", "/inbox/deliveries");

      const found: Record<string, string[]> = {};
      for (const path of paths) {
        const response = await page.goto(`${server!.url}${path}`);
        expect(`${path} ${response?.status()}`).toBe(`${path} 200`);
        await settled();
        const problems = await page.evaluate(sidewaysProblems);
        if (problems.length > 0) found[path] = problems;
        // Every page when someone asked to look (SCREENSHOT_DIR), else only those that failed.
        if (problems.length > 0 || process.env.SCREENSHOT_DIR) {
          await page.screenshot({
            path: join(screenshots, `${path.replace(/\W+/g, "_")}.png`),
            fullPage: true,
          });
        }
      }
      expect(found).toEqual({});
      expect(pageProblems).toEqual([]);
    },
    TEST_MS,
  );

  test(
    "tables stack into rows whose cells say what they are",
    async () => {
      await page.goto(`${server!.url}/leads`);
      const cell = page.locator("main table tbody tr").first().locator("td").nth(1);
      // Stacked: the cell fills the row, and its label comes from data-label through CSS.
      const label = await cell.getAttribute("data-label");
      expect(label).toBeTruthy();
      const shown = await cell.evaluate((td) => ({
        display: getComputedStyle(td).display,
        before: getComputedStyle(td, "::before").content,
      }));
      expect(shown.display).toBe("block");
      expect(shown.before).toBe(JSON.stringify(label));
      await page.screenshot({ path: join(screenshots, "leads-phone.png"), fullPage: true });
    },
    TEST_MS,
  );

  test(
    "the menu folds into one row behind a button that opens it, and its links work",
    async () => {
      await page.goto(`${server!.url}/`);
      const header = page.locator("header.top");
      const menuButton = header.getByText("Menu", { exact: true });
      const quotes = header.getByRole("link", { name: "Quotes", exact: true });
      await expect(menuButton.isVisible()).resolves.toBe(true);
      await expect(quotes.isVisible()).resolves.toBe(false);
      // One row: the folded header is no taller than a single line of controls.
      const folded = await header.boundingBox();
      expect(folded!.height).toBeLessThan(64);

      await menuButton.click();
      await quotes.waitFor({ state: "visible" });
      await page.screenshot({ path: join(screenshots, "menu-open-phone.png"), fullPage: true });
      expect(await page.evaluate(sidewaysProblems)).toEqual([]);
      await Promise.all([page.waitForURL("**/quotes"), quotes.click()]);
      // A new page starts with the menu folded again.
      await expect(quotes.isVisible()).resolves.toBe(false);
      await menuButton.click();
      await Promise.all([page.waitForURL("**/settings/audit"), header.getByRole("link", { name: "Audit" }).click()]);
      // Log out stays reachable in the open menu.
      await menuButton.click();
      await header.getByRole("button", { name: "Log out" }).waitFor({ state: "visible" });
      // Like any dropdown, it closes on Escape and on a click elsewhere on the page.
      await page.keyboard.press("Escape");
      await quotes.waitFor({ state: "hidden" });
      await menuButton.click();
      await quotes.waitFor({ state: "visible" });
      await page.mouse.click(PHONE.width / 2, PHONE.height - 40); // below the open menu
      await quotes.waitFor({ state: "hidden" });
      expect(pageProblems).toEqual([]);
    },
    TEST_MS,
  );

  test(
    "at a desktop width the whole navigation shows, with no menu button",
    async () => {
      await page.setViewportSize(DESKTOP);
      await page.goto(`${server!.url}/`);
      const header = page.locator("header.top");
      await expect(header.getByText("Menu", { exact: true }).isVisible()).resolves.toBe(false);
      const shown = await header
        .locator("nav a")
        .evaluateAll((links) => links.filter((a) => a.checkVisibility()).map((a) => a.textContent));
      expect(shown).toEqual([
        "Dashboard",
        "Inbox",
        "Calls",
        "Leads",
        "Issues",
        "Schedule",
        "Quotes",
        "Reports",
        "Board",
        "Integrations",
        "Staff",
        "Audit",
        "Board links",
      ]);
      await expect(header.getByRole("button", { name: "Log out" }).isVisible()).resolves.toBe(true);
      // Tables are tables again: header row shown, cells side by side.
      await page.goto(`${server!.url}/leads`);
      await expect(page.locator("main table thead").isVisible()).resolves.toBe(true);
      const display = await page
        .locator("main table tbody td")
        .first()
        .evaluate((td) => getComputedStyle(td).display);
      expect(display).toBe("table-cell");
      await Promise.all([
        page.waitForURL("**/quotes"),
        header.getByRole("link", { name: "Quotes", exact: true }).click(),
      ]);
      await page.screenshot({ path: join(screenshots, "quotes-desktop.png"), fullPage: true });
      expect(pageProblems).toEqual([]);
    },
    TEST_MS,
  );
});
