import type { AppDeps } from "../compose/app-deps.ts";
import { normalisePhone } from "../domain/phone.ts";
import { addEngineer } from "../domain/scheduling/add-engineer.ts";
import { bookVisit } from "../domain/scheduling/book-visit.ts";
import { nextFreeSlots } from "../domain/scheduling/free-slots.ts";
import { addLondonDays, londonInstant, londonWallTime } from "../domain/scheduling/london-clock.ts";
import { checkRotaPeriod } from "../domain/scheduling/on-call.ts";
import { noticeKey, VISIT_NOTICE_TASK } from "../domain/scheduling/visit-notices.ts";
import { DEMO_AGENT, DEMO_ENGINEERS, DEMO_ROUND } from "./demo-schedule-data.ts";

const WHO = "seed-demo";

/**
 * Four engineers and a week of visits: each job of the agent's round is booked on one of the
 * next five working days (spread in turn), at the first slot the slot finder offers there, and
 * booked through bookVisit as staff would. Tomorrow's visits are confirmed. Safe to run twice:
 * engineers that exist are kept, and the round is added only with its agent.
 */
export async function seedDemoSchedule(deps: AppDeps): Promise<{ engineers: number; visits: number }> {
  const { repos } = deps;
  let engineers = 0;
  for (const engineer of DEMO_ENGINEERS) {
    if (await repos.staffUsers.byEmail(engineer.email)) continue;
    // Nobody knows this password: an admin sets one (Settings → Users) before the engineer logs in.
    const added = await addEngineer(
      { engineers: repos.engineers, staffUsers: repos.staffUsers, passwords: deps.passwords },
      { ...engineer, trades: engineer.trades, password: `${deps.randomId()}${deps.randomId()}` },
    );
    if (!added.ok) throw new Error(`demo data: ${added.message}`);
    await repos.audit.record({
      who: WHO,
      what: "added as engineer",
      entity: "user",
      entityId: added.value.userId,
      at: deps.now(),
      details: { email: added.value.email },
    });
    engineers += 1;
  }

  await seedDemoRota(deps);

  const phone = normalisePhone(DEMO_AGENT.phone);
  if (!phone.ok) throw new Error("demo data: bad agent phone");
  const { lead, created } = await repos.leads.findOrCreateByPhone(phone.value, {
    name: DEMO_AGENT.name,
    organisation: DEMO_AGENT.organisation,
    email: null,
    address: DEMO_AGENT.address,
    postcode: DEMO_AGENT.postcode,
    segment: "letting_agent",
    source: "manual",
    notes: null,
  });
  if (!created) return { engineers, visits: 0 };

  const days = nextWorkingDays(deps.now(), 5);
  const team = await repos.engineers.active();
  let visits = 0;
  for (const [index, [title, trade, address, postcode, minutes]] of DEMO_ROUND.entries()) {
    const issue = await repos.issues.create({
      leadId: lead.id,
      title,
      description: `Planned maintenance for ${DEMO_AGENT.organisation}.`,
      category: trade,
      urgency: "routine",
      address,
      postcode,
      accessNotes: "Keys from the agent's office on Otley Road.",
    });
    const day = days[index % days.length]!;
    const from = new Date(Math.max(deps.now().getTime(), londonInstant(day, 0).getTime()));
    const calendar = await repos.appointments.visits({ from, to: new Date(from.getTime() + 14 * 86_400_000) });
    const [slot] = nextFreeSlots({ trade, postcode, from, count: 1, durationMinutes: minutes }, team, calendar);
    if (!slot) continue;
    const booked = await bookVisit(
      { ...repos, now: deps.now },
      { issueId: issue.id, engineerId: slot.engineerId, startsAt: slot.startsAt, endsAt: slot.endsAt },
      { who: WHO },
    );
    if (!booked.ok) throw new Error(`demo data: ${booked.message}`);
    // Demo customers are told nothing: their visit notices are closed before any runner sees them.
    for (const notice of ["booked", "reminder"] as const) {
      const task = await repos.tasks.byKey(VISIT_NOTICE_TASK, noticeKey(booked.value, notice));
      if (task) await repos.tasks.complete(task.id, deps.now());
    }
    visits += 1;
    if (londonWallTime(slot.startsAt).date === days[0]) {
      const confirmed = await repos.appointments.setStatus(booked.value.id, "confirmed", { who: WHO });
      if (!confirmed.ok) throw new Error(`demo data: ${confirmed.message}`);
    }
  }
  return { engineers, visits };
}

/** The next `count` London weekdays after today. */
function nextWorkingDays(now: Date, count: number): string[] {
  const days: string[] = [];
  const today = londonWallTime(now).date;
  for (let offset = 1; days.length < count; offset++) {
    const date = addLondonDays(today, offset);
    if (londonWallTime(londonInstant(date, 12 * 60)).weekday < 5) days.push(date);
  }
  return days;
}

/**
 * A week of on-call nights (17:30 to 08:00 on the London clock, from tonight), the engineers in
 * turn. Added only while the coming week's rota is empty, so running the seed twice adds nothing.
 */
async function seedDemoRota(deps: AppDeps): Promise<void> {
  const { repos } = deps;
  const today = londonWallTime(deps.now()).date;
  const week = { from: londonInstant(today, 0), to: londonInstant(addLondonDays(today, 8), 0) };
  if ((await repos.onCall.rota(week)).length > 0) return;
  const team = await repos.engineers.active();
  if (team.length === 0) return;
  for (let night = 0; night < 7; night++) {
    const day = addLondonDays(today, night);
    const period = {
      engineerId: team[night % team.length]!.userId,
      startsAt: londonInstant(day, 17 * 60 + 30),
      endsAt: londonInstant(addLondonDays(day, 1), 8 * 60),
    };
    const added = await repos.onCall.addPeriod(period, (overlapping) => checkRotaPeriod(period, overlapping), {
      who: WHO,
    });
    if (!added.ok) throw new Error(`demo data: ${added.message}`);
  }
}
