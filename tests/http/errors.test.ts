import { describe, expect, test } from "bun:test";
import { reject } from "../../src/domain/result.ts";
import { reasonStatus, reasonTitle, rejectionError } from "../../src/http/errors.ts";

describe("the reason → HTTP answer table", () => {
  test("not_found is 404, a refused webhook signature or payload 400, a state that does not allow it 409", () => {
    expect(reasonStatus("not_found")).toBe(404);
    expect(reasonStatus("bad_signature")).toBe(400);
    expect(reasonStatus("bad_payload")).toBe(400);
    expect(reasonStatus("quote_already_paid")).toBe(409);
    expect(reasonStatus("not_given_up")).toBe(409);
  });

  test("a form the domain refuses is 422, wrong login details 401", () => {
    expect(reasonStatus("invalid_correction")).toBe(422);
    expect(reasonStatus("invalid_rules")).toBe(422);
    expect(reasonStatus("illegal_transition")).toBe(422);
    expect(reasonStatus("bad_credentials")).toBe(401);
  });

  test("a reason the table does not list is 409, with the domain's own sentence", () => {
    const error = rejectionError(reject("something_new", "Not possible right now."));
    expect(error.status).toBe(409);
    expect(error.message).toBe("Not possible right now.");
  });

  test("phone_taken is 409 with the table's sentence, never a 500", () => {
    const error = rejectionError(reject("phone_taken", "unique constraint leads_phone_key"));
    expect(error.status).toBe(409);
    expect(error.message).toBe("A lead with this number already exists.");
  });

  test("the customer's page has a heading for each quote refusal", () => {
    expect(reasonTitle("quote_expired")).toBe("This quote has expired");
    expect(reasonTitle("quote_replaced")).toBe("This quote has been replaced");
    expect(reasonTitle("not_found")).toBeUndefined();
  });
});
