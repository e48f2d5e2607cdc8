/**
 * Many staff tabs in one browser (issue 13, item 1). On plain http Chromium opens at most six
 * connections to a site; each page used to hold its own live streams (the dashboard two), so a
 * fourth dashboard tab never loaded. Now the tabs share one /live stream through a shared
 * worker, or, where there is none, through one leader tab over a BroadcastChannel.
 *
 * The real server (`bun src/main.ts`, embedded defaults) logs at debug level how many live
 * streams it holds open; the browser must hold one, however many tabs are open.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { WHATSAPP_LOCAL_SECRET_FILE } from "../../src/compose/index.ts";
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
import { signedDelivery, textMessage } from "../support/meta-peer.ts";

const enabled = browserTestsEnabled();
const EMAIL = "office@handy.example";
const PASSWORD = "eight-tabs-and-a-kettle";
const SARAH = { waId: "447700900123", name: "Sarah Jones" };
/** A WhatsApp message is processed by a background job (polled every 2 s), then announced live. */
const LIVE_MS = 12_000;

let dataDir = "";
let server: RunningServer | undefined;
let appSecret = "";
let leadId = "";

async function deliver(id: string, text: string): Promise<void> {
  const { body, headers } = signedDelivery(textMessage(SARAH, id, text, new Date()), appSecret);
  const response = await fetch(`${server!.url}/api/whatsapp/webhook`, { method: "POST", headers, body });
  expect(response.status).toBe(200);
}

/** How many live streams the server holds open now, from its debug log ("live stream opened/closed"). */
function openLiveStreams(): number {
  let open = 0;
  for (const line of server!.output().split("\n")) {
    if (!line.includes('"live stream ')) continue;
    try {
      open = (JSON.parse(line) as { open: number }).open;
    } catch {
      // a line cut by the pipe: the next one says it again
    }
  }
  return open;
}

/** Waits until the server has held exactly `n` open streams for a moment (a re-opened stream closes the old one first). */
async function expectOpenStreams(n: number, within = 5_000): Promise<void> {
  const deadline = Date.now() + within;
  let steadySince = 0;
  while (Date.now() < deadline) {
    if (openLiveStreams() === n) {
      if (!steadySince) steadySince = Date.now();
      if (Date.now() - steadySince >= 500) return;
    } else steadySince = 0;
    await Bun.sleep(50);
  }
  expect(openLiveStreams()).toBe(n);
}

/** Notes in the page when each of its live sources opened (htmx's sse extension says so). */
function noteLiveOpens() {
  const w = window as unknown as { __liveOpened: number };
  w.__liveOpened = 0;
  document.addEventListener("htmx:sseOpen", () => (w.__liveOpened += 1));
}
const liveOpened = (page: Page) => page.evaluate(() => (window as unknown as { __liveOpened: number }).__liveOpened);

/** Opens `path` in a new tab and waits for its heading and for every live source on it to open. */
async function openTab(context: BrowserContext, path: string, sources: number, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);
  watchForPageProblems(page, problems);
  const response = await page.goto(`${server!.url}${path}`, { timeout: 10_000 });
  expect(response?.status()).toBe(200);
  await page.locator("main h1").first().waitFor();
  await page.waitForFunction((n) => (window as unknown as { __liveOpened: number }).__liveOpened >= n, sources, {
    timeout: 8_000,
  });
  return page;
}

const callsToday = (page: Page) => page.locator("#dashboard-live .stat", { hasText: "Calls today" }).locator(".n");

describe.skipIf(!enabled)("many staff tabs in one browser share one live connection", () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "sb-browser-tabs-"));
    const env = { DATA_DIR: dataDir, COMPANY_NAME: "Handy Services" };
    await seedPgliteDataDir(dataDir);
    server = await startServer({ ...env, LOG_LEVEL: "debug" });
    const added = await runCli(["user", "add", EMAIL, "--password", PASSWORD], env);
    if (added.code !== 0) throw new Error(`user add failed: ${added.stdout}${added.stderr}`);
    appSecret = readFileSync(join(dataDir, "secrets", WHATSAPP_LOCAL_SECRET_FILE), "utf8").trim();
    await deliver("wamid.TABS0", "Hello, the gutter at 12 Baker Street is hanging off");
  }, 60_000);

  afterAll(async () => {
    if (server && server.exitCode() !== null)
      console.error(`The server ended by itself:\n${server.output().slice(-4000)}`);
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe("through the shared worker", () => {
    let chrome: LaunchedBrowser | undefined;
    const problems: string[] = [];
    const tabs: Page[] = [];
    beforeAll(async () => {
      chrome = await launchChromium();
      await chrome.context.addInitScript(noteLiveOpens);
      const first = await chrome.context.newPage();
      await logInThroughForm(first, server!.url, EMAIL, PASSWORD);
      await first.goto(`${server!.url}/inbox`);
      const link = first.locator("#conversations").getByRole("link", { name: SARAH.name });
      await link.waitFor({ timeout: LIVE_MS });
      leadId = (await link.getAttribute("href"))!.split("/").at(-1)!;
      await first.close();
    }, 40_000);
    afterAll(async () => chrome?.close());

    test("eight tabs (dashboards, calls, inbox, a conversation, a lead) all load, on one live connection", async () => {
      const pages: [string, number][] = [
        ["/", 2],
        ["/", 2],
        ["/", 2],
        ["/calls", 1],
        ["/inbox", 1],
        [`/inbox/${leadId}`, 1],
        [`/leads/${leadId}`, 1],
        ["/", 2],
      ];
      for (const [path, sources] of pages) tabs.push(await openTab(chrome!.context, path, sources, problems));
      expect(tabs.length).toBe(8);
      await expectOpenStreams(1);
      expect(problems).toEqual([]);
    }, 60_000);

    test("an inbound message shows at once in the inbox, the conversation and the lead page", async () => {
      expect(tabs.length).toBe(8);
      const text = "The gutter fell down in the night";
      await deliver("wamid.TABS1", text);
      await tabs[4]!.locator("#conversations").getByText(text).waitFor({ timeout: LIVE_MS });
      await tabs[5]!.locator("#thread").getByText(text).waitFor({ timeout: LIVE_MS });
      await tabs[6]!.locator("#lead-thread").getByText(text).waitFor({ timeout: LIVE_MS });
      await expectOpenStreams(1);
    }, 30_000);

    test("a tab still listening to a call that no longer exists stops nobody: messages keep arriving on the one connection", async () => {
      expect(tabs.length).toBe(8);
      // What a tab left open on a since-deleted call asks for: its page's stream names the call.
      await tabs[0]!.evaluate(() => {
        (window as unknown as { htmx: { createEventSource(url: string): unknown } }).htmx.createEventSource(
          "/live?topic=call:00000000-0000-4000-8000-000000000000",
        );
      });
      await Bun.sleep(500);
      const text = "And now the downpipe has gone too";
      await deliver("wamid.TABS-GONE", text);
      await tabs[4]!.locator("#conversations").getByText(text).waitFor({ timeout: LIVE_MS });
      await tabs[6]!.locator("#lead-thread").getByText(text).waitFor({ timeout: LIVE_MS });
      await expectOpenStreams(1);
    }, 30_000);

    test("Simulate a call works with them open: the call page plays live, and every dashboard and the calls list follow", async () => {
      expect(tabs.length).toBe(8);
      const simulating = tabs[7]!;
      const form = simulating.locator("form[action='/simulate-call']");
      await Promise.all([
        simulating.waitForURL(/\/calls\/[0-9a-f-]{36}$/, { timeout: 10_000 }),
        form.getByRole("button", { name: "Simulate a call" }).click(),
      ]);
      const callPath = new URL(simulating.url()).pathname;
      await simulating.waitForFunction(() => document.querySelectorAll("#transcript > p.line").length >= 2, undefined, {
        timeout: 20_000,
      });
      for (const dashboard of tabs.slice(0, 3))
        await callsToday(dashboard).getByText("1").waitFor({ timeout: LIVE_MS });
      await tabs[3]!.locator(`#calls-table a[href="${callPath}"]`).first().waitFor({ timeout: LIVE_MS });
      // A second view of the live call, drawn now: it resumes from where it was drawn, on the same connection.
      const again = await openTab(chrome!.context, callPath, 1, problems);
      const lines = await simulating.locator("#transcript > p.line").count();
      await again.waitForFunction((n) => document.querySelectorAll("#transcript > p.line").length > n, lines, {
        timeout: 20_000,
      });
      const ids = await again.locator("#transcript > p.line").evaluateAll((ps) => ps.map((p) => p.id));
      expect(new Set(ids).size).toBe(ids.length);
      await expectOpenStreams(1);
      expect(problems).toEqual([]);
    }, 60_000);
  });

  describe("where there is no shared worker: one leader tab over a BroadcastChannel", () => {
    let chrome: LaunchedBrowser | undefined;
    const problems: string[] = [];
    const tabs: Page[] = [];
    beforeAll(async () => {
      chrome = await launchChromium();
      await chrome.context.addInitScript(noteLiveOpens);
      // As in browsers without SharedWorker (Chrome on Android, older Safari).
      await chrome.context.addInitScript(() => {
        delete (window as { SharedWorker?: unknown }).SharedWorker;
      });
      const first = await chrome.context.newPage();
      await logInThroughForm(first, server!.url, EMAIL, PASSWORD);
      await first.close();
    }, 40_000);
    afterAll(async () => chrome?.close());

    test("four tabs hold one connection between them; when the leader closes another takes over, and messages still arrive", async () => {
      expect(leadId).not.toBe("");
      for (const [path, sources] of [
        ["/", 2],
        ["/inbox", 1],
        [`/inbox/${leadId}`, 1],
        ["/", 2],
      ] as const)
        tabs.push(await openTab(chrome!.context, path, sources, problems));
      expect(await tabs[0]!.evaluate(() => typeof (window as { SharedWorker?: unknown }).SharedWorker)).toBe(
        "undefined",
      );
      await expectOpenStreams(1);

      const first = "Is anyone coming about the gutter?";
      await deliver("wamid.TABS2", first);
      await tabs[1]!.locator("#conversations").getByText(first).waitFor({ timeout: LIVE_MS });
      await tabs[2]!.locator("#thread").getByText(first).waitFor({ timeout: LIVE_MS });

      // The first tab leads; closing it hands the stream to one of the others, still only one.
      await tabs[0]!.close();
      await expectOpenStreams(1);
      const second = "Never mind, my neighbour fixed it";
      await deliver("wamid.TABS3", second);
      await tabs[1]!.locator("#conversations").getByText(second).waitFor({ timeout: LIVE_MS });
      await tabs[2]!.locator("#thread").getByText(second).waitFor({ timeout: LIVE_MS });
      expect(problems).toEqual([]);
    }, 60_000);
  });
});
