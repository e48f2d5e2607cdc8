import { describe, expect, test } from "bun:test";
import {
  CLOSED_ISSUE_STATUSES,
  ISSUE_STATUSES,
  ISSUE_STATUS_LABELS,
  OPEN_ISSUE_STATUSES,
  byUrgency,
  changeIssueStatus,
  isOpenIssue,
  issueTransitions,
  validateIssue,
  type IssueInput,
  type IssueStatus,
  type Urgency,
} from "../../src/domain/issues.ts";
import { checkTransitionTable } from "./transition-table.ts";
import { jobStatusWithoutVisits } from "../../src/domain/scheduling/cancel-visit.ts";

// open → quoted → scheduled → in progress → done | cancelled, with the ways back a real job
// takes: a rejected quote reopens it, a visit is rescheduled, a job whose last visit is cancelled
// goes back to open or quoted, a cancelled job is reopened.
checkTransitionTable<IssueStatus>(
  "job",
  ISSUE_STATUSES,
  {
    open: ["quoted", "scheduled", "in_progress", "cancelled"],
    quoted: ["open", "scheduled", "in_progress", "cancelled"],
    scheduled: ["in_progress", "open", "quoted", "cancelled"],
    in_progress: ["done", "scheduled", "cancelled"],
    done: [],
    cancelled: ["open"],
  },
  (from, to) => changeIssueStatus({ status: from }, to),
);

test("done is the only final job status, and a done job cannot be cancelled", () => {
  expect(ISSUE_STATUSES.filter((s) => issueTransitions[s].length === 0)).toEqual(["done"]);
  expect(changeIssueStatus({ status: "done" }, "cancelled")).toMatchObject({
    ok: false,
    reason: "illegal_transition",
    message: "A job cannot go from done to cancelled: done is final.",
  });
});

test("an open job is one that can still be cancelled: everything but done and cancelled", () => {
  expect(OPEN_ISSUE_STATUSES).toEqual(["open", "quoted", "scheduled", "in_progress"]);
  expect(CLOSED_ISSUE_STATUSES).toEqual(["done", "cancelled"]);
  expect(ISSUE_STATUSES.filter(isOpenIssue)).toEqual([...OPEN_ISSUE_STATUSES]);
  expect(isOpenIssue("archived" as IssueStatus)).toBe(false);
});

test("every status has a label", () => {
  expect(Object.keys(ISSUE_STATUS_LABELS).sort()).toEqual([...ISSUE_STATUSES].sort());
  expect(ISSUE_STATUS_LABELS.in_progress).toBe("In progress");
});

const anIssueInput = (over: IssueInput = {}): IssueInput => ({ leadId: "lead-1", title: "Leaking tap", ...over });

describe("validateIssue", () => {
  test("a lead and a title are enough; category general, urgency routine", () => {
    expect(validateIssue(anIssueInput())).toEqual({
      ok: true,
      value: {
        leadId: "lead-1",
        title: "Leaking tap",
        description: null,
        category: "general",
        urgency: "routine",
        address: null,
        postcode: null,
        accessNotes: null,
      },
    });
  });

  test("normalises: trims, blanks to null, postcode to its written form", () => {
    expect(
      validateIssue({
        leadId: " lead-1 ",
        title: " Boiler out ",
        description: " No hot water since Tuesday ",
        category: "heating",
        urgency: "emergency",
        address: "  ",
        postcode: " cf101ep ",
        accessNotes: "Key with neighbour",
      }),
    ).toEqual({
      ok: true,
      value: {
        leadId: "lead-1",
        title: "Boiler out",
        description: "No hot water since Tuesday",
        category: "heating",
        urgency: "emergency",
        address: null,
        postcode: "CF10 1EP",
        accessNotes: "Key with neighbour",
      },
    });
  });

  test("each field's message, and no value", () => {
    const result = validateIssue({
      leadId: " ",
      title: "",
      description: "d".repeat(10_001),
      category: "gardening",
      urgency: "whenever",
      address: "a".repeat(501),
      postcode: "SW1A 1AAA",
      accessNotes: "n".repeat(2001),
    });
    expect(result).toEqual({
      ok: false,
      reason: "invalid",
      message: "Some fields need attention.",
      errors: {
        leadId: "Choose the lead this job is for.",
        title: "Say in a few words what the job is.",
        description: "Keep it to 10000 characters or fewer.",
        category:
          "Choose one of: plumbing, heating, electrical, roofing, carpentry, locksmith, decorating, glazing, drainage, general.",
        urgency: "Choose one of: emergency, urgent, routine.",
        address: "Keep it to 500 characters or fewer.",
        postcode: '"SW1A 1AAA" is not a UK postcode.',
        accessNotes: "Keep it to 2000 characters or fewer.",
      },
    });
  });

  test("a title over 200 characters", () => {
    expect(validateIssue(anIssueInput({ title: "t".repeat(201) }))).toMatchObject({
      ok: false,
      errors: { title: "Keep it to 200 characters or fewer." },
    });
    expect(validateIssue(anIssueInput({ title: "t".repeat(200) })).ok).toBe(true);
  });
});

describe("byUrgency", () => {
  const at = (iso: string) => new Date(`2025-03-0${iso}T09:00:00Z`);
  const anIssue = (id: string, urgency: Urgency, day: string) => ({ id, urgency, createdAt: at(day) });

  test("emergencies first, then urgent, then routine; oldest first within each", () => {
    const issues = [
      anIssue("routine-old", "routine", "1"),
      anIssue("urgent-new", "urgent", "4"),
      anIssue("emergency-new", "emergency", "5"),
      anIssue("urgent-old", "urgent", "2"),
      anIssue("emergency-old", "emergency", "3"),
    ];
    expect(issues.sort(byUrgency).map((i) => i.id)).toEqual([
      "emergency-old",
      "emergency-new",
      "urgent-old",
      "urgent-new",
      "routine-old",
    ]);
  });
});

describe("jobStatusWithoutVisits", () => {
  test("open before a quote was sent, quoted after (whatever the customer did), scheduled when paid", () => {
    expect(jobStatusWithoutVisits(null)).toBe("open");
    for (const status of ["sent", "viewed", "accepted", "declined", "expired", "superseded"] as const)
      expect(jobStatusWithoutVisits(status)).toBe("quoted");
    expect(jobStatusWithoutVisits("deposit_paid")).toBe("scheduled");
    expect(jobStatusWithoutVisits("paid")).toBe("scheduled");
  });

  test("a scheduled job may go back to either", () => {
    expect(changeIssueStatus({ status: "scheduled" }, "quoted").ok).toBe(true);
    expect(changeIssueStatus({ status: "scheduled" }, "open").ok).toBe(true);
  });
});
