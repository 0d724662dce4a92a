/**
 * The ledger at scale (issue 3): 1M members and 20M ledger entries generated in SQL, then "my cards"
 * (`public.my_cards()`) and the first page of "my history" (`public.my_history(member, null, null,
 * 20)`) called as the customer (role authenticated + request.jwt.claims, as PostgREST does) for
 * random members, timed in the database by EXPLAIN ANALYZE. Target: p95 <= 5 ms, index use in the
 * plans of the queries inside both functions (captured with auto_explain).
 *
 * The data, all written through the real tables with every index, constraint, foreign key and
 * trigger in place (nothing disabled):
 * - 100 clubs without points expiry, each with the seed's three tiers (365-day windows); every
 *   member stays in the base tier, so my_cards computes both the "keep" and the "next tier" sums.
 * - 1M auth.users and 1M members (one membership per user); the insert trigger opens the accounts.
 * - 20M points entries over three years, skewed over members (member = floor(N * u^1.5): median
 *   about 17 entries, the busiest about 2,000), inserted in time order as production would (a
 *   member's entries are scattered over the heap). Every 5th entry of an account is a redemption of
 *   the earning before it (so balances never go below zero), 90% of earnings come with a purchase
 *   row, and balance_after is a running sum (window function). One operation row per batch.
 * - One points lot per earning, consumed first-in first-out, so lots, entries and balances agree
 *   (private.ledger_discrepancies() is checked on a sample of accounts).
 *
 * `VAFA_BENCH_SCALE=0.1 npm run bench -- ledger-scale` runs it at a tenth of the size;
 * `VAFA_BENCH_SQL=file.sql` also measures a proposed change (applied to this throwaway database).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startStack } from '../../supabase/local/stack.js';

const PORT = 58421;
const SCALE = Number(process.env.VAFA_BENCH_SCALE ?? 1);
const MEMBERS = Math.round(1_000_000 * SCALE);
const ENTRIES = Math.round(20_000_000 * SCALE);
const CLUBS = 100;
const BATCHES = 20;
const CALLS = 300;
const TARGET_MS = 5;
const COMMAND = `${SCALE === 1 ? '' : `VAFA_BENCH_SCALE=${SCALE} `}npm run bench -- ledger-scale`;

const percentile = (values, p) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (ms, digits = 2) => +ms.toFixed(digits);
const gb = (bytes) => `${(bytes / 1024 ** 3).toFixed(2)} GB`;

let phaseStarted = 0;
function progress(message) {
	const now = performance.now();
	const took = phaseStarted ? ` (previous step ${((now - phaseStarted) / 1000).toFixed(1)} s)` : '';
	console.log(`[ledger-scale ${new Date().toISOString().slice(11, 19)}] ${message}${took}`);
	phaseStarted = now;
}

/** The generation, step by step: [label, sql]. Staging tables live in schema `bench` and go at the end. */
function generationSteps() {
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

/** Runs `sql` as the customer `userId` in a transaction, the way PostgREST does, and rolls back. */
async function asCustomer(client, userId, sql, params = []) {
	await client.query('begin');
	try {
		await client.query('set local role authenticated');
		await client.query(`select set_config('request.jwt.claims', $1, true)`, [
			JSON.stringify({ sub: userId, role: 'authenticated' })
		]);
		return await client.query(sql, params);
	} finally {
		await client.query('rollback');
	}
}

/** Execution time (ms, in the database) and buffer use of one call, via EXPLAIN ANALYZE. */
async function timedCall(client, userId, call, params) {
	const { rows } = await asCustomer(
		client,
		userId,
		`explain (analyze, buffers, format json) select ${call}`,
		params
	);
	const [plan] = rows[0]['QUERY PLAN'];
	return {
		ms: plan['Execution Time'],
		hit: plan.Plan['Shared Hit Blocks'],
		read: plan.Plan['Shared Read Blocks']
	};
}

function nodeTypes(plan, into = new Set()) {
	const name = plan['Index Name']
		? `${plan['Node Type']} on ${plan['Index Name']}`
		: plan['Node Type'];
	into.add(plan['Relation Name'] ? `${name} (${plan['Relation Name']})` : name);
	for (const child of plan.Plans ?? []) nodeTypes(child, into);
	return into;
}

/** The plans of the statements inside a call (auto_explain, nested statements), as node types. */
async function innerPlans(client, userId, call, params) {
	const notices = [];
	const onNotice = (notice) => notices.push(notice.message);
	client.on('notice', onNotice);
	try {
		await client.query(`load 'auto_explain'`);
		await client.query(`set auto_explain.log_min_duration = 0`);
		await client.query(`set auto_explain.log_analyze = on`);
		await client.query(`set auto_explain.log_nested_statements = on`);
		await client.query(`set auto_explain.log_format = json`);
		await client.query(`set auto_explain.log_level = notice`);
		await asCustomer(client, userId, `select ${call}`, params);
	} finally {
		await client.query(`set auto_explain.log_min_duration = -1`);
		client.off('notice', onNotice);
	}
	const plans = [];
	for (const message of notices) {
		const json = message.slice(message.indexOf('{'));
		try {
			const { 'Query Text': text, Plan: plan } = JSON.parse(json);
			if (/^\s*(explain|select (public\.)?my_)/i.test(text)) continue;
			if (plans.some((p) => p.query === text.replace(/\s+/g, ' ').trim().slice(0, 90))) continue;
			if (!/Scan/.test(JSON.stringify(plan))) continue;
			plans.push({
				query: text.replace(/\s+/g, ' ').trim().slice(0, 90),
				nodes: [...nodeTypes(plan)].join(' > ')
			});
		} catch {
			// Not a plan.
		}
	}
	return plans;
}

async function measure(client, label, members, call, params) {
	const samples = [];
	for (const member of members)
		samples.push(await timedCall(client, member.user_id, call, params(member)));
	const ms = samples.map((s) => s.ms);
	return {
		call: label,
		calls: samples.length,
		'p50 ms': round(percentile(ms, 50), 3),
		'p95 ms': round(percentile(ms, 95), 3),
		'max ms': round(Math.max(...ms), 3),
		'blocks read (not cached), mean': round(
			samples.reduce((s, x) => s + x.read, 0) / samples.length,
			1
		),
		'p95 <= 5 ms': percentile(ms, 95) <= TARGET_MS ? 'met' : 'MISSED'
	};
}

export default async function bench() {
	const free = statfsSync(tmpdir());
	const freeBytes = free.bavail * free.bsize;
	progress(
		`scale ${SCALE}: ${MEMBERS} members, ${ENTRIES} entries; ${gb(freeBytes)} free in ${tmpdir()}`
	);
	if (freeBytes < 25 * 1024 ** 3 * SCALE) {
		throw new Error(
			`Needs about ${Math.ceil(25 * SCALE)} GB free in ${tmpdir()}; run with VAFA_BENCH_SCALE=0.1`
		);
	}
	const dataDir = mkdtempSync(join(tmpdir(), 'vafa-bench-'));
	chmodSync(dataDir, 0o755);
	let stack;
	const client = () => new pg.Client({ connectionString: stack.dbUrl });
	let db;
	try {
		stack = await startStack({ apiPort: PORT, dataDir });
		db = client();
		await db.connect();
		await db.query(`set maintenance_work_mem = '512MB'`);
		await db.query(`select setseed(0.42)`);

		const generationStarted = performance.now();
		// Steps marked 'parallel' (independent batches) run two at a time, one per core.
		const second = client();
		await second.connect();
		await second.query(`set maintenance_work_mem = '512MB'`);
		const steps = generationSteps();
		try {
			for (let i = 0; i < steps.length;) {
				if (steps[i][2] !== 'parallel') {
					progress(steps[i][0]);
					await db.query(steps[i++][1]);
					continue;
				}
				const group = [];
				while (i < steps.length && steps[i][2] === 'parallel') group.push(steps[i++]);
				await Promise.all(
					[db, second].map(async (worker) => {
						while (group.length) {
							const [label, sql] = group.shift();
							progress(label);
							await worker.query(sql);
						}
					})
				);
			}
		} finally {
			await second.end();
		}
		const generationMs = performance.now() - generationStarted;
		progress('generation done');

		const { rows: counts } = await db.query(`
			select (select count(*) from public.members) as members,
				(select count(*) from auth.users) as users,
				(select count(*) from public.accounts) as accounts,
				(select count(*) from public.purchases) as purchases,
				(select count(*) from public.ledger_entries) as entries,
				(select count(*) from public.points_lots) as lots,
				pg_database_size(current_database()) as db_bytes,
				pg_total_relation_size('public.ledger_entries') as entries_bytes`);
		const [sizes] = counts;

		// Consistency: the checker, per account, on a random sample (the full run is a 2M-account scan).
		const { rows: check } = await db.query(`
			select count(*) as checked, count(*) filter (where a.balance <> e.sum or l.sum is distinct from e.sum)
				as discrepancies
			from public.accounts a tablesample system (1)
			cross join lateral (select coalesce(sum(x.amount), 0) as sum from public.ledger_entries x
				where x.account_id = a.id) e
			cross join lateral (select coalesce(sum(y.remaining), 0) as sum from public.points_lots y
				where y.account_id = a.id) l
			where a.kind = 'points'`);
		progress(
			`consistency: ${check[0].discrepancies} discrepancies in ${check[0].checked} sampled accounts`
		);

		const { rows: sample } = await db.query(
			`select m.id as member_id, m.user_id from public.members m
			 tablesample bernoulli (${Math.min(100, (300 * CALLS) / MEMBERS)})
			 where m.display_name like 'Member %' order by random() limit ${CALLS}`
		);
		const { rows: busiest } = await db.query(`
			select m.id as member_id, m.user_id, c.n from (
				select member_id, count(*) as n from public.ledger_entries group by member_id
				order by count(*) desc limit 20) c join public.members m on m.id = c.member_id`);
		const { rows: distribution } = await db.query(`
			select percentile_disc(array[0.5, 0.95, 0.999]) within group (order by n) as p, max(n) as max
			from (select count(*) as n from public.ledger_entries group by member_id) s`);

		const cards = 'public.my_cards()';
		const history = 'public.my_history($1, null, null, 20)';
		const noParams = () => [];
		const memberParam = (m) => [m.member_id];
		progress(`warm-up: ${sample.length} members`);
		for (const member of sample.slice(0, 50)) {
			await timedCall(db, member.user_id, cards, []);
			await timedCall(db, member.user_id, history, [member.member_id]);
		}
		progress(`measuring ${sample.length} random members and the ${busiest.length} busiest`);
		const results = [
			await measure(db, 'my_cards(), random members', sample, cards, noParams),
			await measure(
				db,
				'my_history(m, null, null, 20), random members',
				sample,
				history,
				memberParam
			),
			await measure(db, 'my_cards(), 20 busiest members', busiest, cards, noParams),
			await measure(db, 'my_history(..., 20), 20 busiest members', busiest, history, memberParam)
		];
		const typical = sample[0];
		const plans = {
			'my_cards (typical member)': await innerPlans(db, typical.user_id, cards, []),
			'my_history (typical member)': await innerPlans(db, typical.user_id, history, [
				typical.member_id
			]),
			[`my_cards (busiest member, ${busiest[0].n} entries)`]: await innerPlans(
				db,
				busiest[0].user_id,
				cards,
				[]
			)
		};
		// A proposed change, measured on the same data: VAFA_BENCH_SQL=file.sql (never the migrations).
		const patch = process.env.VAFA_BENCH_SQL;
		if (patch) {
			await db.query(readFileSync(patch, 'utf8'));
			progress(`applied ${patch}; measuring again`);
			for (const member of sample.slice(0, 50)) await timedCall(db, member.user_id, cards, []);
			results.push(
				await measure(db, `my_cards(), random members, with ${patch}`, sample, cards, noParams),
				await measure(
					db,
					`my_history(...), random members, with ${patch}`,
					sample,
					history,
					memberParam
				),
				await measure(db, `my_cards(), 20 busiest, with ${patch}`, busiest, cards, noParams)
			);
		}
		progress('measured');

		const report = {
			command: patch ? `VAFA_BENCH_SQL=${patch} ${COMMAND}` : COMMAND,
			scale: SCALE,
			generation: {
				'generation s': round(generationMs / 1000, 1),
				members: Number(sizes.members),
				'auth.users': Number(sizes.users),
				accounts: Number(sizes.accounts),
				purchases: Number(sizes.purchases),
				'ledger entries': Number(sizes.entries),
				'points lots': Number(sizes.lots),
				'entries per member p50/p95/p99.9/max': `${distribution[0].p.join('/')}/${distribution[0].max}`,
				'database size': gb(Number(sizes.db_bytes)),
				'ledger_entries with indexes': gb(Number(sizes.entries_bytes)),
				'sampled accounts checked / discrepancies': `${check[0].checked} / ${check[0].discrepancies}`
			},
			results,
			plans
		};
		console.log(`\nLedger at scale — reproduce with: ${report.command}`);
		console.table(report.generation);
		console.table(results);
		for (const [label, list] of Object.entries(plans)) {
			console.log(`\nPlans inside ${label}:`);
			console.table(list);
		}
		return report;
	} finally {
		await db?.end().catch(() => {});
		await stack?.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}
