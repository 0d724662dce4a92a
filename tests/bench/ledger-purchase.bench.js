/**
 * Recording a purchase with accrual (issue 3): `rpc/record_purchase` through the gateway and
 * PostgREST with 16 concurrent callers (service role, plain fetch), against a trivial RPC
 * (`public.bench_ping()`, created here, not in the migrations) on the same stack in the same run.
 * Variants: purchases spread over 200 members, and every purchase on one hot member. Warm-up, then
 * 3 rounds of 5 s per variant in rotating order; medians across rounds. Target: purchase (spread)
 * throughput >= 0.7 x the trivial RPC's. Afterwards private.ledger_discrepancies() must be empty.
 *
 * To measure a proposed change to the functions without editing the migrations, put it in a SQL
 * file (`create or replace function ...`) and run `VAFA_BENCH_SQL=file.sql npm run bench --
 * ledger-purchase`: it is applied to this bench's throwaway database before measuring.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startStack } from '../../supabase/local/stack.js';
import { compare } from './load.js';

const PORT = 58361;
const CONCURRENCY = 16;
const ROUNDS = 3;
const ROUND_MS = 5_000;
const WARMUP_MS = 2_000;
const MEMBERS = 200;
const TARGET_RATIO = 0.7;
const CLUB = '22222222-2222-4222-8222-000000000001'; // cafe-vafa, from seed.sql
const COMMAND = 'npm run bench -- ledger-purchase';

export default async function bench() {
	const dataDir = mkdtempSync(join(tmpdir(), 'vafa-bench-'));
	chmodSync(dataDir, 0o755);
	let stack;
	let db;
	try {
		stack = await startStack({ apiPort: PORT, dataDir });
		db = new pg.Client({ connectionString: stack.dbUrl });
		await db.connect();

		// The trivial RPC, and the members the purchases go to (plus one hot member).
		await db.query(`
			create function public.bench_ping() returns int language sql as 'select 1';
			grant execute on function public.bench_ping() to service_role;
			notify pgrst, 'reload schema';`);
		const { rows: members } = await db.query(
			`with users as (
				insert into auth.users (instance_id, id, aud, role, phone, phone_confirmed_at, created_at,
					updated_at, raw_app_meta_data, raw_user_meta_data, is_anonymous)
				select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated',
					'authenticated', '98935' || lpad(i::text, 7, '0'), now(), now(), now(),
					'{"provider":"phone","providers":["phone"]}', '{}', false
				from generate_series(1, $2) i
				returning id, phone
			)
			insert into public.members (program_id, user_id, member_number, display_name)
			select $1, u.id, 500000 + right(u.phone, 7)::int, 'Bench ' || right(u.phone, 7) from users u
			returning id`,
			[CLUB, MEMBERS + 1]
		);
		const [hot, ...spread] = members.map((m) => m.id);
		const patch = process.env.VAFA_BENCH_SQL;
		if (patch) {
			await db.query(readFileSync(patch, 'utf8'));
			await db.query(`notify pgrst, 'reload schema'`);
			console.log(`applied ${patch} to the bench database`);
		}

		const headers = {
			apikey: stack.serviceRoleKey,
			Authorization: `Bearer ${stack.serviceRoleKey}`,
			'Content-Type': 'application/json'
		};
		const rpc = (name, body) => [
			`${stack.url}/rest/v1/rpc/${name}`,
			{ method: 'POST', headers, body: JSON.stringify(body) }
		];
		for (let tries = 0; ; tries++) {
			const response = await fetch(...rpc('bench_ping', {}));
			await response.text();
			if (response.ok) break;
			if (tries > 50) throw new Error(`bench_ping not served: ${response.status}`);
			await new Promise((resolve) => setTimeout(resolve, 100));
		}

		let sequence = 0;
		const purchase = (memberOf) => (caller, n) =>
			rpc('record_purchase', {
				p_program_id: CLUB,
				p_member_id: memberOf(caller, n),
				p_amount: 1_250_000,
				p_accrual: [{ points: 12, reason_key: 'rule.base', line: 0 }],
				p_idempotency_key: `bench-purchase-${++sequence}`,
				p_lines: [{ sku: 'latte', qty: 1, amount: 1_250_000 }],
				p_rule_version: 1
			});
		let next = 0;
		const variants = {
			'trivial rpc (bench_ping)': () => rpc('bench_ping', {}),
			[`record_purchase, ${MEMBERS} members`]: purchase(() => spread[next++ % spread.length]),
			'record_purchase, 1 hot member': purchase(() => hot)
		};
		const { names, byVariant, ratio } = await compare({
			callers: CONCURRENCY,
			variants,
			warmupMs: WARMUP_MS,
			roundMs: ROUND_MS,
			rounds: ROUNDS,
			failOnWarmupError: false
		});

		const { rows: checks } = await db.query(
			`
			select (select count(*) from private.ledger_discrepancies()) as discrepancies,
				(select count(*) from public.purchases where member_id = any($1)) as purchases,
				(select count(*) from public.ledger_entries where member_id = any($1)) as entries`,
			[members.map((m) => m.id)]
		);

		const spreadRatio = ratio(names[1]);
		const report = {
			command: patch ? `VAFA_BENCH_SQL=${patch} ${COMMAND}` : COMMAND,
			concurrency: CONCURRENCY,
			rounds: `${ROUNDS} x ${ROUND_MS / 1000} s per variant (medians), after ${WARMUP_MS / 1000} s warm-up`,
			results: byVariant,
			[`ratio ${names[1]} / trivial`]: spreadRatio,
			[`ratio ${names[2]} / trivial`]: ratio(names[2]),
			[`target ratio >= ${TARGET_RATIO}`]: spreadRatio >= TARGET_RATIO ? 'met' : 'MISSED',
			'purchases recorded / ledger entries': `${checks[0].purchases} / ${checks[0].entries}`,
			'ledger_discrepancies() rows': Number(checks[0].discrepancies)
		};
		console.log(`\nRecording a purchase — reproduce with: ${report.command}`);
		console.table(byVariant);
		console.table(
			Object.fromEntries(Object.entries(report).filter(([key]) => !['results'].includes(key)))
		);
		if (report['ledger_discrepancies() rows'] !== 0)
			throw new Error('The ledger has discrepancies');
		return report;
	} finally {
		await db?.end().catch(() => {});
		await stack?.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}
