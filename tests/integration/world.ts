/**
 * A small world for ledger and RLS tests: club X with its owner, two managers, a cashier and two
 * customers (A and B), and club Y with its owner and one customer. Every call builds a new world
 * with fresh phones and slugs, so spec files never share state. Each person has a signed-in
 * supabase-js client that talks to PostgREST as that person.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { inject } from 'vitest';
import { anonClient, serviceClient } from './clients';

export const PASSWORD = 'a-long-password-1';

export interface Person {
	id: string;
	phone: string;
	client: SupabaseClient;
}

export interface Club {
	id: string;
	slug: string;
	owner: Person;
}

export interface World {
	db: pg.Client;
	x: Club & {
		manager: Person;
		manager2: Person;
		cashier: Person;
		tiers: { bronze: string; silver: string; gold: string };
	};
	y: Club & { customer: Person & { memberId: string } };
	a: Person & { memberId: string };
	b: Person & { memberId: string };
	anon: SupabaseClient;
	service: SupabaseClient;
	/** A fresh idempotency key. */
	key(): string;
	/** Credits points to a member through record_purchase, as the checkout would. */
	earn(
		memberId: string,
		points: number,
		options?: { now?: Date; programId?: string; amount?: number }
	): Promise<string>;
	/**
	 * Puts a new version of a club's earning rules (club X unless another id is given) in force now,
	 * as a manager saving them would, and returns its version number.
	 */
	setRules(rules: Record<string, unknown>, programId?: string): Promise<number>;
	/** Accounts whose balance is not the sum of their entries (or of their points lots). */
	discrepancies(): Promise<unknown[]>;
	end(): Promise<void>;
}

/** A random valid Israeli mobile number; a clash with an earlier user is retried. */
function freshPhone() {
	return `+97252${randomInt(1_000_000, 10_000_000)}`;
}

async function person(service: SupabaseClient): Promise<Person> {
	for (let attempt = 0; attempt < 5; attempt++) {
		const phone = freshPhone();
		const { data, error } = await service.auth.admin.createUser({
			phone,
			password: PASSWORD,
			phone_confirm: true
		});
		if (error?.code === 'phone_exists') continue;
		if (error) throw error;
		const client = anonClient();
		const signedIn = await client.auth.signInWithPassword({ phone, password: PASSWORD });
		if (signedIn.error) throw signedIn.error;
		return { id: data.user.id, phone, client };
	}
	throw new Error('could not find a free phone number');
}

/** Builds a new world. Call `end()` in afterAll. */
export async function createWorld(): Promise<World> {
	const service = serviceClient();
	const db = new pg.Client({ connectionString: inject('stack').dbUrl });
	await db.connect();
	const [xOwner, manager, manager2, cashier, yOwner, a, b, yCustomer] = await Promise.all(
		Array.from({ length: 8 }, () => person(service))
	);
	const suffix = randomUUID().slice(0, 8);
	const xId = randomUUID();
	const yId = randomUUID();
	await db.query(
		`insert into public.programs (id, slug, name, currency, locale, timezone, settings) values
		 ($1, $2, 'Club X', 'IRR', 'fa', 'Asia/Tehran', '{"points_expiry_days": 365, "adjustment_approval_threshold": 1000}'),
		 ($3, $4, 'Club Y', 'ILS', 'he', 'Asia/Jerusalem', '{}')`,
		[xId, `x-${suffix}`, yId, `y-${suffix}`]
	);
	const tiers = await db.query(
		`insert into public.tiers (program_id, rank, name, threshold, window_days, multiplier, downgrade_grace_days) values
		 ($1, 0, 'Bronze', 0, 365, 1, 0), ($1, 1, 'Silver', 500, 90, 1.25, 30), ($1, 2, 'Gold', 2000, 90, 1.5, 30),
		 ($2, 0, 'Base', 0, 365, 1, 0)
		 returning id, program_id, rank`,
		[xId, yId]
	);
	const tierId = (rank: number) =>
		tiers.rows.find((t) => t.program_id === xId && t.rank === rank).id;
	await db.query(
		`insert into public.program_staff (program_id, user_id, role) values
		 ($1, $3, 'owner'), ($1, $4, 'manager'), ($1, $5, 'manager'), ($1, $6, 'cashier'), ($2, $7, 'owner')`,
		[xId, yId, xOwner.id, manager.id, manager2.id, cashier.id, yOwner.id]
	);
	const members = await db.query(
		`insert into public.members (program_id, user_id, member_number, display_name) values
		 ($1, $3, 1, 'A'), ($1, $4, 2, 'B'), ($2, $5, 1, 'Y customer')
		 returning id, user_id`,
		[xId, yId, a.id, b.id, yCustomer.id]
	);
	const memberOf = (userId: string) => members.rows.find((m) => m.user_id === userId).id as string;

	const key = () => `test-${randomUUID()}`;
	const earn: World['earn'] = async (memberId, points, options = {}) => {
		const { rows } = await db.query(
			`select public.record_purchase($1, $2, $3, $4, $5, '[]', null, null, null, $6) as receipt`,
			[
				options.programId ?? xId,
				memberId,
				options.amount ?? points * 1000,
				JSON.stringify([{ points, reason_key: 'rule.base' }]),
				key(),
				options.now ?? null
			]
		);
		return rows[0].receipt.purchase_id as string;
	};

	return {
		db,
		x: {
			id: xId,
			slug: `x-${suffix}`,
			owner: xOwner,
			manager,
			manager2,
			cashier,
			tiers: { bronze: tierId(0), silver: tierId(1), gold: tierId(2) }
		},
		y: {
			id: yId,
			slug: `y-${suffix}`,
			owner: yOwner,
			customer: { ...yCustomer, memberId: memberOf(yCustomer.id) }
		},
		a: { ...a, memberId: memberOf(a.id) },
		b: { ...b, memberId: memberOf(b.id) },
		anon: anonClient(),
		service,
		key,
		earn,
		async setRules(rules, programId = xId) {
			const { rows } = await db.query(
				`insert into public.earning_rules (program_id, version, rules, effective_from)
				 select $1, coalesce(max(version), 0) + 1, $2, now() from public.earning_rules where program_id = $1
				 returning version`,
				[programId, JSON.stringify(rules)]
			);
			return rows[0].version as number;
		},
		async discrepancies() {
			const { rows } = await db.query('select * from private.ledger_discrepancies()');
			return rows;
		},
		end: () => db.end()
	};
}
