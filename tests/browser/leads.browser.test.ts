/**
 * The leads pages in a real browser, against the real server: `bun src/main.ts` on a fresh
 * data folder, a staff user made with the real command line, and Debian's Chromium.
 *
 * Screenshots go to $SCREENSHOT_DIR, else a fresh folder under the system temp folder; the
 * path is printed so a person can look at them.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  browserTestsEnabled,
  launchChromium,
  logInThroughForm,
  runCli,
  seedPgliteDataDir,
  startServer,
  type LaunchedBrowser,
  type RunningServer,
  watchForPageProblems,
} from "../support/browser.ts";

const enabled = browserTestsEnabled();

const EMAIL = "dispatch@handy.example";
const PASSWORD = "kettle-on-for-the-plumber";
const LEAD = { name: "Priya Pemberton", phone: "07700 900461", postcode: "se15 4qn" };

let dataDir = "";
let screenshots = "";
let server: RunningServer | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;
/** Uncaught script errors and Content-Security-Policy refusals seen in the browser. */
const pageProblems: string[] = [];
let leadPath = "";
let loggedIn = false;
/** Later steps need the session: fail them at once, pointing at the real failure. */
const needLogin = () => {
  if (!loggedIn) throw new Error("not logged in: see the login test above");
};
/** Per test; the whole file stays well under 30 s when the app behaves. */
const TEST_MS = 15_000;

/** How long each part of the set-up took, printed at the end: slow runs say where the time went. */
const timings: string[] = [];
async function shoot(name: string) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** How far the page scrolls sideways; 0 means nothing spills past the viewport. */
const sidewaysOverflow = () =>
  page.evaluate(
    () =>
      Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth,
  );

describe.skipIf(!enabled)("leads in a real browser", () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "sb-browser-data-"));
    screenshots = process.env.SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), "sb-screens-"));
    mkdirSync(screenshots, { recursive: true });
    const env = { DATA_DIR: dataDir, COMPANY_NAME: "Handy Services" };

    let t = performance.now();
    await seedPgliteDataDir(dataDir);
    timings.push(`data folder ${(performance.now() - t).toFixed(0)} ms`);
    t = performance.now();
    [server, chrome] = await Promise.all([startServer(env), launchChromium()]);
    timings.push(`server and Chromium ${(performance.now() - t).toFixed(0)} ms`);
    t = performance.now();

    // The operator's way in: the command line, on the same data folder, while the server runs
    // (the adapter lets a second process in through the server's socket).
    const added = await runCli(["user", "add", EMAIL, "--password", PASSWORD], env);
    if (added.code !== 0) throw new Error(`user add failed (${added.code}):\n${added.stdout}${added.stderr}`);
    expect(added.stdout).toContain(EMAIL);
    timings.push(`user add ${(performance.now() - t).toFixed(0)} ms`);

    page = await chrome.context.newPage();
    page.setDefaultTimeout(5_000);
    watchForPageProblems(page, pageProblems);
  }, 45_000);

  afterAll(async () => {
    if (server && server.exitCode() !== null) {
      console.error(
        `The server ended by itself (exit code ${server.exitCode()}) during the tests. Its last output:\n${server.output().slice(-4000)}`,
      );
    }
    await chrome?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (screenshots) console.log(`Browser screenshots: ${screenshots} (set-up: ${timings.join(", ")})`);
  });

  test(
    "pages render in standards mode, with no stray markup shown as text",
    async () => {
      await page.goto(`${server!.url}/login`);
      // Without a real doctype the browser falls back to quirks mode ("BackCompat").
      expect(await page.evaluate(() => document.compatMode)).toBe("CSS1Compat");
      expect(await page.evaluate(() => document.body.innerText)).not.toContain("<!doctype");
    },
    TEST_MS,
  );

  test(
    "staff log in through the form and land on the dashboard",
    async () => {
      await page.goto(`${server!.url}/`);
      expect(new URL(page.url()).pathname).toBe("/login");
      await shoot("login-desktop");
      await logInThroughForm(page, server!.url, EMAIL, PASSWORD);
      expect(new URL(page.url()).pathname).toBe("/");
      await expect(page.locator("header.top .who").textContent()).resolves.toBe(EMAIL);
      loggedIn = true;
      await shoot("dashboard-desktop");
    },
    TEST_MS,
  );

  test(
    "a lead made through the New lead form is saved and shown, phone and postcode tidied",
    async () => {
      needLogin();
      await page.goto(`${server!.url}/leads`);
      await Promise.all([page.waitForURL("**/leads/new"), page.click("text=New lead")]);
      await page.fill("#field-name", LEAD.name);
      await page.fill("#field-phone", LEAD.phone);
      await page.fill("#field-postcode", LEAD.postcode);
      await page.selectOption("#field-segment", "landlord");
      await shoot("lead-form-desktop");
      // htmx posts the form and answers HX-Redirect; the browser then goes to the new lead.
      await Promise.all([page.waitForURL(/\/leads\/[0-9a-f-]{36}$/), page.click("text=Save lead")]);
      leadPath = new URL(page.url()).pathname;
      expect(leadPath).not.toBe("/leads/new");
      await expect(page.locator("h1").textContent()).resolves.toBe(LEAD.name);
      const details = (await page.locator("dl.details").textContent()) ?? "";
      expect(details).toContain("07700 900461");
      expect(details).toContain("SE15 4QN");
      await shoot("lead-page-desktop");
    },
    TEST_MS,
  );

  test(
    "typing in the search box finds the lead without reloading the page",
    async () => {
      needLogin();
      await page.goto(`${server!.url}/leads`);
      const box = page.locator('input[name="q"]');
      const results = page.locator("#lead-results");
      // A marker on window survives htmx swaps and would vanish on a full page load.
      await page.evaluate(() => ((window as unknown as { sbMarker: number }).sbMarker = 1));

      await box.pressSequentially("Zebedee", { delay: 20 });
      await expect(results.getByText('No leads match "Zebedee".').waitFor()).resolves.toBeUndefined();

      await box.fill("");
      await box.pressSequentially("pember", { delay: 20 });
      await results.getByRole("link", { name: LEAD.name }).waitFor();
      expect(new URL(page.url()).searchParams.get("q")).toBe("pember");
      await shoot("leads-search-desktop");

      // The number as staff would say it back to a caller.
      await box.fill("");
      const answered = page.waitForResponse((r) => new URL(r.url()).searchParams.get("q") === "07700 900461");
      await box.pressSequentially("07700 900461", { delay: 10 });
      await answered;
      await results.getByRole("link", { name: LEAD.name }).waitFor();
      expect(new URL(page.url()).searchParams.get("q")).toBe("07700 900461");

      expect(await page.evaluate(() => (window as unknown as { sbMarker?: number }).sbMarker)).toBe(1);
      await results.getByRole("link", { name: LEAD.name }).click();
      await page.waitForURL(`**${leadPath}`);
    },
    TEST_MS,
  );

  test(
    "a bad postcode is refused with the message beside the postcode field, and the typing is kept",
    async () => {
      needLogin();
      await page.goto(`${server!.url}/leads/new`);
      await page.fill("#field-name", "Gareth Wynne");
      await page.fill("#field-postcode", "XYZ");
      await page.click("text=Save lead");
      const error = page.locator("#field-postcode-error");
      await error.waitFor();
      expect(((await error.textContent()) ?? "").trim().length).toBeGreaterThan(0);
      expect(new URL(page.url()).pathname).toBe("/leads/new");
      await expect(page.locator("#field-postcode").getAttribute("aria-invalid")).resolves.toBe("true");
      await expect(page.locator("#field-postcode").getAttribute("aria-describedby")).resolves.toBe(
        "field-postcode-error",
      );
      await expect(page.locator("#field-name").inputValue()).resolves.toBe("Gareth Wynne");
      await expect(page.locator("#field-name-error").count()).resolves.toBe(0);
      await expect(page.locator(".form-error").isVisible()).resolves.toBe(true);

      // Beside the field: directly under the postcode box, inside the same label.
      const input = (await page.locator("#field-postcode").boundingBox())!;
      const message = (await error.boundingBox())!;
      expect(message.y).toBeGreaterThanOrEqual(input.y + input.height - 1);
      expect(message.y - (input.y + input.height)).toBeLessThan(24);
      expect(Math.abs(message.x - input.x)).toBeLessThan(4);
      await error.scrollIntoViewIfNeeded();
      await shoot("lead-form-error-desktop");
    },
    TEST_MS,
  );

  test(
    "a number another lead has is refused beside the phone field, with a link that opens that lead",
    async () => {
      needLogin();
      await page.goto(`${server!.url}/leads/new`);
      await page.fill("#field-name", "Someone Else");
      await page.fill("#field-phone", LEAD.phone);
      await page.click("text=Save lead");
      const error = page.locator("#field-phone-error");
      await error.waitFor();
      expect(await error.textContent()).toContain("This number belongs to a lead already");
      expect(new URL(page.url()).pathname).toBe("/leads/new");
      await expect(page.locator("#field-name").inputValue()).resolves.toBe("Someone Else");
      await Promise.all([page.waitForURL(`**${leadPath}`), page.click("#phone-owner a")]);
      await expect(page.locator("h1").textContent()).resolves.toBe(LEAD.name);
    },
    TEST_MS,
  );

  test(
    "at a phone's width (375 px) nothing makes the page scroll sideways",
    async () => {
      needLogin();
      await page.setViewportSize({ width: 375, height: 812 });
      const pages: Array<[string, string]> = [
        ["dashboard", "/"],
        ["leads", "/leads?q=pember"],
        ["lead-form", "/leads/new"],
        ["lead-page", leadPath],
        ["issues", "/issues"],
        ["calls", "/calls"],
      ];
      const overflowing: string[] = [];
      for (const [name, path] of pages) {
        await page.goto(`${server!.url}${path}`);
        await shoot(`${name}-phone`);
        const overflow = await sidewaysOverflow();
        if (overflow > 0) overflowing.push(`${path} by ${overflow} px`);
      }
      expect(overflowing).toEqual([]);

      // The form error at phone width too.
      await page.goto(`${server!.url}/leads/new`);
      await page.fill("#field-name", "Gareth Wynne");
      await page.fill("#field-postcode", "XYZ");
      await page.click("text=Save lead");
      await page.locator("#field-postcode-error").waitFor();
      expect(await sidewaysOverflow()).toBe(0);
      await shoot("lead-form-error-phone");
    },
    TEST_MS,
  );

  test("the browser saw no script errors and no refused resources", () => {
    expect(pageProblems).toEqual([]);
  });
});
