import { describe, expect, test } from "bun:test";
import { loggablePath } from "../../src/http/middleware/request-log.ts";

describe("request log paths", () => {
  test("secrets in the address are left out: calendar feeds, board links, the customer's quote and visit links", () => {
    expect(loggablePath("/calendar/abc123.ics")).toBe("/calendar/<secret>.ics");
    expect(loggablePath("/board/tok3n")).toBe("/board/<secret>");
    expect(loggablePath("/board/tok3n/live")).toBe("/board/<secret>/live");
    expect(loggablePath("/q/9f8e7d6c")).toBe("/q/<secret>");
    expect(loggablePath("/q/9f8e7d6c/quote.pdf")).toBe("/q/<secret>/quote.pdf");
    expect(loggablePath("/q/9f8e7d6c/invoices/inv-1")).toBe("/q/<secret>/invoices/inv-1");
    expect(loggablePath("/a/0123abcd/confirm")).toBe("/a/<secret>/confirm");
  });

  test("paths without a secret are logged as they are", () => {
    for (const path of ["/board", "/board/live", "/quotes/123", "/leads/abc", "/api/twilio/voice", "/a", "/q"])
      expect(loggablePath(path)).toBe(path);
  });
});
