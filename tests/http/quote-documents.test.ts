import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { extractText } from "unpdf";
import type { Issue } from "../../src/domain/issues.ts";
import type { OpenDatabase } from "../../src/adapters/db/database.ts";
import type { E164 } from "../../src/domain/phone.ts";
import { QUOTE_DOCUMENT_TASK } from "../../src/domain/tasks/kinds.ts";
import { freshPglite } from "../support/test-db.ts";
import { aStaffUser, buildTestApp, testBrowser } from "../support/test-app.ts";
import { quoteTaskRunner } from "../support/quotes-world.ts";

let repos: OpenDatabase;
let world: ReturnType<typeof buildTestApp>;
let staff: ReturnType<typeof testBrowser>;
let customer: ReturnType<typeof testBrowser>;
let issue: Issue;
let jobs: ReturnType<typeof quoteTaskRunner>;

beforeAll(async () => {
  repos = await freshPglite();
  world = buildTestApp(repos);
  jobs = quoteTaskRunner(world);
  const user = await aStaffUser(world.deps);
  staff = testBrowser(world.app);
  customer = testBrowser(world.app);
  await staff.logIn(user.email, user.password);
  const lead = await repos.leads.create({
    name: "Priya Shah",
    organisation: "Shah Lettings",
    phone: "+447700900456" as E164,
    email: null,
    address: null,
    postcode: null,
    segment: "letting_agent",
    source: "manual",
    notes: null,
  });
  issue = await repos.issues.create({
    leadId: lead.id,
    title: "Radiator not heating",
    description: null,
    category: "heating",
    urgency: "routine",
    address: "4 Cardigan Road",
    postcode: "LS6 3AE",
    accessNotes: null,
  });
}, 30_000);
afterAll(async () => {
  await jobs?.stop();
  await repos?.close();
});

type Line = [kind: string, description: string, quantity: string, unitPrice: string, vatRate: string];

/** Starts a draft (or the next version) and sends it with these lines; the sent version. */
async function sendVersion(lines: Line[], extra: Record<string, string> = {}) {
  await staff.page(`/issues/${issue.id}`);
  const current = (await repos.quotes.forIssue(issue.id)).find(
    (q) => q.status !== "draft" && q.status !== "superseded",
  );
  const started = current
    ? await staff.post(`/quotes/${current.id}/revise`, { _csrf: staff.csrf })
    : await staff.post(`/issues/${issue.id}/quotes`, { _csrf: staff.csrf });
  expect(started.status).toBe(303);
  const draft = (await repos.quotes.forIssue(issue.id)).find((q) => q.status === "draft")!;
  const form: Record<string, string> = {
    _csrf: staff.csrf,
    discount: "",
    depositKind: "none",
    depositValue: "",
    validUntil: "2026-12-31",
    terms: "Payment due on completion.",
    ...extra,
  };
  lines.forEach(([kind, description, quantity, unitPrice, vatRate], i) =>
    Object.assign(form, {
      [`line-${i}-kind`]: kind,
      [`line-${i}-description`]: description,
      [`line-${i}-quantity`]: quantity,
      [`line-${i}-unitPrice`]: unitPrice,
      [`line-${i}-vatRate`]: vatRate,
    }),
  );
  const sent = await staff.post(`/quotes/${draft.id}/send`, form);
  expect(sent.status).toBe(303);
  return (await repos.quotes.byId(draft.id))!;
}

const textOf = async (response: Response) => {
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("application/pdf");
  const { text } = await extractText(new Uint8Array(await response.arrayBuffer()), { mergePages: true });
  return text;
};

const storedBytes = async (key: string) => {
  const blob = await world.deps.blobStore.get(key);
  return blob ? new Uint8Array(await new Response(blob.body).arrayBuffer()) : null;
};

describe("quote documents", () => {
  let v1Id = "";
  let v1Token = "";

  test("sending queues the version's PDF; the page links it as being prepared until the job runs", async () => {
    const v1 = await sendVersion(
      [
        ["labour", "Bleed and balance radiators", "2", "55", "20"],
        ["materials", "Thermostatic valve", "1", "24.99", "20"],
      ],
      { discount: "10", depositKind: "percent", depositValue: "20" },
    );
    v1Id = v1.id;
    v1Token = v1.token;
    expect(v1.status).toBe("sent");
    expect(v1.documentKey).toBeNull();
    expect(await repos.tasks.byKey(QUOTE_DOCUMENT_TASK, v1.id)).toMatchObject({ doneAt: null });

    const { html } = await staff.page(`/quotes/${v1.id}`);
    expect(html).toContain(`href="/quotes/${v1.id}/pdf"`);
    expect(html).toContain("being prepared");
    const page = await customer.page(`/q/${v1.token}`);
    expect(page.html).toContain(`href="/q/${v1.token}/quote.pdf"`);
  });

  test("the job stores it under documents/quotes/ once, and it reads back with the lines, totals and version", async () => {
    await jobs.runDue();
    const v1 = (await repos.quotes.byId(v1Id))!;
    expect(v1.documentKey).toBe(`documents/quotes/${issue.id}/v1.pdf`);
    expect(await repos.tasks.byKey(QUOTE_DOCUMENT_TASK, v1Id)).toMatchObject({ doneAt: expect.any(Date) });

    const text = await textOf(await staff.request(`/quotes/${v1Id}/pdf`));
    expect(text).toContain("QUOTE");
    expect(text).toContain("Version 1");
    expect(text).toContain("Valid until 31 December 2026");
    expect(text).toContain("Shah Lettings");
    expect(text).toContain("FAO Priya Shah");
    expect(text).toContain("Radiator not heating");
    expect(text).toContain("Bleed and balance radiators 2 £55.00 20% £110.00");
    expect(text).toContain("Thermostatic valve 1 £24.99 20% £24.99");
    // 134.99 − 10.00 discount = 124.99 net; VAT 25.00; total 149.99; deposit 20 % = 30.00
    expect(text).toContain("Subtotal £134.99");
    expect(text).toContain("Discount -£10.00");
    expect(text).toContain("Net at 20% VAT £124.99");
    expect(text).toContain("VAT at 20% £25.00");
    expect(text).toContain("Total £149.99");
    expect(text).toContain("Deposit to start £30.00");
    expect(text).toContain("Payment due on completion.");

    const { html } = await staff.page(`/quotes/${v1Id}`);
    expect(html).not.toContain("being prepared");
  });

  test("what is stored is what is served: a retried job and both downloads leave the stored file alone", async () => {
    const key = `documents/quotes/${issue.id}/v1.pdf`;
    // Mark the stored file, so anything that rendered and stored again would show.
    const marked = new TextEncoder().encode("%PDF-1.3\n% the stored file\n");
    await world.deps.blobStore.put(key, marked, "application/pdf");
    const task = (await repos.tasks.byKey(QUOTE_DOCUMENT_TASK, v1Id))!;
    await world.quoteTasks[QUOTE_DOCUMENT_TASK]!({ quoteId: v1Id }, task);
    const staffCopy = await staff.request(`/quotes/${v1Id}/pdf`);
    const customerCopy = await customer.request(`/q/${v1Token}/quote.pdf`);
    expect(new Uint8Array(await staffCopy.arrayBuffer())).toEqual(marked);
    expect(new Uint8Array(await customerCopy.arrayBuffer())).toEqual(marked);
    expect(customerCopy.headers.get("Content-Disposition")).toBe('attachment; filename="quote-v1.pdf"');
    expect(customerCopy.headers.get("Cache-Control")).toBe("private, no-store");
    expect(await storedBytes(key)).toEqual(marked);
  });

  test("a newer version gets its own file; the older version's file is untouched", async () => {
    const before = await storedBytes(`documents/quotes/${issue.id}/v1.pdf`);
    const v2 = await sendVersion([["labour", "Replace radiator", "1", "180", "20"]]);
    expect(v2.version).toBe(2);
    await jobs.runDue();
    expect((await repos.quotes.byId(v2.id))!.documentKey).toBe(`documents/quotes/${issue.id}/v2.pdf`);
    expect(await storedBytes(`documents/quotes/${issue.id}/v1.pdf`)).toEqual(before);

    const text = await textOf(await customer.request(`/q/${v2.token}/quote.pdf`));
    expect(text).toContain("Version 2");
    expect(text).toContain("Replace radiator 1 £180.00 20% £180.00");
    expect(text).toContain("Total £216.00");
    expect(text).not.toContain("Thermostatic valve");

    // The old link shows the latest version, and its download is the latest version's.
    const page = await customer.page(`/q/${v1Token}`);
    expect(page.html).toContain(`href="/q/${v2.token}/quote.pdf"`);
    expect(page.html).not.toContain(`href="/q/${v1Token}/quote.pdf"`);
  });

  test("a download before the job ran lays it out and stores it then (the job finds it done)", async () => {
    const v3 = await sendVersion([["call_out", "Out-of-hours call-out", "1", "95", "20"]]);
    const text = await textOf(await customer.request(`/q/${v3.token}/quote.pdf`));
    expect(text).toContain("Version 3");
    const key = `documents/quotes/${issue.id}/v3.pdf`;
    expect((await repos.quotes.byId(v3.id))!.documentKey).toBe(key);
    const stored = await storedBytes(key);
    await jobs.runDue();
    expect(await storedBytes(key)).toEqual(stored);
  });

  test("a wrong token, a draft's token and a bad token are 404; staff need a login", async () => {
    const unknown = await customer.request("/q/AAAAAAAAAAAAAAAAAAAAAA/quote.pdf");
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("Content-Type")).toContain("text/html");
    expect((await customer.request("/q/not a token/quote.pdf")).status).toBe(404);

    const latest = (await repos.quotes.forIssue(issue.id)).find((q) => q.status === "sent")!;
    await staff.page(`/quotes/${latest.id}`);
    expect((await staff.post(`/quotes/${latest.id}/revise`, { _csrf: staff.csrf })).status).toBe(303);
    const draft = (await repos.quotes.forIssue(issue.id)).find((q) => q.status === "draft")!;
    expect((await customer.request(`/q/${draft.token}/quote.pdf`)).status).toBe(404);
    const staffDraft = await staff.request(`/quotes/${draft.id}/pdf`);
    expect(staffDraft.status).toBe(404);
    expect(await staffDraft.text()).toContain("has not been sent");
    expect(await world.deps.blobStore.exists(`documents/quotes/${issue.id}/v${draft.version}.pdf`)).toBe(false);

    const stranger = testBrowser(world.app);
    const anonymous = await stranger.request(`/quotes/${latest.id}/pdf`);
    expect([302, 303, 401]).toContain(anonymous.status);
    expect(anonymous.headers.get("Content-Type") ?? "").not.toContain("application/pdf");
  });
});
