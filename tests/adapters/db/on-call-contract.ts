import { expect, test as bunTest } from "bun:test";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { DEFAULT_WORKING_WEEK } from "../../../src/domain/scheduling/engineers.ts";
import { checkRotaPeriod } from "../../../src/domain/scheduling/on-call.ts";
import { anEngineerAccount } from "./scheduling-contract.ts";

const test = (name: string, body: () => Promise<void>) => bunTest(name, body, 20_000);
const at = (iso: string) => new Date(iso);

/** Office hours and the on-call rota on a repository set; runs inside repositoryContract (emptied before each test). */
export function onCallContract(current: () => OpenDatabase): void {
  test("on call: office hours start as the default week and are replaced whole, audited", async () => {
    const repos = current();
    expect(await repos.onCall.officeHours()).toEqual(DEFAULT_WORKING_WEEK);
    const week = [{ start: 450, end: 1050 }, null, null, null, null, { start: 540, end: 720 }, null];
    await repos.onCall.setOfficeHours(week, { who: "admin@handy.example" });
    expect(await repos.onCall.officeHours()).toEqual(week);
    expect((await repos.audit.forEntity("settings", "office_hours")).map((e) => e.what)).toEqual(["office hours set"]);
  });

  test("on call: two clashing periods added at once, one is kept and the other refused as an overlap", async () => {
    const repos = current();
    const alice = await repos.engineers.create(anEngineerAccount());
    const bob = await repos.engineers.create(anEngineerAccount({ email: "bob@handy.example", name: "Bob" }));
    const add = (engineerId: string, from: string, to: string) => {
      const period = { engineerId, startsAt: at(from), endsAt: at(to) };
      return repos.onCall.addPeriod(period, (overlapping) => checkRotaPeriod(period, overlapping), { who: "admin" });
    };
    const results = await Promise.all([
      add(alice.userId, "2026-12-04T17:00:00Z", "2026-12-05T08:00:00Z"),
      add(bob.userId, "2026-12-04T20:00:00Z", "2026-12-05T09:00:00Z"),
    ]);
    expect(results.filter((r) => r.ok).length).toBe(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, reason: "overlap" });
    const rota = await repos.onCall.rota({ from: at("2026-12-01T00:00:00Z"), to: at("2026-12-31T00:00:00Z") });
    expect(rota.length).toBe(1);
    // The window reads periods that overlap it, not only those inside it.
    expect(
      (await repos.onCall.rota({ from: at("2026-12-05T07:00:00Z"), to: at("2026-12-05T07:00:00.001Z") })).length,
    ).toBe(1);
    expect((await repos.onCall.rota({ from: at("2026-12-05T09:00:00Z"), to: at("2026-12-06T00:00:00Z") })).length).toBe(
      0,
    );
    expect(await repos.onCall.removePeriod(rota[0]!.id, { who: "admin" })).toBe(true);
    expect(await repos.onCall.removePeriod(rota[0]!.id, { who: "admin" })).toBe(false);
    expect(await repos.onCall.removePeriod("not-a-uuid", { who: "admin" })).toBe(false);
    expect((await repos.audit.forEntity("settings", "on_call_rota")).map((e) => e.what).sort()).toEqual([
      "on-call period added",
      "on-call period removed",
    ]);
  });
}
