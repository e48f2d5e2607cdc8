/**
 * /settings/on-call in a real browser against the real server: an admin sets office hours (a bad
 * day refused with the reason, what was typed kept), puts an engineer on call now, sees who
 * answers, is refused an overlapping period, removes it, and gives an engineer a phone number. The engineers come in through the
 * command line as an operator adds them, one phone number set afterwards with `engineer set-phone`.
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
const ADMIN = "admin@handy.example";
const PASSWORD = "rota-and-a-cup-of-tea";
const TEST_MS = 40_000;

let world: BrowserWorld | undefined;
let server: RunningServer;
let page: Page;
let screenshots = "";
const pageProblems: string[] = [];

/** A London wall-clock time `hours` from now, as a datetime-local field takes it ("2026-12-03T18:30"). */
function londonInput(hours: number): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/London",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(Date.now() + hours * 3600_000));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}T${get("hour")}:${get("minute")}`;
}

/** Today's weekday in London, Monday = 0 (the page's order). */
function londonWeekday(): number {
  const name = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", weekday: "long" }).format(new Date());
  return ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].indexOf(name);
}

const whoAnswers = () => page.locator("#who-answers").innerText();

describe.skipIf(!enabled)("the on-call settings in a real browser", () => {
  beforeAll(async () => {
    world = await startBrowserWorld({
      name: "on-call",
      user: { email: ADMIN, password: PASSWORD, role: "admin" },
      pageProblems,
    });
    ({ server, page, screenshots } = world);
    for (const args of [
      ["engineer", "add", "ali@handy.example", "--name", "Ali Shah", "--trade", "plumbing", "--password", PASSWORD],
      ["engineer", "add", "bea@handy.example", "--name", "Bea Jones", "--trade", "heating", "--password", PASSWORD],
      ["engineer", "set-phone", "ali@handy.example", "07700 900321"],
    ]) {
      const run = await runCli(args, world.env);
      if (run.code !== 0) throw new Error(`${args.join(" ")} failed (${run.code}):\n${run.stdout}${run.stderr}`);
    }
  }, 90_000);

  afterAll(async () => {
    await world?.close();
  });

  test(
    "office hours saved and refused, an engineer put on call now, an overlap refused, the period removed",
    async () => {
      await page.goto(`${server.url}/settings/on-call`);
      await page.getByRole("heading", { name: "Out of hours and on call" }).waitFor();
      expect(await page.locator("#rota").innerText()).toContain("Nobody is on the rota for the coming four weeks.");
      // Bea has no number yet; the select says so, so nobody is put on call who cannot be rung.
      const options = await page.locator("select[name=engineerId] option").allInnerTexts();
      expect(options.map((o) => o.trim()).sort()).toEqual(["Ali Shah", "Bea Jones (no phone number)"]);

      // A day that is not a time range is refused with the reason, and what was typed stays.
      const days = page.locator("input[name=day]");
      expect(await days.count()).toBe(7);
      await days.nth(5).fill("9 till late");
      await page.getByRole("button", { name: "Save office hours" }).click();
      await page
        .getByRole("alert")
        .getByText('Not saved: sat: "9 till late" is not a working day: write it as 08:00-17:00.')
        .waitFor();
      expect(await page.locator("input[name=day]").nth(5).inputValue()).toBe("9 till late");

      // Closed today, open the other days: a call now is out of hours.
      const today = londonWeekday();
      for (let i = 0; i < 7; i++) await days.nth(i).fill(i === today ? "closed" : "08:00-17:30");
      await page.getByRole("button", { name: "Save office hours" }).click();
      await page.waitForURL(`${server.url}/settings/on-call`);
      expect(await page.locator("input[name=day]").nth(today).inputValue()).toBe("closed");
      expect(
        await page
          .locator("input[name=day]")
          .nth((today + 1) % 7)
          .inputValue(),
      ).toBe("08:00-17:30");
      expect(await whoAnswers()).toContain("Out of hours and nobody on call");

      // Ali on call from an hour ago to six hours on: calls ring his phone.
      const form = page.locator("#add-period");
      await form.locator("select[name=engineerId]").selectOption({ label: "Ali Shah" });
      await form.locator("input[name=from]").fill(londonInput(-1));
      await form.locator("input[name=to]").fill(londonInput(6));
      await form.getByRole("button", { name: "Add to the rota" }).click();
      await page.locator("#rota tbody tr", { hasText: "Ali Shah" }).waitFor();
      expect(await whoAnswers()).toContain("Ali Shah is on call: calls ring their phone.");
      await page.screenshot({ path: join(screenshots, "on-call.png"), fullPage: true });

      // Bea over the same hours overlaps: refused, Ali's period unchanged, the form keeps what was typed.
      await form.locator("select[name=engineerId]").selectOption({ label: "Bea Jones (no phone number)" });
      const from = londonInput(1);
      await form.locator("input[name=from]").fill(from);
      await form.locator("input[name=to]").fill(londonInput(3));
      await form.getByRole("button", { name: "Add to the rota" }).click();
      await page.getByRole("alert").getByText("That period overlaps another on the rota").waitFor();
      expect(await page.locator("#add-period input[name=from]").inputValue()).toBe(from);
      expect(await page.locator("#rota tbody tr").count()).toBe(1);

      // Removed: nobody on call again.
      await page.locator("#rota tbody tr", { hasText: "Ali Shah" }).getByRole("button", { name: "Remove" }).click();
      await page.locator("#rota").getByText("Nobody is on the rota for the coming four weeks.").waitFor();
      expect(await whoAnswers()).toContain("Out of hours and nobody on call");

      // Bea is given a number in the engineers' list: the rota's select stops warning about her.
      const phones = page.locator("#engineer-phones");
      await phones.getByLabel("Phone number for Bea Jones").fill("call me maybe");
      await phones.locator("tr", { hasText: "Bea Jones" }).getByRole("button", { name: "Save" }).click();
      await page.getByRole("alert").getByText('"call me maybe" is not a phone number we can dial.').waitFor();
      await phones.getByLabel("Phone number for Bea Jones").fill("07700 900654");
      await phones.locator("tr", { hasText: "Bea Jones" }).getByRole("button", { name: "Save" }).click();
      await page.waitForURL(`${server.url}/settings/on-call`);
      expect(await phones.getByLabel("Phone number for Bea Jones").inputValue()).toBe("07700 900654");
      const after = await page.locator("select[name=engineerId] option").allInnerTexts();
      expect(after.map((o) => o.trim()).sort()).toEqual(["Ali Shah", "Bea Jones"]);
      expect(pageProblems).toEqual([]);
    },
    TEST_MS,
  );
});
