/**
 * Shared pieces of the ledger specs: a world per file with the ledger checker after every test,
 * stable-code assertions, a snapshot of everything an operation could change, and a few arrangers.
 */
import { randomInt } from 'node:crypto';
import type { PostgrestError, SupabaseClient } from '@supabase/supabase-js';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { anonClient } from './clients';
import { createWorld, PASSWORD, type World } from './world';

export const DAY = 24 * 60 * 60 * 1000;

/** Builds one world for the spec file and checks every account against its entries after each test. */
export function useWorld(): () => World {
	let world: World;
	beforeAll(async () => {
		world = await createWorld();
	});
	afterEach(async () => {
		expect(await world.discrepancies()).toEqual([]);
	});
	afterAll(() => world.end());
	return () => world;
}

interface RpcResult {
	data: unknown;
	error: PostgrestError | null;
}

/** Asserts that a call failed with the stable code (and, from the ledger, a human detail). */
export function expectCode(result: RpcResult, code: string) {
	expect(result.error?.message, JSON.stringify(result.error)).toBe(code);
	expect(result.data).toBeNull();
}

/** Asserts that a call succeeded and returns its data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function ok(result: RpcResult): any {
	expect(result.error, JSON.stringify(result.error)).toBeNull();
	return result.data;
}

/** Everything in both clubs that an operation could change, to compare before and after. */
export async function snapshot(world: World) {
	const { rows } = await world.db.query(
		`select jsonb_build_object(
		   'programs', (select jsonb_agg(to_jsonb(p) order by p.id) from public.programs p where p.id = any($1::uuid[])),
		   'members', (select jsonb_agg(to_jsonb(m) order by m.id) from public.members m where m.program_id = any($1::uuid[])),
		   'accounts', (select jsonb_agg(to_jsonb(a) order by a.id) from public.accounts a where a.program_id = any($1::uuid[])),
		   'entries', (select count(*) from public.ledger_entries e where e.program_id = any($1::uuid[])),
		   'lots', (select jsonb_agg(to_jsonb(l) order by l.id) from public.points_lots l where l.program_id = any($1::uuid[])),
		   'rewards', (select jsonb_agg(to_jsonb(r) order by r.id) from public.rewards r where r.program_id = any($1::uuid[])),
		   'redemptions', (select jsonb_agg(to_jsonb(d) order by d.id) from public.redemptions d where d.program_id = any($1::uuid[])),
		   'purchases', (select jsonb_agg(to_jsonb(u) order by u.id) from public.purchases u where u.program_id = any($1::uuid[])),
		   'operations', (select count(*) from public.operations o where o.program_id = any($1::uuid[])),
		   'approvals', (select jsonb_agg(to_jsonb(v) order by v.id) from public.approvals v where v.program_id = any($1::uuid[])),
		   'audit', (select count(*) from public.audit_log g where g.program_id = any($1::uuid[]))
		 ) as snapshot`,
		[[world.x.id, world.y.id]]
	);
	return rows[0].snapshot;
}

/** Runs `call`, expects the stable code, and expects nothing anywhere to have changed. */
export async function expectRefused(
	world: World,
	call: () => PromiseLike<RpcResult>,
	code: string
) {
	const before = await snapshot(world);
	expectCode(await call(), code);
	expect(await snapshot(world)).toEqual(before);
}

/** A member's balance of one kind. */
export async function balance(world: World, memberId: string, kind: 'points' | 'wallet') {
	const { rows } = await world.db.query(
		'select balance from public.accounts where member_id = $1 and kind = $2',
		[memberId, kind]
	);
	return Number(rows[0].balance);
}

/** Sets a member's points to exactly `points` by an earn (through record_purchase) if needed. */
export async function topUpPoints(world: World, memberId: string, points: number) {
	const have = await balance(world, memberId, 'points');
	if (points > have) await world.earn(memberId, points - have);
}

interface RewardFields {
	name?: string;
	points_cost?: number;
	stock?: number | null;
	per_member_limit?: number | null;
	min_tier_rank?: number;
	active?: boolean;
	valid_from?: Date | null;
	valid_until?: Date | null;
	redemption_valid_days?: number;
}

/** Adds a reward to a club (club X unless another id is given) and returns its id. */
export async function addReward(
	world: World,
	fields: RewardFields = {},
	programId = world.x.id
): Promise<string> {
	const { rows } = await world.db.query(
		`insert into public.rewards (program_id, name, points_cost, stock, per_member_limit, min_tier_rank,
		   active, valid_from, valid_until, redemption_valid_days)
		 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
		[
			programId,
			fields.name ?? 'Free coffee',
			fields.points_cost ?? 10,
			fields.stock ?? null,
			fields.per_member_limit ?? null,
			fields.min_tier_rank ?? 0,
			fields.active ?? true,
			fields.valid_from ?? null,
			fields.valid_until ?? null,
			fields.redemption_valid_days ?? 30
		]
	);
	return rows[0].id;
}

/** The member's entries, oldest first. */
export async function entries(world: World, memberId: string) {
	const { rows } = await world.db.query(
		`select id, account_kind, kind, amount::int, balance_after::int, reason_key, reason_params, purchase_id
		 from public.ledger_entries where member_id = $1 order by id`,
		[memberId]
	);
	return rows;
}

export interface Customer {
	id: string;
	client: SupabaseClient;
	memberId: string;
	referralCode: string;
}

/** A new signed-in customer who joins club X (or the club with `slug`) through join_program. */
export async function newCustomer(world: World, slug = world.x.slug): Promise<Customer> {
	for (let attempt = 0; attempt < 5; attempt++) {
		const phone = `+97254${randomInt(1_000_000, 10_000_000)}`;
		const created = await world.service.auth.admin.createUser({
			phone,
			password: PASSWORD,
			phone_confirm: true
		});
		if (created.error?.code === 'phone_exists') continue;
		if (created.error) throw created.error;
		const client = anonClient();
		const signedIn = await client.auth.signInWithPassword({ phone, password: PASSWORD });
		if (signedIn.error) throw signedIn.error;
		const joined = ok(await client.rpc('join_program', { p_program_slug: slug }));
		return {
			id: created.data.user.id,
			client,
			memberId: joined.member_id,
			referralCode: joined.referral_code
		};
	}
	throw new Error('could not find a free phone number');
}
