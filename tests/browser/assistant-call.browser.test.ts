/**
 * "Call with the assistant" in a real browser, on the embedded default as a newcomer meets it:
 * the offline voice (eSpeak NG) speaks and the call simulator answers as the customer, in real
 * time, over the bidirectional media stream. Staff pick the simulated customer's reply on the
 * job's visit, press the button, land on the live call page and watch both sides arrive (the
 * assistant's lines labelled as the assistant's, the customer's words as the caller's, a demo
 * transcript), and the visit ends confirmed. The server runs in this process (so the consent
 * gate can be asked as if it were office hours: the test passes at any hour it runs).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import {
  browserTestsEnabled,
  launchChromium,
  logInThroughForm,
  watchForPageProblems,
  type LaunchedBrowser,
} from "../support/browser.ts";
import { startLiveServer, type LiveServer } from "../support/running-server.ts";
import { aStaffUser } from "../support/test-app.ts";
import { aJobWithVisitAndQuote, pinCallingClock } from "../e2e/assistant-call-support.ts";

const enabled = browserTestsEnabled();
const EMAIL = "office@handy.example";
const PASSWORD = "kettle-on-for-the-plumber";

let server: LiveServer | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;
const pageProblems: string[] = [];

describe.skipIf(!enabled)("an assistant call on the embedded default, in a real browser", () => {
  beforeAll(async () => {
    [server, chrome] = await Promise.all([startLiveServer(), launchChromium()]);
    pinCallingClock(server);
    await aStaffUser(server.deps, EMAIL, PASSWORD);
    page = await chrome.context.newPage();
    page.setDefaultTimeout(10_000);
    watchForPageProblems(page, pageProblems);
    await logInThroughForm(page, server.baseUrl, EMAIL, PASSWORD);
  }, 90_000);

  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  test("staff call a booked visit's customer; the live page shows both sides; the visit ends confirmed", async () => {
    const { issue, visit } = await aJobWithVisitAndQuote(server!);
    expect(server!.deps.voice.name).toBe("offline voice (espeak-ng)");
    await page.goto(`${server!.baseUrl}/issues/${issue.id}`);
    const visits = page.locator("#visits");
    const row = visits.locator("ul.visits li", { hasText: "Booked" });
    await row.getByLabel("Simulated customer").selectOption("say:yes that's fine");
    await Promise.all([
      page.waitForURL(/\/calls\/[\w-]+$/),
      row.getByRole("button", { name: "Call with the assistant" }).click(),
    ]);
    await page.getByText("Assistant call to").waitFor();

    const transcript = page.locator("#transcript");
    const opening = transcript.locator("p.line", { hasText: "automated assistant calling for" });
    await opening.waitFor({ timeout: 20_000 });
    expect(await opening.locator(".speaker").innerText()).toBe("Assistant:");
    // The opening is whole (never cut short), the question follows it, then the customer's words.
    expect(await opening.innerText()).not.toContain("[cut short]");
    const question = transcript.locator("p.line", { hasText: "we have booked your visit" });
    await question.waitFor({ timeout: 30_000 });
    expect(await question.locator(".speaker").innerText()).toBe("Assistant:");
    const answer = transcript.locator("p.line.caller", { hasText: "yes that's fine" });
    await answer.waitFor({ timeout: 30_000 });
    expect(await answer.locator(".speaker").innerText()).toBe("Caller:");
    const closing = transcript.locator("p.line", { hasText: "your visit is confirmed" });
    await closing.waitFor({ timeout: 20_000 });
    expect(await closing.locator(".speaker").innerText()).toBe("Assistant:");
    // Spoken order on the page: opening, question, the customer, the closing.
    const lines = await transcript.locator("p.line").allInnerTexts();
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(at("automated assistant")).toBeLessThan(at("we have booked"));
    expect(at("we have booked")).toBeLessThan(at("yes that's fine"));
    expect(at("yes that's fine")).toBeLessThan(at("your visit is confirmed"));

    await page.locator("#call-status", { hasText: /completed/i }).waitFor({ timeout: 20_000 });
    expect((await server!.deps.repos.appointments.byId(visit.id))!.status).toBe("confirmed");
    await page.goto(`${server!.baseUrl}/issues/${issue.id}`);
    await visits.locator("ul.visits li", { hasText: "Confirmed" }).waitFor();
    expect(await visits.getByRole("button", { name: "Call with the assistant" }).count()).toBe(0);
    expect(pageProblems).toEqual([]);
  }, 120_000);
});
