/**
 * Every analytics query (and the members screens' reads) at 1M members and 20M ledger entries
 * (issue 6): the scale data of ledger-scale (scale-data.js; 100 clubs of about 10,000 members and
 * 200,000 entries each), one member of each club made its manager and the nightly rollup run
 * (`refresh_analytics`); then for random clubs and three periods (30 days, a year, the whole three
 * years) `analytics_summary`, `analytics_series` and `analytics_top_rewards`, plus `search_members`
 * by name, phone and number, `member_history` and a page of `export_members`, called as the manager
 * (role authenticated + request.jwt.claims, as PostgREST does) and timed in the database by EXPLAIN
 * ANALYZE. Target: every call <= 300 ms.
 *
 * `VAFA_BENCH_SCALE=0.1 npm run bench -- analytics` runs it at a tenth of the size, and with
 * `VAFA_BENCH_CLUBS=10` as well each club is as large as at full scale (10,000 members, 200,000
 * entries); `VAFA_BENCH_DATA_DIR=/dir` keeps the generated data for the next run.
 */
import pg from 'pg';
import { percentile } from './load.js';
import { CLUBS, gb, openScaleData, progressLog, SCALE } from './scale-data.js';

const PORT = Number(process.env.VAFA_BENCH_PORT ?? 58721);
const CLUB_SAMPLE = 20;
const TARGET_MS = 300;
const COMMAND = `${SCALE === 1 ? '' : `VAFA_BENCH_SCALE=${SCALE} `}${CLUBS === 100 ? '' : `VAFA_BENCH_CLUBS=${CLUBS} `}npm run bench -- analytics`;
const progress = progressLog('analytics');

const round = (ms) => +ms.toFixed(2);

/** Execution time in the database of one call as `userId`, via EXPLAIN ANALYZE, rolled back. */
async function timed(db, userId, call, params) {
	await db.query('begin');
	try {
		await db.query('set local role authenticated');
		await db.query(`select set_config('request.jwt.claims', $1, true)`, [
			JSON.stringify({ sub: userId, role: 'authenticated' })
		]);
		const { rows } = await db.query(`explain (analyze, format json) select ${call}`, params);
		return rows[0]['QUERY PLAN'][0]['Execution Time'];
	} finally {
		await db.query('rollback');
	}
}

export default async function bench() {
	const { stack, generationMs, close } = await openScaleData({ port: PORT, progress });
	const db = new pg.Client({ connectionString: stack.dbUrl });
	try {
		await db.connect();
		progress('a manager for every club');
		await db.query(`
			insert into public.program_staff (program_id, user_id, role)
			select distinct on (m.program_id) m.program_id, m.user_id, 'manager'
			from public.members m order by m.program_id, m.member_number
			on conflict do nothing`);
		await db.query('analyze public.program_staff');
		// What the nightly job does: roll every club's finished days up (from scratch on new data).
		progress('the nightly rollup (refresh_analytics)');
		const rollupStarted = performance.now();
		const { rows: rolled } = await db.query('select public.refresh_analytics() as r');
		const rollupMs = performance.now() - rollupStarted;
		const { rows: clubs } = await db.query(
			`select s.program_id, s.user_id,
			   (select count(*) from public.members m where m.program_id = s.program_id) as members,
			   (select m.id from public.members m where m.program_id = s.program_id
			     order by m.visit_count desc limit 1) as busiest,
			   (select '+' || u.phone from public.members m join auth.users u on u.id = m.user_id
			     where m.program_id = s.program_id order by m.member_number desc limit 1) as phone,
			   (select m.member_number from public.members m where m.program_id = s.program_id
			     order by m.member_number desc limit 1) as number,
			   (select m.display_name from public.members m where m.program_id = s.program_id
			     order by m.member_number desc limit 1) as name
			 from public.program_staff s where s.role = 'manager'
			 order by random() limit ${CLUB_SAMPLE}`
		);
		const { rows: sizes } = await db.query(`
			select (select count(*) from public.members) as members,
				(select count(*) from public.ledger_entries) as entries,
				(select count(*) from public.purchases) as purchases,
				pg_database_size(current_database()) as bytes`);

		const today = new Date().toISOString().slice(0, 10);
		const daysAgo = (n) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
		const periods = { '30 days': daysAgo(29), '1 year': daysAgo(364), '3 years': daysAgo(1095) };
		const calls = [];
		for (const [label, from] of Object.entries(periods)) {
			for (const fn of ['analytics_summary', 'analytics_series']) {
				calls.push([
					`${fn}, ${label}`,
					`public.${fn}($1, $2, $3)`,
					(c) => [c.program_id, from, today]
				]);
			}
			calls.push([
				`analytics_top_rewards, ${label}`,
				'public.analytics_top_rewards($1, $2, $3, 5)',
				(c) => [c.program_id, from, today]
			]);
		}
		calls.push(
			[
				'search_members by name (any part)',
				'public.search_members($1, $2)',
				(c) => [c.program_id, c.name.slice(2)]
			],
			['search_members by phone', 'public.search_members($1, $2)', (c) => [c.program_id, c.phone]],
			[
				'search_members by member number',
				'public.search_members($1, $2)',
				(c) => [c.program_id, String(c.number)]
			],
			['member_history, busiest member', 'public.member_history($1)', (c) => [c.busiest]],
			['export_members, first 1000', 'public.export_members($1)', (c) => [c.program_id]]
		);

		progress(`warm-up: ${calls.length} calls for ${clubs.length} clubs`);
		for (const club of clubs.slice(0, 3))
			for (const [, call, params] of calls) await timed(db, club.user_id, call, params(club));
		progress('measuring');
		const results = [];
		for (const [label, call, params] of calls) {
			const ms = [];
			for (const club of clubs) ms.push(await timed(db, club.user_id, call, params(club)));
			results.push({
				call: label,
				clubs: ms.length,
				'p50 ms': round(percentile(ms, 50)),
				'p95 ms': round(percentile(ms, 95)),
				'max ms': round(Math.max(...ms)),
				[`<= ${TARGET_MS} ms`]: Math.max(...ms) <= TARGET_MS ? 'met' : 'MISSED'
			});
		}
		progress('measured');
		const report = {
			command: COMMAND,
			scale: SCALE,
			data: {
				'generation s': generationMs === null ? 'reused' : round(generationMs / 1000),
				'rollup refresh s': round(rollupMs / 1000),
				'rollup days written': rolled[0].r.days,
				members: Number(sizes[0].members),
				'ledger entries': Number(sizes[0].entries),
				purchases: Number(sizes[0].purchases),
				'members per sampled club (median)': percentile(
					clubs.map((c) => Number(c.members)),
					50
				),
				'database size': gb(Number(sizes[0].bytes))
			},
			results
		};
		console.log(`\nAnalytics at scale — reproduce with: ${COMMAND}`);
		console.table(report.data);
		console.table(results);
		return report;
	} finally {
		await db.end().catch(() => {});
		await close();
	}
}
