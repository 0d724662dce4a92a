/**
 * The data set of the scale benchmarks (issue 3's ledger at scale, reused by analytics): 1M members
 * and 20M ledger entries generated in SQL through the real tables, with every index, constraint,
 * foreign key and trigger in place (nothing disabled). See ledger-scale.bench.js for its shape.
 *
 * `VAFA_BENCH_SCALE=0.1` makes a tenth of it; `VAFA_BENCH_CLUBS=10` spreads it over 10 clubs instead
 * of 100. `VAFA_BENCH_DATA_DIR=/some/dir` keeps the generated database there and reuses it on the
 * next run of the same shape (the generation takes about 50 minutes of CPU at full scale); without
 * it the data lives in a temporary folder removed at the end.
 */
import {
	chmodSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	statfsSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startStack } from '../../supabase/local/stack.js';

export const SCALE = Number(process.env.VAFA_BENCH_SCALE ?? 1);
export const MEMBERS = Math.round(1_000_000 * SCALE);
export const ENTRIES = Math.round(20_000_000 * SCALE);
// Fewer clubs at a smaller scale keep each club as large as at full scale (10,000 members).
export const CLUBS = Number(process.env.VAFA_BENCH_CLUBS ?? 100);
const BATCHES = 20;

export const gb = (bytes) => `${(bytes / 1024 ** 3).toFixed(2)} GB`;

/** A progress line with the time the previous step took. */
export function progressLog(label) {
	let phaseStarted = 0;
	return (message) => {
		const now = performance.now();
		const took = phaseStarted
			? ` (previous step ${((now - phaseStarted) / 1000).toFixed(1)} s)`
			: '';
		console.log(`[${label} ${new Date().toISOString().slice(11, 19)}] ${message}${took}`);
		phaseStarted = now;
	};
}

/** The generation, step by step: [label, sql]. Staging tables live in schema `bench` and go at the end. */
export function generationSteps() {
	const steps = [
		[
			'staging: clubs, users and members',
			`
create schema bench;
create unlogged table bench.clubs as
  select i, gen_random_uuid() as id from generate_series(1, ${CLUBS}) i;
create unlogged table bench.people as
  select p.i, gen_random_uuid() as user_id, gen_random_uuid() as member_id, c.id as program_id
  from generate_series(0, ${MEMBERS - 1}) p(i) join bench.clubs c on c.i = 1 + (p.i % ${CLUBS});
alter table bench.people add primary key (i);`
		],
		[
			`staging: ${ENTRIES.toLocaleString('en')} entries (skewed over members, running balances)`,
			`
create unlogged table bench.raw as
  select g, floor(${MEMBERS} * power(random(), 1.5))::int as m,
    now() - interval '3 years' * random() as at, 1 + floor(random() * 50)::bigint as points,
    random() < 0.9 as with_purchase
  from generate_series(1, ${ENTRIES}) g;
create unlogged table bench.entries as
  select row_number() over (order by at, g) as id, m, at, amount,
    sum(amount) over (partition by m order by at, g) as balance_after,
    case when amount > 0 and with_purchase then gen_random_uuid() end as purchase_id
  from (
    select g, m, at, with_purchase,
      case when row_number() over w % 5 = 0 then -lag(points) over w else points end as amount
    from bench.raw window w as (partition by m order by at, g)
  ) s;
drop table bench.raw;
create index on bench.entries (id);
create unlogged table bench.base as select coalesce(max(id), 0) as base from public.ledger_entries;
analyze bench.entries;
create unlogged table bench.activity as
  select m, min(at) as first_at, max(at) as last_at, count(purchase_id) as visits
  from bench.entries group by m;`
		],
		[
			`auth.users: ${MEMBERS.toLocaleString('en')} rows`,
			`
insert into auth.users (instance_id, id, aud, role, phone, phone_confirmed_at, raw_app_meta_data,
  raw_user_meta_data, created_at, updated_at, is_anonymous)
select '00000000-0000-0000-0000-000000000000', p.user_id, 'authenticated', 'authenticated',
  '98' || (9100000000 + p.i)::text, coalesce(a.first_at, now()) - interval '1 day',
  '{"provider":"phone","providers":["phone"]}', '{}', coalesce(a.first_at, now()) - interval '1 day',
  coalesce(a.first_at, now()) - interval '1 day', false
from bench.people p left join bench.activity a on a.m = p.i order by p.i;`
		],
		[
			`clubs and tiers: ${CLUBS} clubs`,
			`
insert into public.programs (id, slug, name, settings)
select id, 'bench-club-' || i, 'Bench club ' || i, '{}' from bench.clubs;
insert into public.tiers (program_id, rank, name, threshold, window_days, multiplier, downgrade_grace_days)
select c.id, t.rank, t.name, t.threshold, 365, t.multiplier, t.grace
from bench.clubs c cross join (values (0, 'Bronze', 0, 1.00, 0), (1, 'Silver', 500, 1.25, 30),
  (2, 'Gold', 2000, 1.50, 60)) t(rank, name, threshold, multiplier, grace);`
		],
		[
			`members: ${MEMBERS.toLocaleString('en')} rows (the insert trigger opens 2 accounts each)`,
			`
insert into public.members (id, program_id, user_id, member_number, display_name, joined_at,
  last_activity_at, visit_count)
select p.member_id, p.program_id, p.user_id, 1001 + p.i / ${CLUBS}, 'Member ' || p.i,
  coalesce(a.first_at, now()) - interval '1 day', coalesce(a.last_at, now() - interval '1 day'),
  coalesce(a.visits, 0)
from bench.people p left join bench.activity a on a.m = p.i order by p.i;
update public.programs g set next_member_number = s.next
from (select program_id, max(member_number) + 1 as next from public.members group by program_id) s
where s.program_id = g.id;`
		]
	];
	for (let batch = 1; batch <= BATCHES; batch++) {
		const range = `e.id between ${Math.floor(((batch - 1) * ENTRIES) / BATCHES) + 1} and ${Math.floor((batch * ENTRIES) / BATCHES)}`;
		steps.push([
			`purchases and entries, batch ${batch}/${BATCHES}`,
			`
insert into public.operations (id, program_id, idempotency_key, kind, request, result)
select gen_random_uuid(), (select id from bench.clubs where i = 1), 'bench-load-${batch}', 'bench_load',
  '{"batch": ${batch}}', '{}';
insert into public.purchases (id, program_id, member_id, amount, points_earned, occurred_at, created_at)
select e.purchase_id, p.program_id, p.member_id, e.amount * 100000, e.amount, e.at, e.at
from bench.entries e join bench.people p on p.i = e.m
where ${range} and e.purchase_id is not null order by e.id;
insert into public.ledger_entries (id, program_id, account_id, member_id, account_kind, kind, amount,
  balance_after, reason_key, purchase_id, operation_id, created_at) overriding system value
select e.id + (select base from bench.base), p.program_id, a.id, p.member_id, 'points', case when e.amount < 0 then 'redeem' else 'earn' end::public.entry_kind,
  e.amount, e.balance_after,
  case when e.amount < 0 then 'reward.redeemed' when e.purchase_id is null then 'bonus.birthday' else 'rule.base' end,
  e.purchase_id, (select o.id from public.operations o where o.idempotency_key = 'bench-load-${batch}'), e.at
from bench.entries e join bench.people p on p.i = e.m
join public.accounts a on a.member_id = p.member_id and a.kind = 'points'
where ${range} order by e.id;`,
			'parallel'
		]);
	}
	steps.push([
		'ledger_entries identity after the explicit ids',
		`select setval(pg_get_serial_sequence('public.ledger_entries', 'id'), (select max(id) from public.ledger_entries));`
	]);
	for (const half of [0, 1]) {
		const mine = `(hashtext(e.account_id::text) & 1) = ${half}`;
		steps.push([
			`points lots (first in, first out), accounts half ${half + 1}/2`,
			`
insert into public.points_lots (program_id, account_id, entry_id, purchase_id, amount, remaining, earned_at)
select l.program_id, l.account_id, l.id, l.purchase_id, l.amount,
  greatest(0, least(l.amount, l.earned_before + l.amount - r.redeemed)), l.created_at
from (
  select e.program_id, e.account_id, e.id, e.purchase_id, e.amount, e.created_at,
    coalesce(sum(e.amount) over (partition by e.account_id order by e.id
      rows between unbounded preceding and 1 preceding), 0) as earned_before
  from public.ledger_entries e
  where e.amount > 0 and ${mine}
    and e.operation_id in (select o.id from public.operations o where o.kind = 'bench_load')
) l
join (select e.account_id, -coalesce(sum(e.amount) filter (where e.amount < 0), 0) as redeemed
  from public.ledger_entries e where ${mine} group by e.account_id) r on r.account_id = l.account_id
order by l.id;`,
			'parallel'
		]);
	}
	steps.push(
		[
			'account balances',
			`
update public.accounts a set balance = s.balance, updated_at = s.at
from (select distinct on (e.account_id) e.account_id, e.balance_after as balance, e.created_at as at
  from public.ledger_entries e order by e.account_id, e.id desc) s
where s.account_id = a.id;`
		],
		['drop the staging tables', 'drop schema bench cascade;'],
		['vacuum analyze (what autovacuum would have done)', 'vacuum analyze;']
	);
	return steps;
}

/** Runs the generation; steps marked 'parallel' (independent batches) run two at a time, one per core. */
async function generate(dbUrl, progress) {
	const client = () => new pg.Client({ connectionString: dbUrl });
	const workers = [client(), client()];
	try {
		for (const worker of workers) {
			await worker.connect();
			await worker.query(`set maintenance_work_mem = '512MB'`);
		}
		await workers[0].query(`select setseed(0.42)`);
		const steps = generationSteps();
		for (let i = 0; i < steps.length;) {
			if (steps[i][2] !== 'parallel') {
				progress(steps[i][0]);
				await workers[0].query(steps[i++][1]);
				continue;
			}
			const group = [];
			while (i < steps.length && steps[i][2] === 'parallel') group.push(steps[i++]);
			await Promise.all(
				workers.map(async (worker) => {
					while (group.length) {
						const [label, sql] = group.shift();
						progress(label);
						await worker.query(sql);
					}
				})
			);
		}
	} finally {
		await Promise.all(workers.map((w) => w.end().catch(() => {})));
	}
}

/**
 * A stack on `port` over the scale data: generated now, or reused from VAFA_BENCH_DATA_DIR when a
 * run at the same scale left it there. Resolves to { stack, generationMs (null when reused),
 * close() }; close() stops the stack and removes the data unless it is kept.
 */
export async function openScaleData({ port, progress }) {
	const kept = process.env.VAFA_BENCH_DATA_DIR;
	const marker = kept && join(kept, 'vafa-scale.json');
	const reuse =
		marker &&
		existsSync(marker) &&
		JSON.parse(readFileSync(marker, 'utf8')).scale === SCALE &&
		JSON.parse(readFileSync(marker, 'utf8')).clubs === CLUBS;
	let dataDir;
	if (kept) {
		if (!reuse) rmSync(kept, { recursive: true, force: true });
		mkdirSync(kept, { recursive: true });
		dataDir = kept;
	} else {
		dataDir = mkdtempSync(join(tmpdir(), 'vafa-bench-'));
	}
	chmodSync(dataDir, 0o755);
	const close = async (stack) => {
		await stack?.stop();
		if (!kept) rmSync(dataDir, { recursive: true, force: true });
	};
	if (!reuse) {
		const free = statfsSync(dataDir);
		const freeBytes = free.bavail * free.bsize;
		progress(
			`scale ${SCALE}: ${MEMBERS} members, ${ENTRIES} entries; ${gb(freeBytes)} free in ${dataDir}`
		);
		if (freeBytes < 25 * 1024 ** 3 * SCALE) {
			await close();
			throw new Error(
				`Needs about ${Math.ceil(25 * SCALE)} GB free in ${dataDir}; run with VAFA_BENCH_SCALE=0.1`
			);
		}
	} else {
		progress(`scale ${SCALE}: reusing the data in ${dataDir}`);
	}
	let stack;
	try {
		stack = await startStack({ apiPort: port, dataDir });
		let generationMs = null;
		if (!reuse) {
			const started = performance.now();
			await generate(stack.dbUrl, progress);
			generationMs = performance.now() - started;
			progress('generation done');
			if (marker)
				writeFileSync(
					marker,
					JSON.stringify({ scale: SCALE, clubs: CLUBS, generatedAt: new Date() })
				);
		}
		return { stack, generationMs, close: () => close(stack) };
	} catch (error) {
		await close(stack);
		throw error;
	}
}
