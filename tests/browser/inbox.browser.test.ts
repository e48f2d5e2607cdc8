/**
 * The inbox in a real browser, against the real server (`bun src/main.ts` on the embedded
 * defaults: no WhatsApp keys, so the outbox shows what would have been sent and sends nothing).
 * A WhatsApp delivery, signed with the app secret as Meta signs it, arrives through the real
 * webhook while staff watch the inbox; it shows up live, they open the conversation and reply.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { WHATSAPP_LOCAL_SECRET_FILE } from "../../src/compose/index.ts";
import {
  browserTestsEnabled,
  logInThroughForm,
  startBrowserWorld,
  type LaunchedBrowser,
  type RunningServer,
  type BrowserWorld,
} from "../support/browser.ts";
import { signedDelivery, textMessage } from "../support/meta-peer.ts";

const enabled = browserTestsEnabled();
const EMAIL = "inbox@handy.example";
const PASSWORD = "kettle-on-for-the-plumber";
const TEST_MS = 20_000;
/** Processing is a background job (polled every 2 s, poked by the webhook), then an SSE refresh. */
const LIVE_MS = 10_000;

const SARAH = { waId: "447700900123", name: "Sarah Jones" };
const INBOUND = "Hello, the kitchen tap at 12 Baker Street NW1 6XE has been dripping all night";
const REPLY = "Thanks Sarah, a plumber can come tomorrow at 9am.";
const LEAD_PAGE_REPLY = "Sarah, he will text you when he sets off.";
const BURST_LAST = "and the shower, while he is here";

let world: BrowserWorld | undefined;
let dataDir = "";
let screenshots = "";
let server: RunningServer;
let chrome: LaunchedBrowser;
let page: Page;
let appSecret = "";
let conversationPath = "";
const pageProblems: string[] = [];
const shoot = (name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

/** A marker on window survives htmx swaps and vanishes on a full page load. */
const markPage = () => page.evaluate(() => ((window as unknown as { sbMarker: number }).sbMarker = 1));
const pageWasNotReloaded = async () =>
  expect(await page.evaluate(() => (window as unknown as { sbMarker?: number }).sbMarker)).toBe(1);

/** POSTs a delivery to the real webhook, signed (X-Hub-Signature-256) as Meta signs it. */
async function deliver(payload: unknown, secret = appSecret): Promise<Response> {
  const { body, headers } = signedDelivery(payload, secret);
  return fetch(`${server!.url}/api/whatsapp/webhook`, { method: "POST", headers, body });
}

describe.skipIf(!enabled)("the inbox in a real browser", () => {
  beforeAll(async () => {
    world = await startBrowserWorld({
      name: "inbox",
      user: { email: EMAIL, password: PASSWORD },
      pageProblems,
      logIn: false,
    });
    ({ dataDir, screenshots, server, chrome, page } = world);
    // Without WHATSAPP_APP_SECRET the server verifies deliveries with the secret it made here.
    appSecret = readFileSync(join(dataDir, "secrets", WHATSAPP_LOCAL_SECRET_FILE), "utf8").trim();
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  test(
    "a signed WhatsApp delivery shows up in the open inbox without a reload; a forged one is refused and never shows",
    async () => {
      await logInThroughForm(page, server!.url, EMAIL, PASSWORD);
      await page.goto(`${server!.url}/inbox`);
      await page.getByText("No messages yet").waitFor();
      await markPage();

      const forged = await deliver(
        textMessage(SARAH, "wamid.FORGED1", "Forged: pay this invoice now"),
        "not-the-app-secret",
      );
      expect(forged.status).toBe(401);
      const delivered = await deliver(textMessage(SARAH, "wamid.BROWSER1", INBOUND, new Date()));
      expect(delivered.status).toBe(200);

      const conversations = page.locator("#conversations");
      const conversation = conversations.locator("li").filter({ has: page.getByRole("link", { name: SARAH.name }) });
      await conversation.waitFor({ timeout: LIVE_MS });
      expect(await conversation.innerText()).toContain(INBOUND);
      await conversation.getByText("1 unread").waitFor();
      await expect(conversations.locator("#unread-total").innerText()).resolves.toBe("1 unread");
      expect(await conversations.innerText()).not.toContain("Forged");
      await pageWasNotReloaded();
      await shoot("inbox-live");
    },
    TEST_MS,
  );

  test(
    "two messages a moment apart both reach the open inbox: the second's refresh is never lost to the first's",
    async () => {
      await markPage();
      const conversation = page
        .locator("#conversations li")
        .filter({ has: page.getByRole("link", { name: SARAH.name }) });
      // Customers write in bursts: the second message's live event comes well inside a second of the first's.
      const first = await deliver(textMessage(SARAH, "wamid.BURST1", "Also the bathroom tap", new Date()));
      expect(first.status).toBe(200);
      await conversation.getByText("Also the bathroom tap").waitFor({ timeout: LIVE_MS });
      const second = await deliver(textMessage(SARAH, "wamid.BURST2", BURST_LAST, new Date()));
      expect(second.status).toBe(200);
      await conversation.getByText(BURST_LAST).waitFor({ timeout: LIVE_MS });
      await conversation.getByText("3 unread").waitFor();
      await pageWasNotReloaded();
    },
    TEST_MS,
  );

  test(
    "staff open the conversation and reply; the reply shows in the thread as not sent (the embedded outbox)",
    async () => {
      await Promise.all([
        page.waitForURL(/\/inbox\/[0-9a-f-]{36}$/),
        page.locator("#conversations").getByRole("link", { name: SARAH.name }).click(),
      ]);
      conversationPath = new URL(page.url()).pathname;
      await expect(page.locator("h1").innerText()).resolves.toContain(SARAH.name);
      await page.locator("#thread .line.caller").filter({ hasText: INBOUND }).waitFor();

      // The reply box says, before sending, what WhatsApp will carry and that nothing will be sent.
      const box = page.locator("#reply-box");
      await expect(box.locator("select[name=channel]").inputValue()).resolves.toBe("whatsapp");
      expect(await box.innerText()).toContain("WhatsApp: free text until");
      expect(await box.innerText()).toContain("No WhatsApp account connected: the message stays in the outbox");
      // Chosen SMS, the box says nothing of WhatsApp's 24-hour rule; back on WhatsApp, it does again.
      await box.locator("select[name=channel]").selectOption("sms");
      expect(await box.innerText()).not.toContain("24 hours");
      expect(await box.innerText()).toContain("No Twilio account connected");
      await box.locator("select[name=channel]").selectOption("whatsapp");
      expect(await box.innerText()).toContain("24 hours");
      expect(await box.innerText()).not.toContain("No Twilio account connected");

      await markPage();
      await box.locator("textarea[name=text]").fill(REPLY);
      await box.getByRole("button", { name: "Send" }).click();
      await page
        .locator("#reply-box")
        .getByText("Not sent: no WhatsApp account connected. It stays in the outbox.")
        .waitFor();

      // Shown at once; the send job runs in the background and the live update moves its status on.
      const reply = page.locator("#thread .line.staff").filter({ hasText: REPLY });
      await reply.waitFor({ timeout: 2_000 });
      await reply.getByText("Not sent: no WhatsApp account connected").waitFor({ timeout: LIVE_MS });
      expect(await reply.innerText()).toContain("This shows what would have been sent.");
      expect(await reply.count()).toBe(1);
      await expect(page.locator("#reply-box textarea[name=text]").inputValue()).resolves.toBe("");
      await pageWasNotReloaded();
      await shoot("conversation-replied");
    },
    TEST_MS,
  );

  test(
    "back in the inbox the conversation is read, and its latest line is the reply",
    async () => {
      expect(conversationPath).not.toBe("");
      await page.goto(`${server!.url}/inbox`);
      const conversation = page
        .locator("#conversations li")
        .filter({ has: page.getByRole("link", { name: SARAH.name }) });
      expect(await conversation.innerText()).toContain(`You: ${REPLY}`);
      await expect(page.locator("#unread-total").innerText()).resolves.toBe("0 unread");
      await shoot("inbox-read");
    },
    TEST_MS,
  );

  test(
    "from the lead page, a reply shows in the lead's thread at once, once, and its status moves on live",
    async () => {
      expect(conversationPath).not.toBe("");
      const leadId = conversationPath.split("/").at(-1)!;
      await page.goto(`${server!.url}/leads/${leadId}`);
      const thread = page.locator("#lead-thread");
      await thread.locator(".line.staff").filter({ hasText: REPLY }).waitFor();
      await markPage();

      const box = page.locator("#reply-box");
      await box.locator("select[name=channel]").selectOption("sms");
      await box.locator("textarea[name=text]").fill(LEAD_PAGE_REPLY);
      await box.getByRole("button", { name: "Send" }).click();
      const reply = thread.locator(".line.staff").filter({ hasText: LEAD_PAGE_REPLY });
      await reply.waitFor({ timeout: 2_000 });
      await reply.getByText("SMS queued, not sent (no Twilio account)").waitFor({ timeout: LIVE_MS });
      // The live refresh and the answer both carried it: it is still there once.
      await page.waitForTimeout(1_000);
      expect(await reply.count()).toBe(1);
      await pageWasNotReloaded();
      await shoot("lead-page-replied");
    },
    TEST_MS,
  );

  test("the browser saw no script errors and no refused resources", () => {
    expect(pageProblems).toEqual([]);
  });
});
