/**
 * Typing a correction while the call goes on, in a real browser: the server runs in this process
 * (tests/support/running-server.ts) so the test can speak the caller's lines into the call's real
 * intake (rules extractor, live events) while Chromium shows the live call page. The field being
 * typed in keeps what staff typed, focus and caret, with a "you are editing" mark; every other
 * field keeps updating live; once staff leave it, the correction is kept over what the caller
 * says next.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import type { Call } from "../../src/domain/calls.ts";
import { callIntakeObserver } from "../../src/domain/extraction/call-intake.ts";
import { companySafetyRules } from "../../src/domain/extraction/safety-rules.ts";
import { callChannel } from "../../src/domain/live-call/channels.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { browserTestsEnabled, launchChromium, logInThroughForm, watchForPageProblems } from "../support/browser.ts";
import type { LaunchedBrowser } from "../support/browser.ts";
import { startLiveServer, type LiveServer } from "../support/running-server.ts";
import { aStaffUser } from "../support/test-app.ts";

const enabled = browserTestsEnabled();

let server: LiveServer | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;
let call: Call;
let intake: ReturnType<typeof callIntakeObserver>;
const pageProblems: string[] = [];

let lineAt = 0;
/** The caller says a line: stored, shown in the transcript, and read by the call's live extraction. */
async function callerSays(text: string) {
  const { repos, liveEvents } = server!.deps;
  lineAt += 3000;
  const segment = await repos.calls.addSegment({
    callId: call.id,
    track: "inbound",
    text,
    startMs: lineAt,
    endMs: lineAt + 2500,
    isFinal: true,
    confidence: 0.9,
  });
  await liveEvents.publish(callChannel(call.id), { type: "segment", data: segment });
  intake.segmentStored(segment);
}

const valueOf = (id: string) => page.locator(`#${id}`).inputValue();
const editingMarkShown = (field: string) =>
  page.locator(`#caller-details-panel [data-field="${field}"] .editing-mark`).isVisible();
const markOf = (field: string) => page.locator(`#caller-details-panel [data-field="${field}"] .confidence`).innerText();

describe.skipIf(!enabled)("correcting a detail while the call is live, in a real browser", () => {
  beforeAll(async () => {
    [server, chrome] = await Promise.all([startLiveServer(), launchChromium()]);
    const { deps } = server;
    const staff = await aStaffUser(deps, "ana@handy.example", "kettle-on-for-the-plumber");
    const lead = await deps.repos.leads.create({
      name: null,
      organisation: null,
      phone: "+447700900123" as E164,
      email: null,
      address: null,
      postcode: null,
      segment: "unknown",
      source: "phone",
      notes: null,
    });
    call = await deps.repos.calls.record({
      providerCallId: "CA0000000000000000000000000000beef",
      direction: "inbound",
      from: "+447700900123",
      to: "+442079460000",
      leadId: lead.id,
      status: "in-progress",
      startedAt: new Date(),
    });
    intake = callIntakeObserver(
      {
        calls: deps.repos.calls,
        leads: deps.repos.leads,
        leadContacts: deps.repos.leadContacts,
        issues: deps.repos.issues,
        auditTrail: deps.repos.audit,
        now: deps.now,
        extractor: deps.extraction.extractor,
        liveEvents: deps.liveEvents,
        log: deps.logger,
        safetyRules: () => companySafetyRules(deps.repos.settings),
      },
      call,
      { debounceMs: 10, minSpeechMsBetweenRuns: 0 },
    );
    page = await chrome.context.newPage();
    page.setDefaultTimeout(8_000);
    watchForPageProblems(page, pageProblems);
    await logInThroughForm(page, server.baseUrl, staff.email, staff.password);
  }, 60_000);

  afterAll(async () => {
    await chrome?.close();
    await server?.stop();
  });

  test("the field being typed in is held with a mark, the others update live, and the correction sticks", async () => {
    await page.goto(`${server!.baseUrl}/calls/${call.id}`);
    // The page is listening once a line said now shows up in its transcript.
    await callerSays("Hi, my name is Sarah Jones.");
    await page.locator("#transcript p.line").first().waitFor();
    await page.waitForFunction(
      () => (document.getElementById("detail-name") as HTMLInputElement | null)?.value === "Sarah Jones",
    );
    expect(await editingMarkShown("name")).toBe(false);

    // Staff start retyping the name, and are still in the field when the caller goes on.
    await page.locator("#detail-name").click();
    await page.locator("#detail-name").fill("");
    await page.keyboard.type("Sara Jone");
    expect(await editingMarkShown("name")).toBe(true);
    await callerSays("I'm a tenant at 12 Baker Street, N W 1, 6 X E. My boiler is leaking, it's quite urgent.");

    // The other fields fill in live around the one being typed in.
    await page.waitForFunction(
      () => (document.getElementById("detail-postcode") as HTMLInputElement | null)?.value === "NW1 6XE",
    );
    expect(await page.locator("#detail-urgency").inputValue()).toBe("urgent");
    expect(await page.locator("#caller-details-panel .missing li", { hasText: "postcode" }).count()).toBe(0);
    // The typed text, focus and caret are where staff left them; the mark is still beside the field.
    expect(await valueOf("detail-name")).toBe("Sara Jone");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("detail-name");
    expect(await editingMarkShown("name")).toBe(true);
    expect(await editingMarkShown("postcode")).toBe(false);
    await page.keyboard.type("s");
    expect(await valueOf("detail-name")).toBe("Sara Jones");

    // Leaving the field sends the correction: the panel says so, and the mark goes.
    await page.keyboard.press("Tab");
    await page.locator('#caller-details-panel [data-field="name"] .confidence.corrected').waitFor();
    expect(await markOf("name")).toBe("corrected by staff");
    expect(await editingMarkShown("name")).toBe(false);

    // The caller says the old name again: the correction stands, live and after a reload.
    await callerSays("Yes, Sarah Jones, that's right. It's really an emergency now.");
    await page.waitForFunction(
      () => (document.getElementById("detail-urgency") as HTMLSelectElement | null)?.value === "emergency",
    );
    expect(await valueOf("detail-name")).toBe("Sara Jones");
    expect(await markOf("name")).toBe("corrected by staff");
    await page.reload();
    expect(await valueOf("detail-name")).toBe("Sara Jones");
    expect(await markOf("name")).toBe("corrected by staff");
  }, 45_000);

  test("a field left without a change catches up with what was said meanwhile", async () => {
    await page.locator("#detail-accessNotes").click();
    expect(await editingMarkShown("accessNotes")).toBe(true);
    await callerSays("You can get in with the key in the key safe, code 4512.");
    // Held while focus stays in it (the still-to-ask list around it moves on)…
    await page
      .locator("#caller-details-panel .missing li", { hasText: "how we get in" })
      .waitFor({ state: "detached" });
    expect(await valueOf("detail-accessNotes")).toBe("");
    // …and brought up to date once staff click elsewhere.
    await page.locator("h1").click();
    await page.waitForFunction(
      () => (document.getElementById("detail-accessNotes") as HTMLInputElement | null)?.value !== "",
    );
    expect(await valueOf("detail-accessNotes")).toContain("key safe");
    expect(await markOf("accessNotes")).not.toBe("corrected by staff");
    expect(await editingMarkShown("accessNotes")).toBe(false);
  }, 20_000);

  test("Enter in a field sends the correction in place, once; the page stays", async () => {
    const url = page.url();
    await page.locator("#detail-organisation").click();
    await page.keyboard.type("Baker Street Flats");
    await page.keyboard.press("Enter");
    await page.locator('#caller-details-panel [data-field="organisation"] .confidence.corrected').waitFor();
    expect(page.url()).toBe(url);
    expect(await valueOf("detail-organisation")).toBe("Baker Street Flats");
    await page.locator("h1").click();
    await Bun.sleep(300);
    const trail = await server!.deps.repos.audit.forEntity("call", call.id);
    expect(trail.filter((e) => e.what === "corrected organisation")).toHaveLength(1);
  }, 20_000);

  test("when the call ends the panel shows the filed details, corrections included, and staff's name reached the lead", async () => {
    await intake.callEnded();
    await page.locator("#intake-note a").waitFor();
    expect(await valueOf("detail-name")).toBe("Sara Jones");
    expect(await valueOf("detail-postcode")).toBe("NW1 6XE");
    const lead = await server!.deps.repos.leads.byId(call.leadId!);
    expect(lead!.name).toBe("Sara Jones");
    expect(pageProblems).toEqual([]);
  }, 20_000);
});
