/**
 * The call page's smaller promises: the timer keeps its m:ss once the call is over, the job a
 * call opened is called that after a reload too, the caller card is swapped in live when the
 * lead is filled in, and the live badge is not the emergency red.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Call } from "../../src/domain/calls.ts";
import { callerCardData } from "../../src/domain/live-call/caller-card.ts";
import type { E164 } from "../../src/domain/phone.ts";
import type { Repositories } from "../../src/ports/database.ts";
import { callChannel } from "../../src/domain/live-call/channels.ts";
import { textOf } from "../e2e/helpers.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";

let repos: Repositories;
let world: ReturnType<typeof buildTestApp>;
let browser: ReturnType<typeof testBrowser>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  const staff = await aStaffUser(world.deps);
  browser = testBrowser(world.app);
  await browser.logIn(staff.email, staff.password);
}, 30_000);
afterAll(async () => repos?.close());

let calls = 0;
const aCall = async (fields: Partial<Call> = {}) => {
  const n = String(++calls).padStart(4, "0");
  const call = await repos.calls.record({
    providerCallId: `CA0000000000000000000000000000${n}`,
    direction: "inbound",
    from: `+44770090${n}`,
    to: "+442079460000",
    leadId: fields.leadId ?? null,
    status: "in-progress",
    startedAt: new Date("2026-11-27T10:00:00Z"),
  });
  return (await repos.calls.update(call.id, fields))!;
};
const aLead = (phone: string) =>
  repos.leads.create({
    name: null,
    organisation: null,
    phone: phone as E164,
    email: null,
    address: null,
    postcode: null,
    segment: "unknown",
    source: "phone",
    notes: null,
  });
const anIssue = (leadId: string, title: string, sourceCallId: string | null) =>
  repos.issues.create({
    leadId,
    title,
    description: null,
    category: "heating",
    urgency: "urgent",
    address: null,
    postcode: "NW1 6XE",
    accessNotes: null,
    sourceCallId,
  });

/** The element with this id, start tag to its matching end tag. */
const byId = (html: string, id: string): string | null => {
  const start = new RegExp(`<(\\w+)[^>]* id="${id}"`).exec(html);
  if (!start) return null;
  const tag = new RegExp(`<(/?)${start[1]}\\b[^>]*>`, "g");
  tag.lastIndex = start.index;
  let depth = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    depth += m[1] ? -1 : 1;
    if (depth === 0) return html.slice(start.index, m.index + m[0].length);
  }
  return null;
};

/** The SSE messages of a stream until `until` holds (comments dropped). */
async function readEvents(response: Response, until: (seen: { event: string; data: string }[]) => boolean) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const seen: { event: string; data: string }[] = [];
  let buffer = "";
  const deadline = Date.now() + 5000;
  while (!until(seen) && Date.now() < deadline) {
    const next = await Promise.race([reader.read(), Bun.sleep(200).then(() => null)]);
    if (!next) continue;
    if (next.done) break;
    buffer += decoder.decode(next.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      if (event) seen.push({ event, data: [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join("\n") });
    }
  }
  await reader.cancel();
  return seen;
}

describe("the call timer", () => {
  test("while answered it ticks from the answer time; once over it shows the length in the same m:ss", async () => {
    const live = await aCall({ answeredAt: new Date("2026-11-27T10:00:05Z") });
    const { html: during } = await browser.page(`/calls/${live.id}`);
    expect(byId(during, "call-status")).toContain(
      '<span class="timer" data-since="2026-11-27T10:00:05.000Z">0:00</span>',
    );

    for (const [seconds, shown] of [
      [75, "1:15"],
      [9, "0:09"],
      [3725, "62:05"],
    ] as const) {
      const over = await aCall({
        status: "completed",
        answeredAt: new Date(),
        endedAt: new Date(),
        durationSeconds: seconds,
      });
      const status = byId((await browser.page(`/calls/${over.id}`)).html, "call-status")!;
      expect(textOf(status)).toBe(`Completed ${shown}`);
      expect(status).toContain('class="timer"');
      expect(status).not.toContain("data-since");
    }
  });

  test("a call another instance closed after its server died says so in plain words, on its page and in the list", async () => {
    const cut = await aCall({
      status: "interrupted",
      answeredAt: new Date("2026-11-27T10:00:05Z"),
      endedAt: new Date("2026-11-27T10:01:05Z"),
      durationSeconds: 60,
    });
    const status = byId((await browser.page(`/calls/${cut.id}`)).html, "call-status")!;
    expect(textOf(status)).toBe("Cut off: its server stopped 1:00");
    expect((await browser.page("/calls")).html).toContain("Cut off: its server stopped");
  });

  test("the live status event for the end carries the stopped timer", async () => {
    const call = await aCall();
    const response = await browser.request(`/calls/${call.id}/events`);
    const reading = readEvents(response, (seen) => seen.some((m) => m.event === "ended"));
    await Bun.sleep(20);
    await world.deps.liveEvents.publish(callChannel(call.id), {
      type: "status",
      data: { status: "completed", answeredAt: null, endedAt: new Date().toISOString(), durationSeconds: 75 },
    });
    const status = (await reading).find((m) => m.event === "status")!;
    expect(textOf(status.data)).toBe("Completed 1:15");
    expect(status.data).not.toContain("data-since");
  });
});

describe("the job a call was filed under, after a reload", () => {
  test("says the call opened it when it did, as the live view said, and 'filed under' when it joined an open one", async () => {
    const lead = await aLead("+447700900500");
    const first = await aCall({ leadId: lead.id, status: "completed" });
    const issue = await anIssue(lead.id, "Boiler leaking", first.id);
    await repos.calls.update(first.id, { issueId: issue.id });
    const second = await aCall({ leadId: lead.id, status: "completed", issueId: issue.id });

    const opened = textOf(byId((await browser.page(`/calls/${first.id}`)).html, "intake-note")!);
    expect(opened).toBe("Job opened: Boiler leaking");
    const joined = textOf(byId((await browser.page(`/calls/${second.id}`)).html, "intake-note")!);
    expect(joined).toBe("Filed under the job Boiler leaking");
  });
});

describe("the caller card", () => {
  test("listens for the caller event, and the event swaps in the lead as filled in, name in the heading too", async () => {
    const lead = await aLead("+447700900600");
    const call = await aCall({ leadId: lead.id });
    const { html } = await browser.page(`/calls/${call.id}`);
    expect(html).toMatch(/<section class="card" id="caller-details" sse-swap="caller">/);
    expect(html).toContain('<span id="caller-name" sse-swap="caller-name">');

    const response = await browser.request(`/calls/${call.id}/events`);
    const reading = readEvents(response, (seen) => seen.some((m) => m.event === "caller-name"));
    await Bun.sleep(20);
    const named = (await repos.leads.update(lead.id, {
      name: "Sarah Jones",
      address: "14 Park Road",
      postcode: "NW1 6XE",
      segment: "tenant",
    }))!;
    const filed = (await repos.calls.update(call.id, { summary: "Boiler leaking under the kitchen." }))!;
    await world.deps.liveEvents.publish(callChannel(call.id), { type: "caller", data: callerCardData(filed, named) });
    const seen = await reading;
    const card = textOf(seen.find((m) => m.event === "caller")!.data);
    expect(card).toContain("Lead Sarah Jones Address 14 Park Road, NW1 6XE Segment Tenant");
    expect(card).toContain("Boiler leaking under the kitchen.");
    expect(seen.find((m) => m.event === "caller")!.data).toContain(`href="/leads/${lead.id}"`);
    expect(seen.find((m) => m.event === "caller-name")!.data).toBe("Sarah Jones");
  });
});

describe("the live badge", () => {
  const css = readFileSync(join(import.meta.dir, "../../src/views/styles.css"), "utf8").replace(
    /\/\*[\s\S]*?\*\//g,
    "",
  );
  const vars = Object.fromEntries(
    [...css.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!.toLowerCase()]),
  );
  /** The colour and background a rule for exactly this selector sets, variables resolved. */
  const colours = (selector: string) => {
    const rule = [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].find((m) =>
      m[1]!
        .split(",")
        .map((s) => s.trim())
        .includes(selector),
    );
    if (!rule) throw new Error(`no rule for ${selector}`);
    const value = (name: string) => {
      const raw = new RegExp(`(?:^|;)\\s*${name}:\\s*([^;]+)`).exec(rule[2]!)?.[1]!.trim() ?? "";
      return (raw.startsWith("var(--") ? vars[raw.slice(6, -1)] : raw)!.toLowerCase();
    };
    return { color: value("color"), background: value("background") };
  };
  const luminance = (hex: string) => {
    const [r, g, b] = [1, 3, 5]
      .map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255)
      .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const contrast = (a: string, b: string) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi! + 0.05) / (lo! + 0.05);
  };

  test("is not the emergency badge's red, and reads at WCAG AA contrast", () => {
    const live = colours(".badge.live");
    const emergency = colours(".badge.emergency");
    expect(live.color).not.toBe(emergency.color);
    expect(live.background).not.toBe(emergency.background);
    // Not just another shade of red: the hue is well away from it.
    const hue = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
      return (Math.atan2(Math.sqrt(3) * (g! - b!), 2 * r! - g! - b!) * 180) / Math.PI;
    };
    expect(Math.abs(hue(live.color) - hue(emergency.color))).toBeGreaterThan(60);
    expect(contrast(live.color, live.background)).toBeGreaterThanOrEqual(4.5);
  });
});

describe("a correction from the details panel", () => {
  test("an over-long value is refused at the edge: 422 in the flash area, nothing kept", async () => {
    const call = await aCall();
    const response = await browser.post(
      `/calls/${call.id}/details`,
      { field: "name", value: "x".repeat(1_001) },
      { "X-CSRF-Token": browser.csrf, "HX-Request": "true" },
    );
    expect(response.status).toBe(422);
    expect(response.headers.get("HX-Retarget")).toBe("#flash");
    expect(await response.text()).toContain("value: Keep it to 1000 characters or fewer.");
    expect((await repos.calls.byId(call.id))!.corrections).toEqual({});
  });
});
