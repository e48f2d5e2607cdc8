/**
 * A simulated call watched live in a real browser, the way a newcomer first meets Switchboard:
 * `bun src/main.ts` on a fresh data folder (embedded defaults, no keys), a staff user made with
 * the real command line, the login form, then "Simulate a call" on the dashboard. The fixture
 * plays in real time (about 33 s of audio) against the server through its public address, and
 * the browser lands on the live call page and watches it happen; a second tab keeps the calls
 * list open meanwhile.
 *
 * What the page shows is sampled inside the page every 100 ms (an init script, so nothing
 * between samples is missed by a slow round trip to the test process): the status badge and
 * timer, each final line and when it first appeared, the provisional lines, and the details
 * panel. The assertions then read that timeline.
 *
 * Screenshots go to $SCREENSHOT_DIR, else a fresh folder under the system temp folder; the
 * path is printed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { SHIPPED_FIXTURES_DIR } from "../../src/fixtures.ts";
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
import { sidewaysProblems } from "../support/phone-width.ts";

const enabled = browserTestsEnabled();

const EMAIL = "controller@handy.example";
const PASSWORD = "the-boiler-is-leaking-again";
const FIXTURE = "boiler-leak-tenant";
const script = JSON.parse(readFileSync(join(SHIPPED_FIXTURES_DIR, FIXTURE, "call.json"), "utf8")) as {
  turns: { track: "inbound" | "outbound"; text: string; startMs: number; endMs: number }[];
  durationMs: number;
  expected: { name: string; postcode: string };
};

/** One look at the call page, taken in the page. */
interface Sample {
  at: number;
  status: string;
  timer: string | null;
  /** Whether the timer is running (the page's script ticks it) or stopped at the call's length. */
  ticking: boolean;
  lines: { id: string; who: string; text: string }[];
  interim: { inbound: string; outbound: string };
  notice: string;
  name: string | null;
  postcode: string | null;
  missing: number | null;
  intake: string;
  heading: string;
  caller: string;
}

/**
 * Runs in every document before its own scripts: on a call page, samples what is shown every
 * 100 ms into window.__samples, and notes when each final line first appeared.
 */
function samplerScript() {
  if (!/^\/calls\/[0-9a-f-]{36}$/.test(location.pathname)) return;
  const w = window as unknown as { __samples: unknown[]; __stream: { event: string; at: number }[] };
  w.__samples = [];
  // What the page's live stream did after the call: "ended", "filed", and when it closed.
  w.__stream = [];
  document.addEventListener("htmx:sseOpen", (event) => {
    const source = (event as CustomEvent<{ source: EventSource }>).detail.source;
    for (const name of ["ended", "filed"])
      source.addEventListener(name, () => w.__stream.push({ event: name, at: Date.now() }));
  });
  document.addEventListener("htmx:sseClose", (event) => {
    w.__stream.push({ event: `close:${(event as CustomEvent<{ type: string }>).detail.type}`, at: Date.now() });
  });
  const text = (selector: string) => (document.querySelector(selector)?.textContent ?? "").replace(/\s+/g, " ").trim();
  const take = () => {
    if (!document.getElementById("live-call")) return;
    const missing = document.querySelector("#caller-details-panel .missing");
    const field = (id: string) => (document.getElementById(id) as HTMLInputElement | null)?.value ?? null;
    w.__samples.push({
      at: Date.now(),
      status: text("#call-status .badge"),
      timer: document.querySelector("#call-status .timer")?.textContent ?? null,
      ticking: document.querySelector("#call-status .timer[data-since]") !== null,
      lines: [...document.querySelectorAll("#transcript > p.line")].map((p) => ({
        id: p.id,
        who: p.classList.contains("caller") ? "caller" : p.classList.contains("staff") ? "staff" : "?",
        text: (p.textContent ?? "").replace(/\s+/g, " ").trim(),
      })),
      interim: { inbound: text("#interim-inbound"), outbound: text("#interim-outbound") },
      notice: text("#transcriber-state"),
      name: field("detail-name"),
      postcode: field("detail-postcode"),
      missing: missing
        ? missing.querySelectorAll("li").length
        : document.querySelector("#caller-details-panel .ok-note")
          ? 0
          : null,
      intake: text("#intake-note"),
      heading: text("h1"),
      caller: text("#caller-details"),
    });
  };
  document.addEventListener("DOMContentLoaded", () => {
    take();
    setInterval(take, 100);
  });
}

let dataDir = "";
let screenshots = "";
let server: RunningServer | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;
let listPage: Page;
const pageProblems: string[] = [];
let loggedIn = false;
let callPath = "";
/** When the button was pressed and when the page said Completed (ms since the epoch). */
let pressedAt = 0;
let completedAt = 0;
let samples: Sample[] = [];
const timings: string[] = [];
const fileStarted = performance.now();

const needLogin = () => {
  if (!loggedIn) throw new Error("not logged in: see the login test above");
};
const needCall = () => {
  if (samples.length === 0) throw new Error("the call was not watched: see the simulate test above");
};
async function shoot(p: Page, name: string) {
  const path = join(screenshots, `${name}.png`);
  await p.screenshot({ path, fullPage: true });
  return path;
}
const readSamples = async () =>
  (await page.evaluate(() => (window as unknown as { __samples?: Sample[] }).__samples ?? [])) as Sample[];
const ms = (t: number) => `${((t - pressedAt) / 1000).toFixed(1)} s`;

describe.skipIf(!enabled)("a simulated call watched live in a real browser", () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "sb-browser-call-"));
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
    const added = await runCli(["user", "add", EMAIL, "--password", PASSWORD], env);
    if (added.code !== 0) throw new Error(`user add failed (${added.code}):\n${added.stdout}${added.stderr}`);
    timings.push(`user add ${(performance.now() - t).toFixed(0)} ms`);

    await chrome.context.addInitScript(samplerScript);
    chrome.context.on("page", (p) => {
      watchForPageProblems(p, pageProblems);
    });
    page = await chrome.context.newPage();
    page.setDefaultTimeout(5_000);
  }, 45_000);

  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    console.log(
      `Browser screenshots: ${screenshots} (set-up: ${timings.join(", ")}; whole file ${((performance.now() - fileStarted) / 1000).toFixed(1)} s)`,
    );
  });

  test("staff log in through the form", async () => {
    await logInThroughForm(page, server!.url, EMAIL, PASSWORD);
    expect(new URL(page.url()).pathname).toBe("/");
    loggedIn = true;
  }, 15_000);

  test("Simulate a call on the dashboard opens the live call page, and the call plays out on it as it is spoken", async () => {
    needLogin();
    const form = page.locator("form[action='/simulate-call']");
    await form.getByText("No phone line connected").waitFor();
    await form.locator("select[name=fixture]").selectOption(FIXTURE);
    pressedAt = Date.now();
    await Promise.all([
      page.waitForURL(/\/calls\/[0-9a-f-]{36}$/, { timeout: 10_000 }),
      form.getByRole("button", { name: "Simulate a call" }).click(),
    ]);
    callPath = new URL(page.url()).pathname;
    timings.push(`button to call page ${Date.now() - pressedAt} ms`);

    // A second tab on the calls list while the call plays: the call is there, marked live.
    listPage = await chrome!.context.newPage();
    listPage.setDefaultTimeout(5_000);
    await listPage.goto(`${server!.url}/calls`);
    const row = listPage.locator("#calls-table tr", { has: listPage.locator(`a[href="${callPath}"]`) });
    await row.waitFor();
    expect(await row.locator(".badge.live").textContent()).toMatch(/^Live · (Ringing|In progress)$/);

    // Mid-call: a few lines in, still live, something provisional on screen if we can catch it.
    await page.waitForFunction(() => document.querySelectorAll("#transcript > p.line").length >= 3, undefined, {
      timeout: 30_000,
    });
    await page
      .waitForFunction(() => (document.getElementById("interim-inbound")?.textContent ?? "").trim() !== "", undefined, {
        timeout: 8_000,
      })
      .catch(() => {});
    expect(await page.locator("#call-status .badge").textContent()).not.toBe("Completed");
    const mid = await shoot(page, "live-call-mid");
    timings.push(`mid-call screenshot ${mid}`);

    // The end of the call: Completed, and the job it was filed under.
    await page.locator("#call-status .badge", { hasText: "Completed" }).waitFor({ timeout: 45_000 });
    completedAt = Date.now();
    await page.locator("#intake-note a").waitFor({ timeout: 10_000 });
    await Bun.sleep(300); // one more sample after the last swap
    samples = await readSamples();
    await shoot(page, "live-call-end");
    timings.push(`button to Completed ${((completedAt - pressedAt) / 1000).toFixed(1)} s`);

    // The calls list followed without a reload: the row now says Completed.
    await listPage
      .locator("#calls-table tr", { has: listPage.locator(`a[href="${callPath}"]`) })
      .getByText("Completed")
      .waitFor({ timeout: 5_000 });
    await shoot(listPage, "calls-list-after");
    expect(samples.length).toBeGreaterThan(100);
  }, 80_000);

  test("the transcript was a labelled demo, and the lines arrived one by one while the call was live, caller and staff told apart", () => {
    needCall();
    expect(samples.at(-1)!.notice).toContain("Demo transcript");
    expect(samples.some((s) => s.notice.includes("Demo transcript") && s.status !== "Completed")).toBe(true);

    const finalLines = samples.at(-1)!.lines;
    expect(finalLines.map((l) => l.who)).toEqual(script.turns.map((t) => (t.track === "inbound" ? "caller" : "staff")));
    finalLines.forEach((line, i) => {
      expect(line.text).toContain(script.turns[i]!.text);
      expect(line.text).toContain(script.turns[i]!.track === "inbound" ? "Caller:" : "Staff:");
    });
    expect(new Set(finalLines.map((l) => l.id)).size).toBe(finalLines.length);

    // When each line first showed, and what the status said then.
    const firstSeen = finalLines.map((line) => samples.find((s) => s.lines.some((l) => l.id === line.id))!);
    for (let i = 1; i < firstSeen.length; i++) expect(firstSeen[i]!.at).toBeGreaterThanOrEqual(firstSeen[i - 1]!.at);
    // Every line but the last was on screen while the call was still live, well before it ended.
    for (const seen of firstSeen.slice(0, -1)) expect(seen.status).not.toBe("Completed");
    expect(completedAt - firstSeen[0]!.at).toBeGreaterThan(15_000);
    // Lines arrive as they are spoken (about 33 s of audio), not all at once.
    expect(firstSeen.at(-1)!.at - firstSeen[0]!.at).toBeGreaterThan(15_000);
    // A line never vanished once shown (no reload wiped the transcript, no duplicate swap).
    for (const s of samples) {
      const ids = s.lines.map((l) => l.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
    console.log(`Lines first seen at: ${firstSeen.map((s) => ms(s.at)).join(", ")}; Completed at ${ms(completedAt)}`);
  });

  test("provisional text is shown per speaker and replaced by the final line", () => {
    needCall();
    let replaced = 0;
    for (const [i, turn] of script.turns.entries()) {
      const lineId = samples.at(-1)!.lines[i]!.id;
      const interims = samples
        .filter((s) => !s.lines.some((l) => l.id === lineId) && s.interim[turn.track] !== "")
        .map((s) => s.interim[turn.track]);
      const shown = interims.find((text) =>
        turn.text.startsWith(text.replace(/^(Caller|Staff): /, "").replace(/…$/, "")),
      );
      if (!shown) continue;
      expect(shown.endsWith("…")).toBe(true);
      // Half a second after the final line appeared, that provisional text has gone.
      const appeared = samples.find((s) => s.lines.some((l) => l.id === lineId))!.at;
      const after = samples.find((s) => s.at >= appeared + 500);
      if (after) expect(after.interim[turn.track]).not.toBe(shown);
      replaced++;
    }
    // Each turn shows its first half for a second or more; at a 100 ms sample most are caught.
    expect(replaced).toBeGreaterThanOrEqual(script.turns.length - 1);
    // Nothing provisional is left at the end.
    expect(samples.at(-1)!.interim).toEqual({ inbound: "", outbound: "" });
  });

  test("the status and the running timer updated live", () => {
    needCall();
    const statuses = [...new Set(samples.map((s) => s.status))];
    expect(statuses).toContain("In progress");
    expect(statuses.at(-1)).toBe("Completed");
    expect(statuses.indexOf("In progress")).toBeLessThan(statuses.indexOf("Completed"));
    const timers = samples.filter((s) => s.status === "In progress" && s.ticking).map((s) => s.timer!);
    const seconds = timers.map((t) => {
      const [m, s] = t.split(":").map(Number);
      return m! * 60 + s!;
    });
    expect(Math.max(...seconds)).toBeGreaterThanOrEqual(20);
    expect(new Set(timers).size).toBeGreaterThan(10);
    for (let i = 1; i < seconds.length; i++) expect(seconds[i]!).toBeGreaterThanOrEqual(seconds[i - 1]!);
    // After the call, the timer stops at the call's length, in the same m:ss as while it ran.
    const last = samples.at(-1)!;
    expect(last.ticking).toBe(false);
    const length = Math.round(script.durationMs / 1000);
    expect(last.timer).toBe(`${Math.floor(length / 60)}:${String(length % 60).padStart(2, "0")}`);
    expect(Math.abs(length - Math.max(...seconds))).toBeLessThanOrEqual(3);
  });

  test("the details panel filled in as the caller spoke, and the still-to-ask list shrank", () => {
    needCall();
    const last = samples.at(-1)!;
    expect(last.name).toBe(script.expected.name);
    expect(last.postcode).toBe(script.expected.postcode);
    // The name was on screen while the call was live.
    const named = samples.find((s) => s.name === script.expected.name)!;
    expect(named.status).not.toBe("Completed");
    const counts = samples.map((s) => s.missing).filter((n): n is number => n !== null);
    expect(counts.length).toBeGreaterThan(0);
    const most = Math.max(...counts);
    expect(most).toBeGreaterThan(0);
    expect(counts.at(-1)!).toBeLessThan(most);
    const firstShrink = samples.find(
      (s, i) =>
        i > 0 && s.missing !== null && samples.slice(0, i).some((p) => p.missing !== null && p.missing > s.missing!),
    );
    expect(firstShrink?.status).not.toBe("Completed");
    console.log(`Still to ask: ${[...new Set(counts)].join(" → ")}`);
  });

  test("at the end: Completed, and a Job opened link", async () => {
    needCall();
    const last = samples.at(-1)!;
    expect(last.status).toBe("Completed");
    expect(last.intake).toContain("Job opened");
    // The caller card and the heading named the caller without a reload.
    expect(last.caller).toContain(script.expected.name);
    expect(last.caller).toContain(script.expected.postcode);
    expect(last.heading).toContain(script.expected.name);
    expect(samples[0]!.caller).not.toContain(script.expected.name);
    // The page listened until it had both "ended" and the filing's "filed" (either may come first), then closed.
    const stream = (
      await page.evaluate(() => (window as unknown as { __stream: { event: string; at: number }[] }).__stream)
    ).map((e) => e.event);
    expect(stream.filter((e) => e === "ended" || e === "filed").sort()).toEqual(["ended", "filed"]);
    expect(stream.at(-1)).toBe("close:message");
    expect(stream.filter((e) => e.startsWith("close:"))).toEqual(["close:message"]);
    const href = await page.locator("#intake-note a").getAttribute("href");
    expect(href).toMatch(/^\/issues\/[0-9a-f-]{36}$/);
    // The whole thing, press to Completed, in about the call's own length.
    expect(completedAt - pressedAt).toBeLessThan(script.durationMs + 20_000);

    // Reloaded after the call: the full transcript, nothing provisional, not live.
    await page.reload();
    const lines = page.locator("#transcript > p.line");
    expect(await lines.count()).toBe(script.turns.length);
    expect(await page.locator(".interims").count()).toBe(0);
    expect(await page.locator("#live-call").getAttribute("sse-connect")).toBeNull();
    // The lead was filled in at the end of the call: the page now names the caller.
    expect(await page.locator("h1").textContent()).toContain(script.expected.name);
    // And it still says the call opened the job, as it did live.
    expect(await page.locator("#intake-note").textContent()).toContain("Job opened");
    await shoot(page, "live-call-reloaded");
  }, 15_000);

  test("the finished call's page, details filled in, fits a phone's width", async () => {
    needLogin();
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.reload();
      expect(await page.evaluate(sidewaysProblems)).toEqual([]);
      await shoot(page, "live-call-phone");
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  }, 15_000);

  test("the browser saw no script errors and no refused resources", () => {
    expect(pageProblems).toEqual([]);
  });
});
