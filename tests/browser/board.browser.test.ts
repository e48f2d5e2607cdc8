/**
 * The office wall board in Chromium against the real server: an admin makes a read-only link, a
 * screen with no login opens it, a simulated call shows up on it by itself, and revoking the
 * link takes the figures off the screen. A board that loses its network catches up when it is back. No console errors while the board is in use.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Page } from "playwright-core";
import {
  browserTestsEnabled,
  logInThroughForm,
  startBrowserWorld,
  watchForPageProblems,
  type BrowserWorld,
} from "../support/browser.ts";

const enabled = browserTestsEnabled();
const USER = { email: "owner@handy.example", password: "the board on the wall", role: "admin" as const };
const pageProblems: string[] = [];
const consoleErrors: string[] = [];
let world: BrowserWorld;
let board: Page;

describe.skipIf(!enabled)("the wall board in a real browser", () => {
  beforeAll(async () => {
    world = await startBrowserWorld({ name: "board", user: USER, pageProblems });
  }, 120_000);
  afterAll(async () => world?.close());

  test("a link opens the board with no login; a call arriving shows on it by itself; it catches up after losing its network; revoking blanks it", async () => {
    const { page, server } = world;
    // The admin makes a link for the office TV, and copies its address.
    await page.goto(`${server.url}/settings/board`);
    await page.fill('input[name="label"]', "Office TV");
    await Promise.all([page.waitForLoadState("load"), page.click("text=Make a link")]);
    const url = await page.locator("#new-board-link input").inputValue();
    expect(url).toMatch(/\/board\/[A-Za-z0-9_-]{22}$/);
    // Logged out: the TV's browser has no session.
    await Promise.all([page.waitForURL("**/login"), page.click("text=Log out")]);

    board = await world.chrome.context.newPage();
    watchForPageProblems(board, pageProblems);
    board.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    await board.goto(url);
    expect(await board.locator('[data-figure="live-calls"]').textContent()).toBe("0");
    expect(await board.locator("nav").count()).toBe(0);
    // Wait for the stream to be open before the call starts (board.js re-reads on open).
    await board.waitForFunction(() => !document.getElementById("board-status")?.textContent);
    await board.waitForTimeout(500);
    await board.screenshot({ path: join(world.screenshots, "board-idle.png"), fullPage: true });

    // Staff simulate a call (the embedded default): the board counts it without being reloaded.
    await logInThroughForm(page, server.url, USER.email, USER.password);
    await page.goto(`${server.url}/`);
    const form = page.locator("form[action='/simulate-call']");
    await form.locator("select[name=fixture]").selectOption("boiler-leak-tenant");
    await Promise.all([
      page.waitForURL(/\/calls\/[0-9a-f-]{36}$/, { timeout: 15_000 }),
      form.getByRole("button", { name: "Simulate a call" }).click(),
    ]);
    await board.locator('[data-figure="live-calls"]:text-is("1")').waitFor({ timeout: 15_000 });
    const listed = await board.locator("#live-calls li").innerText();
    expect(listed).toMatch(/•••\d{3}/);
    await board.screenshot({ path: join(world.screenshots, "board-call-live.png"), fullPage: true });
    expect(consoleErrors).toEqual([]);
    expect(pageProblems).toEqual([]);

    // The TV loses its network while the call ends; back online, it catches up by itself.
    const network = await world.chrome.context.newCDPSession(board);
    await network.send("Network.enable");
    await network.send("Network.emulateNetworkConditions", {
      offline: true,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await page.locator('#call-status .badge:text-is("Completed")').waitFor({ timeout: 120_000 });
    expect(await board.locator('[data-figure="live-calls"]').textContent()).toBe("1");
    await network.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    await board.locator('[data-figure="live-calls"]:text-is("0")').waitFor({ timeout: 40_000 });
    await board.screenshot({ path: join(world.screenshots, "board-back-online.png"), fullPage: true });
    // Whatever the browser said while offline (failed reconnections), no script error.
    expect(pageProblems).toEqual([]);
    consoleErrors.length = 0;

    // Revoked: the open board loses its figures within seconds.
    await page.goto(`${server.url}/settings/board`);
    await Promise.all([page.waitForLoadState("load"), page.click("button:text('Revoke')")]);
    await board.locator("text=This board link no longer works").waitFor({ timeout: 15_000 });
    expect(await board.locator("#board-figures").count()).toBe(0);
    await board.screenshot({ path: join(world.screenshots, "board-revoked.png"), fullPage: true });
    // The browser reports the refused reconnection and re-read (404s) and nothing else.
    expect(consoleErrors.filter((e) => !e.includes("404"))).toEqual([]);
    expect(pageProblems).toEqual([]);
  }, 240_000);
});
