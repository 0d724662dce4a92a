/**
 * The checkout end to end (issue 4): POST /functions/v1/checkout through the gateway (verify_jwt),
 * the Deno edge runtime, PostgREST and Postgres, with 16 concurrent cashiers (each its own staff
 * JWT and its own 20 members, found by phone), against the trivial function `ping` on the same
 * stack in the same run. Warm-up, then 3 rounds of 5 s per variant in rotating order; medians.
 * Targets: checkout throughput >= 0.6 x ping's, checkout p99 <= 150 ms. Afterwards every checkout
 * must have one purchase and private.ledger_discrepancies() must be empty.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sign } from '../../supabase/local/jwt.js';
import { startStack } from '../../supabase/local/stack.js';
import { compare } from './load.js';

const PORT = 58541;
const CASHIERS = 16;
const MEMBERS_EACH = 20;
const ROUNDS = 3;
const ROUND_MS = 5_000;
const WARMUP_MS = 3_000;
const TARGET_RATIO = 0.6;
const TARGET_P99_MS = 150;
const CLUB = '22222222-2222-4222-8222-000000000001'; // cafe-vafa, from seed.sql
const COMMAND = 'npm run bench -- checkout';

/** A realistic rule set: base rate, a category multiplier, the tier multiplier, a campaign, caps. */
const RULES = {
	base: { points: 1, per: 100_000, rounding: 'floor' },
	categories: { coffee: 1.5 },
	tier_multiplier: true,
	first_purchase: { points: 20 },
	campaigns: [{ id: 'yalda', name: 'Yalda', multiplier: 2, weekdays: ['sat', 'sun', 'mon'] }],
	caps: { per_purchase: 500, per_day: 100_000 }
};

/** Staff users and members straight into the database: the bench measures checkout, not sign-up. */
export async function arrange(db) {
	const users = (prefix, count) =>
		db.query(
			`insert into auth.users (instance_id, id, aud, role, phone, phone_confirmed_at, created_at,
				updated_at, raw_app_meta_data, raw_user_meta_data, is_anonymous)
			 select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated',
				'authenticated', $1 || lpad(i::text, 7, '0'), now(), now(), now(),
				'{"provider":"phone","providers":["phone"]}', '{}', false
			 from generate_series(1, $2) i
			 returning id, phone`,
			[prefix, count]
		);
	const { rows: staff } = await users('98936', CASHIERS);
	await db.query(
		`insert into public.program_staff (program_id, user_id, role) select $1, unnest($2::uuid[]), 'cashier'`,
		[CLUB, staff.map((s) => s.id)]
	);
	const { rows: people } = await users('98935', CASHIERS * MEMBERS_EACH);
	const { rows: members } = await db.query(
		`insert into public.members (program_id, user_id, member_number, display_name)
		 select $1, u.id, 600000 + right(u.phone, 7)::int, 'Bench ' || right(u.phone, 7)
		 from unnest($2::uuid[], $3::text[]) as u(id, phone)
		 returning id`,
		[CLUB, people.map((p) => p.id), people.map((p) => p.phone)]
	);
	await db.query(
		`insert into public.earning_rules (program_id, version, rules, effective_from)
		 select $1, coalesce(max(version), 0) + 1, $2, now() from public.earning_rules where program_id = $1`,
		[CLUB, JSON.stringify(RULES)]
	);
	return { staff, phones: people.map((p) => `+${p.phone}`), memberIds: members.map((m) => m.id) };
}

export default async function bench() {
	const dataDir = mkdtempSync(join(tmpdir(), 'vafa-bench-'));
	chmodSync(dataDir, 0o755);
	let stack;
	let db;
	try {
		stack = await startStack({ apiPort: PORT, dataDir });
		db = new pg.Client({ connectionString: stack.dbUrl });
		await db.connect();
		const { staff, phones, memberIds } = await arrange(db);
		const exp = Math.floor(Date.now() / 1000) + 3600;
		const tokens = staff.map((s) =>
			sign(
				{ sub: s.id, role: 'authenticated', aud: 'authenticated', phone: s.phone, exp },
				stack.jwtSecret
			)
		);
		const headers = (caller) => ({
			apikey: stack.anonKey,
			Authorization: `Bearer ${tokens[caller]}`,
			'Content-Type': 'application/json'
		});

		const run = randomUUID().slice(0, 8);
		let sequence = 0;
		const variants = {
			'ping (trivial function)': (caller) => [
				`${stack.url}/functions/v1/ping`,
				{ method: 'POST', headers: headers(caller), body: '{}' }
			],
			'checkout (phone, 1 line, rules)': (caller, n) => [
				`${stack.url}/functions/v1/checkout`,
				{
					method: 'POST',
					headers: headers(caller),
					body: JSON.stringify({
						program: 'cafe-vafa',
						card: phones[caller * MEMBERS_EACH + (n % MEMBERS_EACH)],
						amount: 1_250_000,
						lines: [{ amount: 1_250_000, category: 'coffee', sku: 'latte', quantity: 1 }],
						idempotency_key: `bench-${run}-${++sequence}`
					})
				}
			]
		};
		const {
			names,
			byVariant,
			ratio: ratioOf
		} = await compare({
			callers: CASHIERS,
			variants,
			warmupMs: WARMUP_MS,
			roundMs: ROUND_MS,
			rounds: ROUNDS,
			failOnWarmupError: true
		});

		const { rows: checks } = await db.query(
			`select (select count(*) from private.ledger_discrepancies())::int as discrepancies,
				(select count(*) from public.purchases where member_id = any($1))::int as purchases,
				(select count(*) from public.operations where program_id = $2 and kind = 'checkout')::int as checkouts`,
			[memberIds, CLUB]
		);

		const ratio = ratioOf(names[1]);
		const p99 = byVariant[1]['p99 ms'];
		const report = {
			command: COMMAND,
			concurrency: CASHIERS,
			rounds: `${ROUNDS} x ${ROUND_MS / 1000} s per variant (medians), after ${WARMUP_MS / 1000} s warm-up each`,
			'ratio checkout / ping': ratio,
			[`target ratio >= ${TARGET_RATIO}`]: ratio >= TARGET_RATIO ? 'met' : 'MISSED',
			[`target checkout p99 <= ${TARGET_P99_MS} ms`]: p99 <= TARGET_P99_MS ? 'met' : 'MISSED',
			'checkouts / purchases recorded': `${checks[0].checkouts} / ${checks[0].purchases}`,
			'ledger_discrepancies() rows': checks[0].discrepancies
		};
		console.log(`\nCheckout end to end — reproduce with: ${COMMAND}`);
		console.table(byVariant);
		console.table(report);
		if (checks[0].discrepancies !== 0) throw new Error('The ledger has discrepancies');
		if (checks[0].checkouts !== checks[0].purchases)
			throw new Error('A checkout without exactly one purchase');
		return { ...report, results: byVariant };
	} finally {
		await db?.end().catch(() => {});
		await stack?.stop();
		rmSync(dataDir, { recursive: true, force: true });
	}
}
