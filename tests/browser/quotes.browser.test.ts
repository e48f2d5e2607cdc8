/**
 * Quotes to cash in a real browser, against the real server (`bun src/main.ts` on the embedded
 * defaults): staff build and send a quote on the issue page; the customer opens the link,
 * downloads the quote as a PDF, accepts, pays in the test checkout, sees "paid" and downloads the
 * invoice.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { extractText } from "unpdf";
import { openDatabase } from "../../src/adapters/db/open.ts";
import type { E164 } from "../../src/domain/phone.ts";
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
const EMAIL = "quotes@handy.example";
const PASSWORD = "kettle-on-for-the-plumber";
const TEST_MS = 30_000;

let dataDir = "";
let screenshots = "";
let server: RunningServer | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;
let issuePath = "";
let customerPath = "";
const pageProblems: string[] = [];
const shoot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

describe.skipIf(!enabled)("quotes to cash in a real browser", () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "sb-browser-quotes-"));
    screenshots = process.env.SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), "sb-screens-quotes-"));
    mkdirSync(screenshots, { recursive: true });
    const env = {
      DATA_DIR: dataDir,
      COMPANY_NAME: "Handy Services",
      COMPANY_ADDRESS: "1 High Street, London N1 1AA",
      COMPANY_VAT_NUMBER: "GB123456789",
    };
    await seedPgliteDataDir(dataDir);
    [server, chrome] = await Promise.all([startServer(env), launchChromium()]);
    const added = await runCli(["user", "add", EMAIL, "--password", PASSWORD], env);
    if (added.code !== 0) throw new Error(`user add failed: ${added.stdout}${added.stderr}`);

    // The customer and the job, put in through the running server's database (a second connection).
    const repos = await openDatabase({ dataDir });
    try {
      const lead = await repos.leads.create({
        name: "Priya Pemberton",
        organisation: null,
        phone: "+447700900461" as E164,
        email: null,
        address: "4 Rye Lane",
        postcode: "SE15 4QN",
        segment: "homeowner",
        source: "manual",
        notes: null,
      });
      const issue = await repos.issues.create({
        leadId: lead.id,
        title: "Leaking radiator valve",
        description: null,
        category: "heating",
        urgency: "routine",
        address: "4 Rye Lane",
        postcode: "SE15 4QN",
        accessNotes: null,
      });
      issuePath = `/issues/${issue.id}`;
    } finally {
      await repos.close();
    }

    page = await chrome.context.newPage();
    page.setDefaultTimeout(8_000);
    watchForPageProblems(page, pageProblems);
  }, 60_000);

  afterAll(async () => {
    if (server && server.exitCode() !== null)
      console.error(`The server ended by itself:\n${server.output().slice(-4000)}`);
    await chrome?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (screenshots) console.log(`Quote screenshots: ${screenshots}`);
  });

  test(
    "staff build the quote on the issue page, see the totals as they type (lines they cannot count marked), and send it",
    async () => {
      await logInThroughForm(page, server!.url, EMAIL, PASSWORD);
      await page.goto(`${server!.url}${issuePath}`);
      await Promise.all([page.waitForNavigation(), page.click("text=Start a quote")]);

      await page.fill("#field-line-0-description", "Replace radiator valve");
      await page.fill("#field-line-0-quantity", "1.5");
      await page.fill("#field-line-0-unitPrice", "60");
      await expect(
        page.locator('#quote-totals [data-total="total"]').filter({ hasText: "£108.00" }).waitFor(),
      ).resolves.toBeUndefined();
      await page.click("text=Add line");
      await page.locator("#field-line-1-description").waitFor();
      await page.fill("#field-line-1-description", "Valve");
      // A price the totals cannot read is marked beside its line and under the total, not dropped silently.
      await page.fill("#field-line-1-unitPrice", "2S");
      await page.locator("#line-1-count[data-not-counted]").waitFor();
      expect(await page.locator("#line-1-count").textContent()).toBe(
        "Not counted in the total: Enter a price in pounds, like 45 or 45.50.",
      );
      await page.locator('#quote-totals [data-not-counted="line-1"]').waitFor();
      expect(await page.locator('#quote-totals [data-total="total"]').textContent()).toBe("£108.00");
      expect(await page.locator("#quote-totals .grand td").first().textContent()).toBe("Total so far");
      expect(await page.locator("#line-0-count").isVisible()).toBe(false);
      await shoot("builder-not-counted");
      await page.fill("#field-line-1-unitPrice", "25");
      await page.locator('#quote-totals [data-total="total"]').filter({ hasText: "£138.00" }).waitFor();
      expect(await page.locator("#line-1-count").isVisible()).toBe(false);
      expect(await page.locator("#quote-totals [data-not-counted]").count()).toBe(0);
      await page.selectOption("#field-depositKind", "percent");
      await page.fill("#field-depositValue", "50");
      await expect(
        page.locator('#quote-totals [data-total="total"]').filter({ hasText: "£138.00" }).waitFor(),
      ).resolves.toBeUndefined();
      await expect(
        page.locator('#quote-totals [data-total="deposit"]').filter({ hasText: "£69.00" }).waitFor(),
      ).resolves.toBeUndefined();
      await shoot("builder");

      await Promise.all([page.waitForURL(/\/quotes\/[0-9a-f-]{36}\?sent=1$/), page.click("text=Send to customer")]);
      await expect(page.getByText("In the outbox — not sent").first().waitFor()).resolves.toBeUndefined();
      const link = await page.locator('input[aria-label="Customer link"]').inputValue();
      customerPath = new URL(link).pathname;
      expect(customerPath).toMatch(/^\/q\/[A-Za-z0-9_-]{22}$/);
      await shoot("staff-quote");
    },
    TEST_MS,
  );

  test(
    "the customer opens the link on a phone, accepts, pays the deposit in the test checkout, sees paid and downloads the invoice",
    async () => {
      expect(customerPath).not.toBe("");
      await page.setViewportSize({ width: 375, height: 800 });
      await page.goto(`${server!.url}${customerPath}`);
      await expect(page.locator("#quote-total").textContent()).resolves.toBe("£138.00");
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
      ).toBeLessThanOrEqual(0);
      await shoot("customer-quote-375");
      // The quote as a file to forward: the version's PDF, read back.
      const [quoteFile] = await Promise.all([
        page.waitForEvent("download"),
        page.click("text=Download this quote (PDF)"),
      ]);
      expect(quoteFile.suggestedFilename()).toBe("quote-v1.pdf");
      const { text } = await extractText(new Uint8Array(readFileSync((await quoteFile.path())!)), { mergePages: true });
      expect(text).toContain("Version 1");
      expect(text).toContain("Total £138.00");

      await Promise.all([
        page.waitForURL(/\/checkout\/test\/cs_test_local_/),
        page.click("text=Accept and pay the deposit, £69.00"),
      ]);
      await expect(page.getByText("Test payment, no card is charged").waitFor()).resolves.toBeUndefined();
      await shoot("test-checkout-375");
      await Promise.all([page.waitForURL(/\/paid\?session_id=/), page.click("text=(test, no card charged)")]);
      await expect(page.locator('[data-payment="paid"]').waitFor()).resolves.toBeUndefined();
      expect(await page.locator('[data-payment="paid"]').textContent()).toContain("£69.00 paid");
      await shoot("paid-375");

      const [download] = await Promise.all([page.waitForEvent("download"), page.click("text=Download invoice")]);
      expect(download.suggestedFilename()).toMatch(/^INV-\d{6}\.pdf$/);
      const bytes = readFileSync((await download.path())!);
      expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");

      await page.goto(`${server!.url}${customerPath}`);
      await expect(page.getByText("Deposit paid. Thank you!").waitFor()).resolves.toBeUndefined();
      await expect(page.getByText("Pay the remaining balance, £69.00").waitFor()).resolves.toBeUndefined();
      expect(pageProblems).toEqual([]);
    },
    TEST_MS,
  );
});
