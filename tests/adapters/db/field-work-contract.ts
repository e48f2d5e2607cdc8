import { describe, expect, test as bunTest } from "bun:test";
import { eq } from "drizzle-orm";
import type { OpenDatabase } from "../../../src/adapters/db/database.ts";
import { staffUsers } from "../../../src/adapters/db/schema.ts";
import type { E164 } from "../../../src/domain/phone.ts";
import { ok } from "../../../src/domain/result.ts";
import { anEngineerAccount } from "./scheduling-contract.ts";
import { aLeadWithJob } from "../../support/jobs.ts";

const test = (name: string, body: () => Promise<void>) => bunTest(name, body, 20_000);
const at = (iso: string) => new Date(iso);
const office = { who: "office@handy.example" };

/**
 * The engineer's side of the schedule on a repository set: calendar feed secrets, one engineer's
 * visits, notes and photos. Runs inside repositoryContract (emptied before each test).
 */
export function fieldWorkContract(current: () => OpenDatabase): void {
  const aJob = async () =>
    (
      await aLeadWithJob(current(), {
        issue: { title: "Leaking tap", address: "1 Headingley Lane, Leeds", postcode: "LS6 1AB" },
      })
    ).issue;
  const book = async (issueId: string, engineerId: string, starts: string, ends: string) => {
    const booked = await current().appointments.book(
      { issueId, engineerId, startsAt: at(starts), endsAt: at(ends) },
      () => ok(null),
      office,
    );
    if (!booked.ok) throw new Error(booked.message);
    return booked.value;
  };

  describe("field work", () => {
    test("a calendar secret finds its engineer until replaced or the account is disabled; secrets are unique", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      const bob = await repos.engineers.create(anEngineerAccount({ email: "bob@handy.example" }));
      expect(await repos.engineers.calendarToken(alice.userId)).toBeNull();
      expect(await repos.engineers.setCalendarToken(alice.userId, "A".repeat(22), office)).toBe(true);
      expect((await repos.engineers.byCalendarToken("A".repeat(22)))?.userId).toBe(alice.userId);
      await expect(repos.engineers.setCalendarToken(bob.userId, "A".repeat(22), office)).rejects.toThrow();
      expect(await repos.engineers.setCalendarToken(alice.userId, "B".repeat(22), office)).toBe(true);
      expect(await repos.engineers.byCalendarToken("A".repeat(22))).toBeNull();
      expect(await repos.engineers.calendarToken(alice.userId)).toBe("B".repeat(22));
      expect(
        await repos.engineers.setCalendarToken("00000000-0000-4000-8000-000000000000", "C".repeat(22), office),
      ).toBe(false);
      await repos.db.update(staffUsers).set({ disabledAt: new Date() }).where(eq(staffUsers.id, alice.userId));
      expect(await repos.engineers.byCalendarToken("B".repeat(22))).toBeNull();
      expect((await repos.audit.forEntity("user", alice.userId)).map((e) => e.what)).toEqual([
        "calendar feed address made anew",
        "calendar feed address made anew",
      ]);
    });

    test("an engineer's phone is set and removed, each audited without the number; an unknown engineer changes nothing", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      expect(await repos.engineers.setPhone(alice.userId, "+447700900321" as E164, office)).toBe(true);
      expect((await repos.engineers.byId(alice.userId))!.phone as string | null).toBe("+447700900321");
      expect(await repos.engineers.setPhone(alice.userId, null, office)).toBe(true);
      expect((await repos.engineers.byId(alice.userId))!.phone).toBeNull();
      expect(await repos.engineers.setPhone("00000000-0000-4000-8000-000000000000", null, office)).toBe(false);
      const trail = await repos.audit.forEntity("user", alice.userId);
      expect(trail.map((e) => e.what).sort()).toEqual(["phone number changed", "phone number removed"]);
      expect(JSON.stringify(trail)).not.toContain("900321");
    });

    test("one engineer's visits starting in a window, soonest first, cancelled ones left out", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      const bob = await repos.engineers.create(anEngineerAccount({ email: "bob@handy.example" }));
      const job = await aJob();
      const late = await book(job.id, alice.userId, "2026-12-07T14:00:00Z", "2026-12-07T15:00:00Z");
      const early = await book(job.id, alice.userId, "2026-12-07T09:00:00Z", "2026-12-07T10:00:00Z");
      const dropped = await book(job.id, alice.userId, "2026-12-07T11:00:00Z", "2026-12-07T12:00:00Z");
      await repos.appointments.setStatus(dropped.id, "cancelled", office);
      await book(job.id, alice.userId, "2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z");
      await book(job.id, bob.userId, "2026-12-07T09:00:00Z", "2026-12-07T10:00:00Z");
      const day = await repos.appointments.forEngineer(alice.userId, {
        from: at("2026-12-07T00:00:00Z"),
        to: at("2026-12-08T00:00:00Z"),
      });
      expect(day.map((v) => v.id)).toEqual([early.id, late.id]);
      expect(day[0]!.engineerName).toBe("Alice Pipe");
    });

    test("notes and photos come back newest first for the job, each with an audit entry on the job", async () => {
      const repos = current();
      const alice = await repos.engineers.create(anEngineerAccount());
      const job = await aJob();
      const visit = await book(job.id, alice.userId, "2026-12-07T09:00:00Z", "2026-12-07T10:00:00Z");
      const note = await repos.visitRecords.addNote(
        { appointmentId: visit.id, issueId: job.id, note: "Washer replaced.", byUserId: alice.userId },
        { who: alice.email },
      );
      const photo = await repos.visitRecords.addPhoto(
        {
          appointmentId: visit.id,
          issueId: job.id,
          photoKey: "photos/x/1.jpg",
          thumbnailKey: null,
          contentType: "image/jpeg",
          size: 1234,
          byUserId: alice.userId,
        },
        { who: alice.email },
      );
      const records = await repos.visitRecords.forIssue(job.id);
      expect(records.map((r) => r.id)).toEqual([photo.id, note.id]);
      expect(await repos.visitRecords.byId(photo.id)).toMatchObject({ kind: "photo", size: 1234, thumbnailKey: null });
      expect(await repos.visitRecords.byId("nope")).toBeNull();
      expect((await repos.audit.forEntity("issue", job.id)).map((e) => `${e.who}: ${e.what}`).sort()).toEqual([
        "alice@handy.example: site photo added",
        "alice@handy.example: visit note added",
      ]);
    });
  });
}
