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
 * `VAFA_BENCH_SQL=file.sql` also measures a proposed change (applied to this throwaway database, or to
 * the kept one of `VAFA_BENCH_DATA_DIR`; see scale-data.js).
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { percentile } from './load.js';
import { gb, MEMBERS, openScaleData, progressLog, SCALE } from './scale-data.js';

const PORT = 58421;
const CALLS = 300;
const TARGET_MS = 5;
const COMMAND = `${SCALE === 1 ? '' : `VAFA_BENCH_SCALE=${SCALE} `}npm run bench -- ledger-scale`;

const round = (ms, digits = 2) => +ms.toFixed(digits);
const progress = progressLog('ledger-scale');

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
	const { stack, generationMs, close } = await openScaleData({ port: PORT, progress });
	let db;
	try {
		db = new pg.Client({ connectionString: stack.dbUrl });
		await db.connect();

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
				'generation s': generationMs === null ? 'reused' : round(generationMs / 1000, 1),
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
		await close();
	}
}
