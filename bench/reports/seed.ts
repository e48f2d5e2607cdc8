/**
 * A year of a busy firm for bench:reports, made inside PostgreSQL with generate_series (seconds,
 * not minutes): 20,000 leads, 16,000 jobs, 50,000 calls (44,000 in, 6,000 calls back to missed
 * callers), 1,500 staff messages, 15,000 quotes with their payments and invoices, and 12,000
 * visits by 8 engineers. Every value is picked by a hash of the row number, so each run holds
 * the same data relative to its "now".
 */
import type postgres from "postgres";

export const SEEDED = { leads: 20_000, jobs: 16_000, calls: 50_000, quotes: 15_000, visits: 12_000 };

/** `abs(hashtext(n || salt)) % m`: a stable pseudo-random pick per row. */
const h = (n: string, salt: string, m: number) => `(abs(hashtext(${n}::text || '${salt}')) % ${m})`;

const STATEMENTS = [
  `insert into staff_users (email, name, role, password_hash)
     select 'engineer' || e || '@bench.example', 'Engineer ' || e, 'engineer', 'x' from generate_series(1, 8) e`,
  `insert into staff_users (email, name, role, password_hash) values ('office@bench.example', 'Office', 'staff', 'x')`,
  `insert into engineers (user_id, trades, hours)
     select id, array['plumbing'], '[]'::jsonb from staff_users where role = 'engineer'`,
  `create temp table engineer_n as select row_number() over (order by email) - 1 as n, id from staff_users where role = 'engineer'`,

  `insert into leads (name, phone, segment, source, created_at, updated_at)
     select 'Bench lead ' || i, '+447' || lpad(i::text, 9, '0'),
       (array['tenant','landlord','homeowner','letting_agent','commercial','unknown'])[1 + ${h("i", "seg", 6)}],
       (array['phone','phone','phone','whatsapp','sms','web','manual'])[1 + ${h("i", "src", 7)}],
       t, t
     from generate_series(1, 20000) i,
       lateral (select now() - interval '365 days' + (i / 20000.0) * interval '364 days' as t) x`,
  `create temp table lead_n as select row_number() over (order by created_at, id) as n, id, phone, created_at from leads`,

  `insert into issues (lead_id, title, category, urgency, created_at, updated_at)
     select l.id, 'Bench job ' || l.n,
       (array['plumbing','heating','electrical','roofing','carpentry','general'])[1 + ${h("l.n", "trade", 6)}],
       (array['emergency','urgent','routine','routine','routine'])[1 + ${h("l.n", "urg", 5)}],
       l.created_at + (1 + ${h("l.n", "ih", 48)}) * interval '1 hour', l.created_at
     from lead_n l where l.n <= 16000`,
  `create temp table issue_n as
     select row_number() over (order by i.created_at, i.id) as n, i.id, i.lead_id, i.created_at from issues i`,
  `create index on issue_n (lead_id)`,
  `create index on issue_n (n)`,
  `create index on lead_n (n)`,
  `analyze issue_n`,
  `analyze lead_n`,

  // Inbound: 80 % answered, 15 % missed, 5 % failed; 3 % flagged emergencies.
  `insert into calls (provider_call_id, direction, from_number, to_number, lead_id, status, started_at,
                      answered_at, ended_at, duration_seconds, emergency, issue_id)
     select 'CAbenchin' || i, 'inbound', l.phone, '+441130000000', l.id,
       case when r < 80 then 'completed' when r < 95 then (array['no-answer','busy','canceled'])[1 + r % 3] else 'failed' end,
       t,
       case when r < 80 then t + (3 + ${h("i", "ans", 60)}) * interval '1 second' end,
       t + interval '5 minutes',
       case when r < 80 then 20 + ${h("i", "len", 900)} end,
       ${h("i", "emg", 100)} < 3,
       (select id from issue_n where issue_n.lead_id = l.id limit 1)
     from generate_series(1, 44000) i
       join lead_n l on l.n = 1 + (i * 7919) % 20000,
       lateral (select ${h("i", "st", 100)} as r,
         now() - interval '365 days' + (i / 44000.0) * interval '364 days'
           + (${h("i", "hr", 10)} - 5) * interval '1 hour' as t) x`,
  // Calls back to missed callers, 5 minutes to 10 hours later.
  `insert into calls (provider_call_id, direction, from_number, to_number, lead_id, status, started_at, answered_at, duration_seconds)
     select 'CAbenchout' || row_number() over (), 'outbound', '+441130000000', c.from_number, c.lead_id, 'completed',
       c.started_at + (5 + ${h("c.provider_call_id", "back", 600)}) * interval '1 minute',
       c.started_at + (6 + ${h("c.provider_call_id", "back", 600)}) * interval '1 minute', 120
     from (select * from calls where direction = 'inbound' and status in ('no-answer','busy','canceled')
           order by provider_call_id limit 6000) c`,
  `insert into messages (lead_id, channel, direction, body, status, purpose, sent_by, occurred_at)
     select c.lead_id, 'sms', 'outbound', 'Sorry we missed you', 'sent', 'conversation',
       (select id from staff_users where email = 'office@bench.example'),
       c.started_at + (10 + ${h("c.provider_call_id", "msg", 300)}) * interval '1 minute'
     from (select * from calls where direction = 'inbound' and status in ('no-answer','busy','canceled')
           order by provider_call_id desc limit 1500) c`,

  `insert into quotes (issue_id, version, token, status, lines, totals, sent_at, accepted_at, created_at, updated_at)
     select i.id, 1, 'benchtoken' || i.n, s.status, '[]'::jsonb,
       jsonb_build_object('lines', '[]'::jsonb, 'vatByRate', '[]'::jsonb, 'subtotalPence', round(v.total / 1.2),
         'discountPence', 0, 'netPence', round(v.total / 1.2), 'vatPence', v.total - round(v.total / 1.2),
         'totalPence', v.total,
         'depositPence', case when s.status = 'deposit_paid' or (s.status = 'accepted' and i.n % 3 = 0) then round(v.total / 4) else 0 end),
       v.sent_at,
       case when s.status in ('paid','deposit_paid','accepted') then v.sent_at + (1 + ${h("i.n", "acc", 48)}) * interval '1 hour' end,
       i.created_at, i.created_at
     from issue_n i,
       lateral (select ${h("i.n", "qs", 100)} as r) r,
       lateral (select case when r.r < 40 then 'paid' when r.r < 45 then 'deposit_paid' when r.r < 55 then 'accepted'
                  when r.r < 70 then 'sent' when r.r < 80 then 'viewed' when r.r < 90 then 'declined' else 'expired' end as status) s,
       lateral (select 5000 + ${h("i.n", "amt", 195000)} as total,
                  i.created_at + (2 + ${h("i.n", "sent", 70)}) * interval '1 hour' as sent_at) v
     where i.n <= 15000`,
  `insert into payments (quote_id, kind, amount_pence, provider, status, paid_at, received_pence)
     select q.id, case when q.status = 'paid' then 'full' else 'deposit' end,
       case when q.status = 'paid' then (q.totals->>'totalPence')::int else (q.totals->>'depositPence')::int end,
       'test', 'paid', q.accepted_at + (1 + ${h("q.token", "paid", 120)}) * interval '1 hour',
       case when q.status = 'paid' then (q.totals->>'totalPence')::int else (q.totals->>'depositPence')::int end
     from quotes q where q.status in ('paid', 'deposit_paid')`,
  `insert into invoices (number, quote_id, payment_id, kind, total_pence, content, issued_at)
     select row_number() over (order by p.paid_at, p.id), p.quote_id, p.id, p.kind, p.amount_pence,
       jsonb_build_object('netPence', round(p.amount_pence / 1.2), 'vatPence', p.amount_pence - round(p.amount_pence / 1.2),
         'totalPence', p.amount_pence),
       p.paid_at
     from payments p`,

  // 10,500 first visits and 1,500 return visits; a visit still ahead is booked.
  `insert into appointments (issue_id, engineer_id, starts_at, ends_at, status, created_at, updated_at)
     select i.id, e.id, v.starts_at, v.starts_at + interval '1 hour',
       case when v.starts_at > now() then 'booked'
            else (array['done','done','done','done','done','done','done','done','no_access','cancelled'])[1 + ${h("k", "vs", 10)}] end,
       i.created_at + (1 + ${h("k", "vc", 24)}) * interval '1 hour', i.created_at
     from generate_series(1, 12000) k
       join issue_n i on i.n = case when k <= 10500 then k else k - 10500 end
       join engineer_n e on e.n = ${h("k", "eng", 8)},
       lateral (select date_trunc('day', i.created_at) + (1 + ${h("k", "vd", 7)} + case when k > 10500 then 7 else 0 end) * interval '1 day'
                  + (8 + ${h("k", "vh", 9)}) * interval '1 hour' as starts_at) v`,
  // VACUUM too: the roll-up triggers rewrite their rows on every insert, and a year of data in
  // service has been vacuumed many times over; reading a heap of dead versions is not the steady state.
  `vacuum analyze`,
];

/** Loads the year on one connection (its temporary tables live as long as it does). */
export async function seedYear(sql: postgres.Sql, progress: (message: string) => void): Promise<void> {
  for (const statement of STATEMENTS) {
    const started = performance.now();
    await sql.unsafe(statement);
    const first = statement.trim().split("\n")[0]!.slice(0, 60);
    progress(`  ${(performance.now() - started).toFixed(0).padStart(6)} ms  ${first}`);
  }
}
