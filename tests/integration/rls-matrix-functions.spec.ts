/**
 * Who may call each function of the ledger API: anon none; record_purchase, expire_points,
 * ledger_discrepancies and the checkout and POS functions the service role only; the staff functions refuse customers and another
 * club's staff with VAFA_FORBIDDEN; the customer functions act on the caller's own memberships.
 * A refused call leaves no operation behind under its idempotency key.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, clientOf, everyone, type Actor } from './rls-matrix';
import { createWorld, type World } from './world';

/** `allowed`, `no privilege` (no EXECUTE grant), or the stable code the function fails with. */
type Call = 'allowed' | 'no privilege' | `VAFA_${string}`;
type Args = Record<string, unknown>;

interface FunctionCase {
	fn: string;
	/** Fresh arguments for one call; may arrange rows the call needs. */
	args: () => Args | Promise<Args>;
	expect: Record<Actor, Call>;
	/** Checks that a refused call changed nothing beyond its idempotency key. */
	unchanged?: (args: Args) => Promise<void>;
}

let world: World;
let rewardX: string;
let purchaseA: string;
let zSlug: string;
let lotteryX: string;
let drawnLotteryX: string;
let surveyX: string;
let posKey: string;
let spare: string;
let calls = 0;
let phones = 0;

/** A fresh phone for each invitation, so no call meets an earlier one. */
const freshPhone = () => `+98912${String(3_000_000 + ++phones).padStart(7, '0')}`;

/** Only the owner of X and the service role; everyone else is refused. */
function ownerOfX(): Record<Actor, Call> {
	return {
		...everyone<Call>('VAFA_FORBIDDEN'),
		anon: 'no privilege',
		'the owner of X': 'allowed',
		'the service role': 'allowed'
	};
}

/** An open invitation to club X, made as a direct database session would. */
async function openInvitation(): Promise<string> {
	const { rows } = await world.db.query(
		`select public.invite_staff($1, $2, 'cashier') ->> 'invitation_id' as id`,
		[world.x.id, freshPhone()]
	);
	return rows[0].id;
}

/** A POS key of club X, created as a direct database session would. */
async function newPosKey(): Promise<{ id: string; key: string }> {
	const { rows } = await world.db.query(`select public.create_pos_key($1, 'Matrix till') as k`, [
		world.x.id
	]);
	return rows[0].k;
}

const serviceOnly = (): Record<Actor, Call> => ({
	...everyone<Call>('no privilege'),
	'the service role': 'allowed'
});

/** Staff of club X from `min` up and the service role; customers and Y's owner are refused. */
function staffOfX(min: 'cashier' | 'manager'): Record<Actor, Call> {
	return {
		...everyone<Call>('VAFA_FORBIDDEN'),
		anon: 'no privilege',
		'the cashier of X': min === 'cashier' ? 'allowed' : 'VAFA_FORBIDDEN',
		'the manager of X': 'allowed',
		'the owner of X': 'allowed',
		'the service role': 'allowed'
	};
}

/** Only customer A, on their own membership; everyone else is told it does not exist. */
function customerAOnly(): Record<Actor, Call> {
	return {
		...everyone<Call>('VAFA_MEMBER_NOT_FOUND'),
		anon: 'no privilege',
		'customer A': 'allowed'
	};
}

const cases: FunctionCase[] = [
	{
		fn: 'record_purchase',
		args: () => ({
			p_program_id: world.x.id,
			p_member_id: world.a.memberId,
			p_amount: 1000,
			p_accrual: [{ points: 1, reason_key: 'rule.base' }],
			p_idempotency_key: world.key()
		}),
		expect: serviceOnly()
	},
	{ fn: 'expire_points', args: () => ({ p_program_id: world.x.id }), expect: serviceOnly() },
	{ fn: 'ledger_discrepancies', args: () => ({}), expect: serviceOnly() },
	{ fn: 'card_secret_for', args: () => ({ p_member_id: world.a.memberId }), expect: serviceOnly() },
	{
		fn: 'claim_card_step',
		args: () => ({
			p_member_id: world.a.memberId,
			p_step: Math.floor(Date.now() / 30_000) + ++calls
		}),
		expect: serviceOnly()
	},
	{
		fn: 'checkout_context',
		args: () => ({
			p_program: world.x.id,
			p_staff: world.x.cashier.id,
			p_card_kind: 'member',
			p_card_ref: world.a.memberId
		}),
		expect: serviceOnly()
	},
	{
		fn: 'checkout_ticket',
		args: () => ({
			p_program_id: world.x.id,
			p_member_id: world.a.memberId,
			p_staff: world.x.cashier.id,
			p_card_kind: 'phone'
		}),
		expect: serviceOnly()
	},
	{
		fn: 'checkout_apply',
		args: () => ({
			p: {
				program_id: world.x.id,
				member_id: world.a.memberId,
				actor: world.x.cashier.id,
				idempotency_key: world.key(),
				request: {},
				amount: 1000,
				accrual: [{ points: 1, reason_key: 'rule.base' }]
			}
		}),
		expect: serviceOnly()
	},
	{ fn: 'pos_authenticate', args: () => ({ p_key: posKey }), expect: serviceOnly() },
	{
		fn: 'pos_refund',
		args: () => ({
			p_program_id: world.x.id,
			p_key_id: null,
			p_actor: null,
			p_purchase_id: purchaseA,
			p_external_ref: null,
			p_amount: 1,
			p_idempotency_key: world.key()
		}),
		expect: serviceOnly()
	},
	{
		fn: 'create_pos_key',
		args: () => ({ p_program_id: world.x.id, p_name: `Till ${randomUUID().slice(0, 8)}` }),
		expect: staffOfX('manager')
	},
	{
		fn: 'revoke_pos_key',
		// A fresh key each call; outside club X's staff a key is not even said to exist.
		args: async () => ({ p_key_id: (await newPosKey()).id }),
		expect: {
			...everyone<Call>('VAFA_API_KEY_NOT_FOUND'),
			anon: 'no privilege',
			'the cashier of X': 'VAFA_FORBIDDEN',
			'the manager of X': 'allowed',
			'the owner of X': 'allowed',
			'the service role': 'allowed'
		},
		unchanged: async (args) => {
			const { rows } = await world.db.query(
				'select revoked_at from public.pos_api_keys where id = $1',
				[args.p_key_id]
			);
			expect(rows).toEqual([{ revoked_at: null }]);
		}
	},
	{
		fn: 'invite_staff',
		args: () => ({ p_program_id: world.x.id, p_phone: freshPhone(), p_role: 'cashier' }),
		expect: ownerOfX(),
		unchanged: async (args) => {
			const { rows } = await world.db.query(
				'select 1 from public.staff_invitations where phone = $1',
				[args.p_phone]
			);
			expect(rows).toEqual([]);
		}
	},
	{
		fn: 'revoke_staff_invitation',
		// Outside club X's staff an invitation is not even said to exist.
		args: async () => ({ p_invitation_id: await openInvitation() }),
		expect: {
			...everyone<Call>('VAFA_INVITATION_NOT_FOUND'),
			anon: 'no privilege',
			'the cashier of X': 'VAFA_FORBIDDEN',
			'the manager of X': 'VAFA_FORBIDDEN',
			'the owner of X': 'allowed',
			'the service role': 'allowed'
		},
		unchanged: async (args) => {
			const { rows } = await world.db.query(
				'select revoked_at from public.staff_invitations where id = $1',
				[args.p_invitation_id]
			);
			expect(rows).toEqual([{ revoked_at: null }]);
		}
	},
	{
		fn: 'change_staff_role',
		// A spare cashier of X made a manager; refused calls leave them a cashier.
		args: async () => {
			await world.db.query(
				`insert into public.program_staff (program_id, user_id, role) values ($1, $2, 'cashier')
				 on conflict (program_id, user_id) do update set role = 'cashier'`,
				[world.x.id, spare]
			);
			return { p_program_id: world.x.id, p_user_id: spare, p_role: 'manager' };
		},
		expect: ownerOfX(),
		unchanged: async () => {
			const { rows } = await world.db.query(
				'select role from public.program_staff where program_id = $1 and user_id = $2',
				[world.x.id, spare]
			);
			expect(rows).toEqual([{ role: 'cashier' }]);
		}
	},
	{
		fn: 'remove_staff',
		args: async () => {
			await world.db.query(
				`insert into public.program_staff (program_id, user_id, role) values ($1, $2, 'cashier')
				 on conflict (program_id, user_id) do update set role = 'cashier'`,
				[world.x.id, spare]
			);
			return { p_program_id: world.x.id, p_user_id: spare };
		},
		expect: ownerOfX(),
		unchanged: async () => {
			const { rows } = await world.db.query(
				'select role from public.program_staff where program_id = $1 and user_id = $2',
				[world.x.id, spare]
			);
			expect(rows).toEqual([{ role: 'cashier' }]);
		}
	},
	{
		fn: 'club_people',
		args: () => ({ p_program_id: world.x.id }),
		expect: staffOfX('manager')
	},
	{
		fn: 'issue_card_secret',
		args: () => ({ p_member_id: world.a.memberId }),
		expect: customerAOnly()
	},
	{
		// Everyone signed in gets their own cards' fingerprints (none for staff without a card).
		fn: 'my_card_fingerprints',
		args: () => ({}),
		expect: { ...everyone<Call>('allowed'), anon: 'no privilege' }
	},
	{
		fn: 'wallet_topup',
		args: () => ({ p_member_id: world.a.memberId, p_amount: 10, p_idempotency_key: world.key() }),
		expect: staffOfX('cashier')
	},
	{
		fn: 'wallet_spend',
		args: () => ({ p_member_id: world.a.memberId, p_amount: 1, p_idempotency_key: world.key() }),
		expect: staffOfX('cashier')
	},
	{
		fn: 'pay_with_points',
		args: () => ({ p_member_id: world.a.memberId, p_points: 1, p_idempotency_key: world.key() }),
		expect: staffOfX('cashier')
	},
	{
		fn: 'refund_purchase',
		args: () => ({ p_purchase_id: purchaseA, p_amount: 1, p_idempotency_key: world.key() }),
		expect: staffOfX('cashier')
	},
	{
		fn: 'use_redemption',
		args: async () => {
			const { rows } = await world.db.query(
				`insert into public.redemptions (program_id, member_id, reward_id, code, points_cost, expires_at)
				 values ($1, $2, $3, private.random_code(8), 10, now() + interval '1 day') returning code`,
				[world.x.id, world.a.memberId, rewardX]
			);
			return { p_program_id: world.x.id, p_code: rows[0].code, p_idempotency_key: world.key() };
		},
		expect: staffOfX('cashier'),
		unchanged: async (args) => {
			const { rows } = await world.db.query(
				'select status from public.redemptions where program_id = $1 and code = $2',
				[world.x.id, args.p_code]
			);
			expect(rows).toEqual([{ status: 'issued' }]);
		}
	},
	{
		fn: 'recompute_tier',
		args: () => ({ p_member_id: world.a.memberId }),
		expect: staffOfX('cashier')
	},
	{
		fn: 'adjust_balance',
		args: () => ({
			p_member_id: world.a.memberId,
			p_amount: 5,
			p_reason: 'a goodwill gesture',
			p_idempotency_key: world.key()
		}),
		expect: staffOfX('manager')
	},
	{
		fn: 'decide_approval',
		// Asked for by the second manager, so the manager and the owner of X may decide it.
		args: async () => ({
			p_approval_id: await pendingApproval(world.x.manager2.id),
			p_approve: true
		}),
		expect: staffOfX('manager'),
		unchanged: async (args) => {
			const { rows } = await world.db.query('select status from public.approvals where id = $1', [
				args.p_approval_id
			]);
			expect(rows).toEqual([{ status: 'pending' }]);
		}
	},
	{
		fn: 'join_program',
		args: () => ({ p_program_slug: zSlug }),
		expect: {
			...everyone<Call>('allowed'),
			anon: 'no privilege',
			'the service role': 'VAFA_NOT_SIGNED_IN'
		}
	},
	{
		fn: 'redeem_reward',
		args: () => ({ p_reward_id: rewardX, p_idempotency_key: world.key() }),
		expect: {
			...everyone<Call>('VAFA_REWARD_NOT_FOUND'),
			anon: 'no privilege',
			'customer A': 'allowed',
			'customer B': 'allowed'
		}
	},
	{
		fn: 'my_cards',
		args: () => ({}),
		expect: { ...everyone<Call>('allowed'), anon: 'no privilege' }
	},
	{ fn: 'my_history', args: () => ({ p_member_id: world.a.memberId }), expect: customerAOnly() },
	{ fn: 'catalogue', args: () => ({ p_member_id: world.a.memberId }), expect: customerAOnly() },
	{
		fn: 'set_birthday',
		// A new date each call, so a refused call can be told apart from customer A's own.
		args: () => ({ p_member_id: world.a.memberId, p_birthday: `1990-05-${10 + ++calls}` }),
		expect: customerAOnly(),
		unchanged: async (args) => {
			const { rows } = await world.db.query(
				'select birthday::text as birthday from public.members where id = $1',
				[world.a.memberId]
			);
			expect(rows[0].birthday).not.toBe(args.p_birthday);
		}
	},
	{ fn: 'my_referrals', args: () => ({ p_member_id: world.a.memberId }), expect: customerAOnly() },
	{
		fn: 'note_referral_share',
		args: () => ({ p_member_id: world.a.memberId, p_channel: 'copy' }),
		expect: customerAOnly()
	},
	{
		fn: 'create_lottery',
		args: () => ({
			p_program_id: world.x.id,
			p_title: `Draw ${++calls}`,
			p_closes_at: new Date(Date.now() + 3_600_000).toISOString(),
			p_points_per_entry: 1
		}),
		expect: staffOfX('manager')
	},
	{
		fn: 'enter_lottery',
		args: () => ({ p_lottery_id: lotteryX, p_entries: 1, p_idempotency_key: world.key() }),
		expect: {
			...everyone<Call>('VAFA_LOTTERY_NOT_FOUND'),
			anon: 'no privilege',
			'customer A': 'allowed',
			'customer B': 'allowed'
		}
	},
	{
		fn: 'draw_lottery',
		// A fresh draw that closed an hour ago each call.
		args: async () => ({ p_lottery_id: await closedLottery() }),
		expect: {
			...everyone<Call>('VAFA_LOTTERY_NOT_FOUND'),
			anon: 'no privilege',
			'the cashier of X': 'VAFA_FORBIDDEN',
			'the manager of X': 'allowed',
			'the owner of X': 'allowed',
			'the service role': 'allowed'
		},
		unchanged: async (args) => {
			const { rows } = await world.db.query(
				`select status::text, seed from public.lotteries where id = $1`,
				[args.p_lottery_id]
			);
			expect(rows).toEqual([{ status: 'open', seed: null }]);
		}
	},
	{ fn: 'run_due_draws', args: () => ({}), expect: serviceOnly() },
	{
		fn: 'lottery_proof',
		args: () => ({ p_lottery_id: drawnLotteryX }),
		expect: {
			...everyone<Call>('allowed'),
			anon: 'no privilege',
			'the owner of Y': 'VAFA_LOTTERY_NOT_FOUND'
		}
	},
	{ fn: 'my_lotteries', args: () => ({ p_member_id: world.a.memberId }), expect: customerAOnly() },
	{
		fn: 'lottery_standings',
		args: () => ({ p_lottery_id: lotteryX }),
		expect: {
			...everyone<Call>('VAFA_LOTTERY_NOT_FOUND'),
			anon: 'no privilege',
			'the manager of X': 'allowed',
			'the owner of X': 'allowed',
			'the service role': 'allowed'
		}
	},
	{
		fn: 'save_survey',
		args: () => ({ p_program_id: world.x.id, p_title: `Survey ${++calls}` }),
		expect: staffOfX('manager')
	},
	{
		fn: 'my_surveys',
		args: () => ({}),
		expect: { ...everyone<Call>('allowed'), anon: 'no privilege' }
	},
	{
		fn: 'answer_survey',
		// A fresh purchase of customer A each call.
		args: async () => ({ p_purchase_id: await world.earn(world.a.memberId, 1), p_nps: 8 }),
		expect: {
			...everyone<Call>('VAFA_PURCHASE_NOT_FOUND'),
			anon: 'no privilege',
			'customer A': 'allowed'
		},
		unchanged: async (args) => {
			const { rows } = await world.db.query(
				'select 1 from public.survey_responses where purchase_id = $1',
				[args.p_purchase_id]
			);
			expect(rows).toEqual([]);
		}
	},
	{
		fn: 'survey_results',
		args: () => ({ p_survey_id: surveyX }),
		expect: {
			...everyone<Call>('VAFA_SURVEY_NOT_FOUND'),
			anon: 'no privilege',
			'the manager of X': 'allowed',
			'the owner of X': 'allowed',
			'the service role': 'allowed'
		}
	}
];

/** A new draw of club X, open for points entries, that closed an hour ago. */
async function closedLottery(): Promise<string> {
	const { rows } = await world.db.query(
		`select public.create_lottery($1, 'Closed draw', now() - interval '1 hour', '', null, 1, null, 1, null,
		   now() - interval '2 hours') ->> 'id' as id`,
		[world.x.id]
	);
	return rows[0].id;
}

/** A pending adjustment of customer B's points in club X, asked for by `requestedBy`. */
async function pendingApproval(requestedBy: string): Promise<string> {
	const { rows } = await world.db.query(
		`insert into public.approvals (program_id, member_id, account_kind, amount, reason, idempotency_key, requested_by)
		 values ($1, $2, 'points', 1500, 'a big goodwill gift', $3, $4) returning id`,
		[world.x.id, world.b.memberId, world.key(), requestedBy]
	);
	return rows[0].id;
}

beforeAll(async () => {
	world = await createWorld();
	purchaseA = await world.earn(world.a.memberId, 500);
	await world.earn(world.b.memberId, 500);
	const { rows } = await world.db.query(
		`insert into public.rewards (program_id, name, points_cost) values ($1, 'Coffee', 10) returning id`,
		[world.x.id]
	);
	rewardX = rows[0].id;
	await world.db.query('select public.wallet_topup($1, 1000, $2)', [world.a.memberId, world.key()]);
	posKey = (await newPosKey()).key;
	zSlug = `z-${randomUUID().slice(0, 8)}`;
	const created = await world.service.auth.admin.createUser({
		phone: `+97254${String(1_000_000 + Math.floor(Math.random() * 8_999_999))}`,
		phone_confirm: true
	});
	if (created.error) throw created.error;
	spare = created.data.user.id;
	await world.db.query(`insert into public.programs (slug, name) values ($1, 'Club Z')`, [zSlug]);
	lotteryX = (
		await world.db.query(
			`select public.create_lottery($1, 'Open draw', now() + interval '1 hour', '', null, 1) ->> 'id' as id`,
			[world.x.id]
		)
	).rows[0].id;
	drawnLotteryX = await closedLottery();
	await world.db.query('select public.draw_lottery($1)', [drawnLotteryX]);
	surveyX = (
		await world.db.query(
			`select public.save_survey($1, 'After your visit', '[]', true) ->> 'id' as id`,
			[world.x.id]
		)
	).rows[0].id;
});

afterAll(() => world.end());

describe.each(cases)('$fn', (spec) => {
	for (const actor of ACTORS) {
		const outcome = spec.expect[actor];
		const name =
			outcome === 'allowed'
				? `${actor} may call it`
				: outcome === 'no privilege'
					? `${actor} may not call it at all`
					: `${actor} is refused with ${outcome}`;
		it(name, async () => {
			const args = await spec.args();
			const { error } = await clientOf(world, actor).rpc(spec.fn, args);
			if (outcome === 'allowed') {
				expect(error).toBeNull();
				return;
			}
			if (outcome === 'no privilege') {
				expect(error).toMatchObject({
					code: '42501',
					message: `permission denied for function ${spec.fn}`
				});
			} else {
				expect(error?.message).toBe(outcome);
				expect(error?.details).toEqual(expect.any(String));
				if (outcome === 'VAFA_FORBIDDEN') expect(error?.code).toBe('42501');
			}
			if (typeof args.p_idempotency_key === 'string') {
				const { rows } = await world.db.query(
					'select 1 from public.operations where idempotency_key = $1',
					[args.p_idempotency_key]
				);
				expect(rows).toEqual([]);
			}
			await spec.unchanged?.(args);
		});
	}
});

describe('approvals', () => {
	it('refuses the manager who asked for an adjustment the right to approve it', async () => {
		const approval = await pendingApproval(world.x.manager.id);
		const { error } = await world.x.manager.client.rpc('decide_approval', {
			p_approval_id: approval,
			p_approve: true
		});
		expect(error).toMatchObject({ code: '42501', message: 'VAFA_SECOND_APPROVER_REQUIRED' });
		const { rows } = await world.db.query('select status from public.approvals where id = $1', [
			approval
		]);
		expect(rows).toEqual([{ status: 'pending' }]);
	});
});

describe('after every call above', () => {
	it('leaves every account’s balance equal to the sum of its entries and lots', async () => {
		expect(await world.discrepancies()).toEqual([]);
	});
});
