/**
 * The RLS matrix: every table of the exposed schema, tried as every role with select, insert,
 * update and delete through PostgREST. Each table has one expectations table; the loop at the end
 * turns every cell into a test and checks with the database that refused writes changed nothing.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	ACTORS,
	clientOf,
	everyone,
	expectWrite,
	phrase,
	userOf,
	type Actor,
	type Write
} from './rls-matrix';
import { MESSAGING_TABLES } from './rls-matrix-covered';
import { createWorld, PASSWORD, type World } from './world';

type Row = Record<string, unknown>;

/** Rows arranged in beforeAll that the expectations point at. */
interface Fixtures {
	/** A user with no role in any club, for rows the service role may insert and delete. */
	spare: string;
	rewardX: string;
	rewardY: string;
	redemptionA: string;
	purchaseA: string;
	pointsA: string;
	operationX: string;
	entryA: number;
	lotA: number;
	auditX: number;
	approvalX: string;
	ruleX: string;
	posKeyX: string;
	invitationX: string;
	referralX: string;
	shareA: number;
	lotteryX: string;
	lotteryEntryA: number;
	surveyX: string;
	responseA: string;
	importX: string;
}

interface WriteCase {
	/** What is written, as the test name says it. */
	what: string;
	expect: Partial<Record<Actor, Write>>;
}

interface TableCase {
	table: string;
	/** The column whose value tells whose row a reader saw (mapped through `names`). */
	readAs: string;
	/** The labels of the rows each role sees, or that it may not read the table at all. */
	select: Record<Actor, 'no privilege' | string[]>;
	insert: WriteCase & { expect: Record<Actor, Write>; row: (actor: Actor) => Row };
	/** The first case covers every role; the rest are column cases for the roles they name. */
	update: [
		WriteCase & { expect: Record<Actor, Write>; target: () => Row; patch: () => Row },
		...(WriteCase & { target: () => Row; patch: () => Row })[]
	];
	/** Roles expected to delete get a fresh row; the others try the fixture `target`. */
	delete: WriteCase & {
		expect: Record<Actor, Write>;
		target: () => Row;
		fresh?: () => Promise<Row>;
	};
}

const staffOfX: Actor[] = ['the cashier of X', 'the manager of X', 'the owner of X'];

let world: World;
let f: Fixtures;
/** Row ids (clubs, members, accounts, rewards) to the labels the expectations use. */
const names = new Map<string, string>();
let serial = 0;
const next = () => ++serial;
const future = () => new Date(Date.now() + 3_600_000).toISOString();

async function insertOne(sql: string, params: unknown[]): Promise<Row> {
	const { rows } = await world.db.query(sql, params);
	return rows[0];
}

const tables: TableCase[] = [
	{
		table: 'programs',
		readAs: 'id',
		select: {
			...everyone(['X']),
			anon: 'no privilege',
			'the owner of Y': ['Y'],
			'the service role': ['X', 'Y']
		},
		insert: {
			what: 'create a club',
			row: () => ({ id: randomUUID(), slug: `z-${randomUUID().slice(0, 8)}`, name: 'Club Z' }),
			expect: {
				...everyone('refused by policy'),
				anon: 'no privilege',
				'the service role': 'allowed'
			}
		},
		update: [
			{
				what: 'rename club X',
				target: () => ({ id: world.x.id }),
				patch: () => ({ name: 'Club X renamed' }),
				expect: {
					...everyone('filtered'),
					anon: 'no privilege',
					'the owner of X': 'allowed',
					'the service role': 'allowed'
				}
			},
			{
				what: 'move the next member number of club X',
				target: () => ({ id: world.x.id }),
				patch: () => ({ next_member_number: 2 }),
				expect: { 'the owner of X': 'no privilege' }
			}
		],
		delete: {
			what: 'delete a club',
			target: () => ({ id: world.x.id }),
			fresh: () =>
				insertOne(`insert into public.programs (slug, name) values ($1, 'Gone') returning id`, [
					`gone-${randomUUID().slice(0, 8)}`
				]),
			expect: { ...everyone('filtered'), anon: 'no privilege', 'the service role': 'allowed' }
		}
	},
	{
		table: 'program_staff',
		readAs: 'program_id',
		select: {
			...everyone(['X']),
			anon: 'no privilege',
			'customer A': [],
			'customer B': [],
			'the owner of Y': ['Y'],
			'the service role': ['X', 'Y']
		},
		insert: {
			what: 'add an owner to club X',
			row: (actor) => ({
				program_id: world.x.id,
				user_id: staffOfX.includes(actor) ? f.spare : (userOf(world, actor) ?? f.spare),
				role: 'owner'
			}),
			expect: {
				...everyone('refused by policy'),
				anon: 'no privilege',
				'the service role': 'allowed'
			}
		},
		update: [
			{
				what: 'promote the cashier of X to owner',
				target: () => ({ program_id: world.x.id, user_id: world.x.cashier.id }),
				patch: () => ({ role: 'owner' }),
				expect: { ...everyone('filtered'), anon: 'no privilege', 'the service role': 'allowed' }
			}
		],
		delete: {
			what: 'remove a staff member',
			target: () => ({ program_id: world.x.id, user_id: world.x.cashier.id }),
			fresh: () =>
				insertOne(
					`insert into public.program_staff (program_id, user_id, role) values ($1, $2, 'cashier') returning program_id, user_id`,
					[world.y.id, f.spare]
				),
			expect: { ...everyone('filtered'), anon: 'no privilege', 'the service role': 'allowed' }
		}
	},
	{
		table: 'members',
		readAs: 'id',
		select: {
			...everyone(['A', 'B']),
			anon: 'no privilege',
			'customer A': ['A'],
			'customer B': ['B'],
			'the owner of Y': ['Y customer'],
			'the service role': ['A', 'B', 'Y customer']
		},
		insert: {
			what: 'join club Y by writing the table',
			// People name a code so the policy, not the code's default, decides; the service role takes the default.
			row: (actor) => ({
				program_id: world.y.id,
				user_id: userOf(world, actor) ?? f.spare,
				member_number: 5000 + next(),
				...(actor === 'the service role' ? {} : { referral_code: 'JOINME22' })
			}),
			expect: {
				...everyone('refused by policy'),
				anon: 'no privilege',
				'the service role': 'allowed'
			}
		},
		update: [
			{
				what: 'rename customer A',
				target: () => ({ id: world.a.memberId }),
				patch: () => ({ display_name: 'A renamed' }),
				expect: {
					...everyone('filtered'),
					anon: 'no privilege',
					'customer A': 'allowed',
					'the service role': 'allowed'
				}
			},
			...(
				[
					['member number', () => ({ member_number: 9999 })],
					['tier', () => ({ tier_id: world.x.tiers.gold })],
					['birthday', () => ({ birthday: '2000-01-01' })],
					['user', () => ({ user_id: world.b.id })],
					['club', () => ({ program_id: world.y.id })],
					['referral code', () => ({ referral_code: 'ABCDEFGH' })],
					['visit count', () => ({ visit_count: 1000 })]
				] as const
			).map(([column, patch]) => ({
				what: `change customer A's ${column}`,
				target: () => ({ id: world.a.memberId }),
				patch,
				expect: { 'customer A': 'no privilege' } as const
			})),
			{
				what: "move customer A's tier",
				target: () => ({ id: world.a.memberId }),
				patch: () => ({ tier_id: world.x.tiers.gold }),
				expect: { 'the cashier of X': 'no privilege', 'the manager of X': 'no privilege' }
			}
		],
		delete: {
			what: 'delete a membership',
			target: () => ({ id: world.a.memberId }),
			fresh: () =>
				insertOne(
					`insert into public.members (program_id, user_id, member_number) values ($1, $2, $3) returning id`,
					[world.y.id, f.spare, 7000 + next()]
				),
			expect: { ...everyone('filtered'), anon: 'no privilege', 'the service role': 'allowed' }
		}
	},
	{
		table: 'tiers',
		readAs: 'program_id',
		select: {
			...everyone(['X']),
			anon: 'no privilege',
			'the owner of Y': ['Y'],
			'the service role': ['X', 'Y']
		},
		insert: {
			what: 'add a tier to club X',
			row: () => ({ program_id: world.x.id, rank: 9, name: 'Platinum', threshold: 9000 }),
			expect: managersMay()
		},
		update: [
			{
				what: "lower club X's Silver threshold",
				target: () => ({ id: world.x.tiers.silver }),
				patch: () => ({ threshold: 1 }),
				expect: managersMay('filtered')
			},
			{
				what: "move club X's Silver tier to club Y",
				target: () => ({ id: world.x.tiers.silver }),
				patch: () => ({ program_id: world.y.id }),
				expect: { 'the manager of X': 'refused by policy' }
			}
		],
		delete: {
			what: 'delete a tier of club X',
			target: () => ({ id: world.x.tiers.silver }),
			fresh: () =>
				insertOne(
					`insert into public.tiers (program_id, rank, name, threshold) values ($1, 8, 'Fresh', 8000) returning id`,
					[world.x.id]
				),
			expect: managersMay('filtered')
		}
	},
	{
		table: 'rewards',
		readAs: 'id',
		select: {
			...everyone(['X reward', 'X retired reward']),
			anon: 'no privilege',
			'customer A': ['X reward'],
			'customer B': ['X reward'],
			'the owner of Y': ['Y reward'],
			'the service role': ['X reward', 'X retired reward', 'Y reward']
		},
		insert: {
			what: 'add a reward to club X',
			row: () => ({ program_id: world.x.id, name: `Free coffee ${next()}`, points_cost: 1 }),
			expect: managersMay()
		},
		update: [
			{
				what: "make club X's reward cost 1 point",
				target: () => ({ id: f.rewardX }),
				patch: () => ({ points_cost: 1 }),
				expect: managersMay('filtered')
			},
			{
				what: "move club X's reward to club Y",
				target: () => ({ id: f.rewardX }),
				patch: () => ({ program_id: world.y.id }),
				expect: { 'the manager of X': 'refused by policy' }
			}
		],
		delete: {
			what: 'delete a reward of club X',
			target: () => ({ id: f.rewardX }),
			fresh: () =>
				insertOne(
					`insert into public.rewards (program_id, name, points_cost) values ($1, 'Fresh', 10) returning id`,
					[world.x.id]
				),
			expect: managersMay('filtered')
		}
	},
	{
		table: 'redemptions',
		readAs: 'member_id',
		select: readsOwnAndClub(['A'], [], ['Y customer']),
		insert: {
			what: 'issue themselves a redemption code',
			row: () => ({
				program_id: world.x.id,
				member_id: world.a.memberId,
				reward_id: f.rewardX,
				code: 'ABCDEFGH',
				points_cost: 1,
				expires_at: future()
			}),
			expect: nobody()
		},
		update: [
			{
				what: "change the cost of customer A's redemption",
				target: () => ({ id: f.redemptionA }),
				patch: () => ({ points_cost: 1 }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete customer A's redemption",
			target: () => ({ id: f.redemptionA }),
			expect: nobody()
		}
	},
	{
		table: 'earning_rules',
		readAs: 'program_id',
		select: {
			...everyone(['X']),
			anon: 'no privilege',
			'the owner of Y': ['Y'],
			'the service role': ['X', 'Y']
		},
		insert: {
			what: 'add an earning rule version to club X',
			row: (actor) => ({
				program_id: world.x.id,
				version: 100 + next(),
				rules: { base_rate: 5 },
				effective_from: future(),
				created_by: userOf(world, actor)
			}),
			// Published only through the rules function, which checks them first.
			expect: nobody()
		},
		update: [
			{
				what: "rewrite club X's earning rule",
				target: () => ({ id: f.ruleX }),
				patch: () => ({ rules: { base_rate: 100 } }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete club X's earning rule",
			target: () => ({ id: f.ruleX }),
			expect: nobody()
		}
	},
	{
		table: 'purchases',
		readAs: 'member_id',
		select: readsOwnAndClub(['A'], ['B'], ['Y customer']),
		insert: {
			what: 'record a purchase for customer A',
			row: () => ({
				program_id: world.x.id,
				member_id: world.a.memberId,
				amount: 1000,
				external_ref: `forged-${next()}`
			}),
			expect: nobody()
		},
		update: [
			{
				what: "mark customer A's purchase refunded",
				target: () => ({ id: f.purchaseA }),
				patch: () => ({ refunded_amount: 1 }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete customer A's purchase",
			target: () => ({ id: f.purchaseA }),
			expect: nobody()
		}
	},
	{
		table: 'operations',
		readAs: 'program_id',
		select: { ...everyone('no privilege'), 'the service role': ['X', 'Y'] },
		insert: {
			what: 'plant an idempotency result',
			row: () => ({
				program_id: world.x.id,
				idempotency_key: `forged-${randomUUID()}`,
				kind: 'redeem_reward',
				request: {},
				result: { status: 'applied' }
			}),
			expect: nobody()
		},
		update: [
			{
				what: "rewrite an operation's result",
				target: () => ({ id: f.operationX }),
				patch: () => ({ result: { status: 'forged' } }),
				expect: nobody()
			}
		],
		delete: {
			what: 'delete an operation',
			target: () => ({ id: f.operationX }),
			expect: nobody()
		}
	},
	{
		table: 'accounts',
		readAs: 'member_id',
		select: readsOwnAndClub(['A'], ['B'], ['Y customer']),
		insert: {
			what: 'open an account with a balance',
			row: () => ({
				program_id: world.x.id,
				member_id: world.a.memberId,
				kind: 'points',
				balance: 1_000_000
			}),
			expect: nobody()
		},
		update: [
			{
				what: "set customer A's points balance",
				target: () => ({ id: f.pointsA }),
				patch: () => ({ balance: 1_000_000 }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete customer A's points account",
			target: () => ({ id: f.pointsA }),
			expect: nobody()
		}
	},
	{
		table: 'ledger_entries',
		readAs: 'member_id',
		select: readsOwnAndClub(['A'], ['B'], ['Y customer']),
		insert: {
			what: 'write a ledger entry',
			row: () => ({
				program_id: world.x.id,
				account_id: f.pointsA,
				member_id: world.a.memberId,
				account_kind: 'points',
				kind: 'adjust',
				amount: 1_000_000,
				balance_after: 1_000_000,
				reason_key: `forged.n${next()}`,
				operation_id: f.operationX
			}),
			expect: nobody()
		},
		update: [
			{
				what: "inflate customer A's entry",
				target: () => ({ id: f.entryA }),
				patch: () => ({ amount: 1_000_000 }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete customer A's entry",
			target: () => ({ id: f.entryA }),
			expect: nobody()
		}
	},
	{
		table: 'points_lots',
		readAs: 'account_id',
		select: readsOwnAndClub(['A'], ['B'], ['Y customer']),
		insert: {
			what: 'add a points lot',
			row: () => ({
				program_id: world.x.id,
				account_id: f.pointsA,
				entry_id: f.entryA,
				amount: 1_000_000 + next(),
				remaining: 1_000_000,
				earned_at: new Date().toISOString()
			}),
			expect: nobody()
		},
		update: [
			{
				what: "keep customer A's lot from expiring",
				target: () => ({ id: f.lotA }),
				patch: () => ({ expires_at: null }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete customer A's lot",
			target: () => ({ id: f.lotA }),
			expect: nobody()
		}
	},
	{
		table: 'audit_log',
		readAs: 'program_id',
		select: staffAboveCashierRead(),
		insert: {
			what: 'write an audit entry',
			row: () => ({ program_id: world.x.id, action: `forged.${next()}` }),
			expect: nobody()
		},
		update: [
			{
				what: "rewrite club X's audit entry",
				target: () => ({ id: f.auditX }),
				patch: () => ({ action: 'nothing.happened' }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete club X's audit entry",
			target: () => ({ id: f.auditX }),
			expect: nobody()
		}
	},
	{
		table: 'pos_api_keys',
		readAs: 'program_id',
		select: staffAboveCashierRead(),
		insert: {
			what: 'plant a POS key',
			row: () => ({
				program_id: world.x.id,
				name: 'Planted till',
				prefix: randomUUID().replace(/-/g, '').slice(0, 12),
				key_hash: '0'.repeat(64)
			}),
			expect: nobody()
		},
		update: [
			{
				what: "un-revoke or rename club X's POS key",
				target: () => ({ id: f.posKeyX }),
				patch: () => ({ name: 'Renamed', revoked_at: null }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete club X's POS key",
			target: () => ({ id: f.posKeyX }),
			expect: nobody()
		}
	},
	{
		table: 'member_imports',
		readAs: 'program_id',
		select: staffAboveCashierRead(),
		insert: {
			what: 'record an import',
			row: () => ({ program_id: world.x.id, file_name: 'forged.csv', rows_total: 1 }),
			expect: nobody()
		},
		update: [
			{
				what: "rewrite club X's import report",
				target: () => ({ id: f.importX }),
				patch: () => ({ rows_created: 999, problems: [] }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete club X's import",
			target: () => ({ id: f.importX }),
			expect: nobody()
		}
	},
	{
		table: 'approvals',
		readAs: 'program_id',
		select: staffAboveCashierRead(),
		insert: {
			what: 'file an approval',
			row: (actor) => ({
				program_id: world.x.id,
				member_id: world.b.memberId,
				account_kind: 'points',
				amount: 1500,
				reason: 'forged approval',
				idempotency_key: `forged-${randomUUID()}`,
				requested_by: userOf(world, actor) ?? world.x.manager.id
			}),
			expect: nobody()
		},
		update: [
			{
				what: "approve club X's pending adjustment",
				target: () => ({ id: f.approvalX }),
				patch: () => ({ status: 'rejected', decided_at: new Date().toISOString() }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete club X's pending approval",
			target: () => ({ id: f.approvalX }),
			expect: nobody()
		}
	},
	{
		table: 'staff_invitations',
		readAs: 'program_id',
		select: {
			...everyone<string[]>([]),
			anon: 'no privilege',
			'the owner of X': ['X'],
			'the owner of Y': ['Y'],
			'the service role': ['X', 'Y']
		},
		insert: {
			what: 'invite themselves to club X as a manager',
			row: () => ({ program_id: world.x.id, phone: '+989121110000', role: 'manager' }),
			expect: nobody()
		},
		update: [
			{
				what: "turn club X's cashier invitation into a manager one",
				target: () => ({ id: f.invitationX }),
				patch: () => ({ role: 'manager' }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete club X's invitation",
			target: () => ({ id: f.invitationX }),
			expect: nobody()
		}
	},
	{
		table: 'referrals',
		readAs: 'referrer_id',
		// A referred B: both of them and X's staff see it.
		select: { ...readsOwnAndClub(['A'], [], []), 'customer B': ['A'] },
		insert: {
			what: 'record a referral of customer A by customer B',
			row: () => ({
				program_id: world.x.id,
				referrer_id: world.b.memberId,
				referee_id: world.a.memberId
			}),
			expect: nobody()
		},
		update: [
			{
				what: "mark customer A's referral rewarded",
				target: () => ({ id: f.referralX }),
				patch: () => ({ referrer_points: 1_000_000 }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete customer A's referral",
			target: () => ({ id: f.referralX }),
			expect: nobody()
		}
	},
	{
		table: 'referral_shares',
		readAs: 'member_id',
		select: { ...readsOwnAndClub(['A'], [], ['Y customer']), 'the cashier of X': [] },
		insert: {
			what: 'count a share for customer A',
			row: () => ({ program_id: world.x.id, member_id: world.a.memberId, channel: 'share' }),
			expect: nobody()
		},
		update: [
			{
				what: "change customer A's share",
				target: () => ({ id: f.shareA }),
				patch: () => ({ channel: 'share' }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete customer A's share",
			target: () => ({ id: f.shareA }),
			expect: nobody()
		}
	},
	{
		table: 'lotteries',
		readAs: 'program_id',
		select: {
			...everyone(['X']),
			anon: 'no privilege',
			'the owner of Y': ['Y'],
			'the service role': ['X', 'Y']
		},
		insert: {
			what: 'open a draw with a seed hash of their choosing',
			row: () => ({
				program_id: world.x.id,
				title: `Forged ${next()}`,
				points_per_entry: 1,
				opens_at: new Date().toISOString(),
				closes_at: future(),
				seed_hash: '0'.repeat(64)
			}),
			expect: nobody()
		},
		update: [
			{
				what: "swap club X's committed seed hash",
				target: () => ({ id: f.lotteryX }),
				patch: () => ({ seed_hash: '1'.repeat(64) }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete club X's draw",
			target: () => ({ id: f.lotteryX }),
			expect: nobody()
		}
	},
	{
		table: 'lottery_entries',
		readAs: 'member_id',
		select: readsOwnAndClub(['A'], [], ['Y customer']),
		insert: {
			what: 'add free entries for customer A',
			row: () => ({
				program_id: world.x.id,
				lottery_id: f.lotteryX,
				member_id: world.a.memberId,
				source: 'points',
				tickets: 1000 + next(),
				points_spent: 1
			}),
			expect: nobody()
		},
		update: [
			{
				what: "multiply customer A's tickets",
				target: () => ({ id: f.lotteryEntryA }),
				patch: () => ({ tickets: 1_000_000 }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete customer A's entry",
			target: () => ({ id: f.lotteryEntryA }),
			expect: nobody()
		}
	},
	{
		table: 'lottery_winners',
		readAs: 'member_id',
		select: readsOwnAndClub(['A'], [], ['Y customer']),
		insert: {
			what: 'declare customer B a winner',
			row: () => ({
				lottery_id: f.lotteryX,
				program_id: world.x.id,
				rank: 50 + next(),
				member_id: world.b.memberId,
				holder: '0'.repeat(16),
				ticket: 0,
				prize_status: 'none'
			}),
			expect: nobody()
		},
		update: [
			{
				what: 'hand customer A’s win to customer B',
				target: () => ({ lottery_id: f.lotteryX, rank: 1 }),
				patch: () => ({ member_id: world.b.memberId }),
				expect: nobody()
			}
		],
		delete: {
			what: 'delete customer A’s win',
			target: () => ({ lottery_id: f.lotteryX, rank: 1 }),
			expect: nobody()
		}
	},
	{
		table: 'surveys',
		readAs: 'program_id',
		select: {
			...everyone(['X']),
			anon: 'no privilege',
			'the cashier of X': [],
			'the owner of Y': ['Y'],
			'the service role': ['X', 'Y']
		},
		insert: {
			what: 'add a survey to club X',
			row: () => ({ program_id: world.x.id, title: `Forged ${next()}` }),
			expect: nobody()
		},
		update: [
			{
				what: "retitle club X's survey",
				target: () => ({ id: f.surveyX }),
				patch: () => ({ title: 'Renamed' }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete club X's survey",
			target: () => ({ id: f.surveyX }),
			expect: nobody()
		}
	},
	{
		table: 'survey_responses',
		readAs: 'member_id',
		select: { ...readsOwnAndClub(['A'], [], ['Y customer']), 'the cashier of X': [] },
		insert: {
			what: "answer for customer A's purchase",
			row: () => ({
				program_id: world.x.id,
				survey_id: f.surveyX,
				member_id: world.a.memberId,
				purchase_id: f.purchaseA,
				nps: 0
			}),
			expect: nobody()
		},
		update: [
			{
				what: "change customer A's score",
				target: () => ({ id: f.responseA }),
				patch: () => ({ nps: 0 }),
				expect: nobody()
			}
		],
		delete: {
			what: "delete customer A's answer",
			target: () => ({ id: f.responseA }),
			expect: nobody()
		}
	}
];

/** Managers and owners of X and the service role may; a cashier, customers and Y's owner may not. */
function managersMay(refusal: Write = 'refused by policy'): Record<Actor, Write> {
	return {
		...everyone(refusal),
		anon: 'no privilege',
		'the manager of X': 'allowed',
		'the owner of X': 'allowed',
		'the service role': 'allowed'
	};
}

/** Written only by the ledger functions: no API role, not even the service role, may. */
function nobody(): Record<Actor, Write> {
	return everyone('no privilege');
}

/** Member-owned rows: each customer their own, X's staff all of X's, Y's owner Y's. */
function readsOwnAndClub(
	a: string[],
	b: string[],
	y: string[]
): Record<Actor, 'no privilege' | string[]> {
	return {
		...everyone([...a, ...b]),
		anon: 'no privilege',
		'customer A': a,
		'customer B': b,
		'the owner of Y': y,
		'the service role': [...a, ...b, ...y]
	};
}

/** The audit log and approvals: managers and owners of their club; cashiers and customers nothing. */
function staffAboveCashierRead(): Record<Actor, 'no privilege' | string[]> {
	return {
		...everyone<string[]>([]),
		anon: 'no privilege',
		'the manager of X': ['X'],
		'the owner of X': ['X'],
		'the owner of Y': ['Y'],
		'the service role': ['X', 'Y']
	};
}

beforeAll(async () => {
	world = await createWorld();
	const { data: spare, error } = await world.service.auth.admin.createUser({
		phone: `+97254${randomInt(1_000_000, 10_000_000)}`,
		password: PASSWORD,
		phone_confirm: true
	});
	if (error) throw error;
	const purchaseA = await world.earn(world.a.memberId, 300);
	await world.earn(world.b.memberId, 200);
	const purchaseY = await world.earn(world.y.customer.memberId, 100, { programId: world.y.id });

	const rewards = await world.db.query(
		`insert into public.rewards (program_id, name, points_cost, active) values
		 ($1, 'Coffee', 50, true), ($1, 'Old mug', 50, false), ($2, 'Bread', 50, true)
		 returning id`,
		[world.x.id, world.y.id]
	);
	const [rewardX, rewardXRetired, rewardY] = rewards.rows.map((r) => r.id as string);
	const rules = await world.db.query(
		`insert into public.earning_rules (program_id, version, rules, effective_from) values
		 ($1, 1, '{"base_rate": 1}', now()), ($2, 1, '{"base_rate": 1}', now()) returning id`,
		[world.x.id, world.y.id]
	);

	const redeemed = await world.a.client.rpc('redeem_reward', {
		p_reward_id: rewardX,
		p_idempotency_key: world.key()
	});
	if (redeemed.error) throw redeemed.error;
	const yRedeemed = await world.y.customer.client.rpc('redeem_reward', {
		p_reward_id: rewardY,
		p_idempotency_key: world.key()
	});
	if (yRedeemed.error) throw yRedeemed.error;

	// Over the threshold, so each waits for a second manager and leaves an audit entry.
	const adjustments = await Promise.all([
		world.x.manager.client.rpc('adjust_balance', {
			p_member_id: world.b.memberId,
			p_amount: 5000,
			p_reason: 'a big goodwill gift',
			p_idempotency_key: world.key()
		}),
		world.y.owner.client.rpc('adjust_balance', {
			p_member_id: world.y.customer.memberId,
			p_amount: 5000,
			p_reason: 'a big goodwill gift',
			p_idempotency_key: world.key()
		})
	]);
	for (const { data, error } of adjustments) {
		if (error) throw error;
		expect(data.status).toBe('pending');
	}

	const { rows } = await world.db.query(
		`select
		   (select id from public.accounts where member_id = $2 and kind = 'points') as points_a,
		   (select id from public.operations where program_id = $1 limit 1) as operation_x,
		   (select id from public.ledger_entries where member_id = $2 limit 1) as entry_a,
		   (select l.id from public.points_lots l join public.accounts a on a.id = l.account_id
		     where a.member_id = $2 limit 1) as lot_a,
		   (select id from public.audit_log where program_id = $1 limit 1) as audit_x`,
		[world.x.id, world.a.memberId]
	);
	const invitations = await world.db.query(
		`select public.invite_staff($1, '+989121112222', 'cashier') ->> 'invitation_id' as id
		 union all select public.invite_staff($2, '+972521112222', 'cashier') ->> 'invitation_id'`,
		[world.x.id, world.y.id]
	);
	f = {
		spare: spare.user.id,
		invitationX: invitations.rows[0].id,
		rewardX,
		rewardY,
		redemptionA: redeemed.data.redemption_id,
		purchaseA,
		pointsA: rows[0].points_a,
		operationX: rows[0].operation_x,
		entryA: Number(rows[0].entry_a),
		lotA: Number(rows[0].lot_a),
		auditX: Number(rows[0].audit_x),
		approvalX: adjustments[0].data.approval_id,
		ruleX: rules.rows[0].id,
		posKeyX: (
			await world.db.query(`select public.create_pos_key($1, 'Till X') ->> 'id' as id`, [
				world.x.id
			])
		).rows[0].id,
		referralX: '',
		shareA: 0,
		lotteryX: '',
		lotteryEntryA: 0,
		surveyX: '',
		responseA: '',
		importX: (
			await world.db.query(
				`select public.begin_member_import($1, 'x.csv', 1, '[{"line": 2, "code": "VAFA_PHONE_INVALID"}]') as id`,
				[world.x.id]
			)
		).rows[0].id
	};
	await world.db.query(`select public.begin_member_import($1, 'y.csv', 0)`, [world.y.id]);
	await world.db.query(`select public.create_pos_key($1, 'Till Y')`, [world.y.id]);
	Object.assign(f, await engagementFixtures(purchaseY));

	const members = {
		[world.a.memberId]: 'A',
		[world.b.memberId]: 'B',
		[world.y.customer.memberId]: 'Y customer'
	};
	for (const [id, label] of Object.entries(members)) names.set(id, label);
	const accounts = await world.db.query(
		'select id, member_id from public.accounts where member_id = any($1)',
		[Object.keys(members)]
	);
	for (const account of accounts.rows) names.set(account.id, members[account.member_id]);
	names.set(world.x.id, 'X');
	names.set(world.y.id, 'Y');
	names.set(rewardX, 'X reward');
	names.set(rewardXRetired, 'X retired reward');
	names.set(rewardY, 'Y reward');
});

afterAll(() => world.end());

/**
 * Engagement rows: A referred B in X; A and Y's customer shared their links, entered and won their
 * club's draw, and answered their club's survey.
 */
async function engagementFixtures(purchaseY: string) {
	const referral = await insertOne(
		`insert into public.referrals (program_id, referrer_id, referee_id) values ($1, $2, $3) returning id`,
		[world.x.id, world.a.memberId, world.b.memberId]
	);
	const share = await insertOne(
		`insert into public.referral_shares (program_id, member_id, channel) values
		 ($1, $2, 'copy'), ($3, $4, 'share') returning id`,
		[world.x.id, world.a.memberId, world.y.id, world.y.customer.memberId]
	);
	const lotteries: Record<string, string> = {};
	for (const club of [world.x.id, world.y.id]) {
		const { rows } = await world.db.query(
			`select public.create_lottery($1, 'Matrix draw', now() + interval '1 hour', '', null, 1) ->> 'id' as id`,
			[club]
		);
		lotteries[club] = rows[0].id;
	}
	for (const [client, club] of [
		[world.a.client, world.x.id],
		[world.y.customer.client, world.y.id]
	] as const) {
		const { error } = await client.rpc('enter_lottery', {
			p_lottery_id: lotteries[club],
			p_entries: 1,
			p_idempotency_key: world.key()
		});
		if (error) throw error;
		await world.db.query(`select public.draw_lottery($1, now() + interval '2 hours')`, [
			lotteries[club]
		]);
	}
	const entry = await insertOne(
		'select id from public.lottery_entries where lottery_id = $1 and member_id = $2',
		[lotteries[world.x.id], world.a.memberId]
	);
	const surveys: Record<string, string> = {};
	for (const club of [world.x.id, world.y.id]) {
		const { rows } = await world.db.query(
			`select public.save_survey($1, 'Matrix survey', '[]', true) ->> 'id' as id`,
			[club]
		);
		surveys[club] = rows[0].id;
	}
	const answers = await Promise.all([
		world.a.client.rpc('answer_survey', { p_purchase_id: f.purchaseA, p_nps: 9 }),
		world.y.customer.client.rpc('answer_survey', { p_purchase_id: purchaseY, p_nps: 7 })
	]);
	for (const { error } of answers) if (error) throw error;
	return {
		referralX: referral.id as string,
		shareA: Number(share.id),
		lotteryX: lotteries[world.x.id],
		lotteryEntryA: Number(entry.id),
		surveyX: surveys[world.x.id],
		responseA: answers[0].data.response_id as string
	};
}

/** The row matching `match`, as the database holds it (bypassing RLS). */
async function rowOf(table: string, match: Row): Promise<Row | undefined> {
	const { rows } = await world.db.query(
		`select to_jsonb(t) as row from public.${table} t where to_jsonb(t) @> $1::jsonb`,
		[JSON.stringify(match)]
	);
	expect(rows.length).toBeLessThanOrEqual(1);
	return rows[0]?.row;
}

/** An inserted row without its timestamps, which the database spells differently. */
function matchOf(row: Row): Row {
	return Object.fromEntries(
		Object.entries(row).filter(([, value]) => !/^\d{4}-\d\d-\d\dT/.test(String(value)))
	);
}

describe.each(tables)('$table', (spec) => {
	describe('select', () => {
		for (const actor of ACTORS) {
			const expected = spec.select[actor];
			const name =
				expected === 'no privilege'
					? `${actor} may not read ${spec.table} at all`
					: expected.length
						? `${actor} sees the ${spec.table} of ${expected.join(' and ')} only`
						: `${actor} sees no ${spec.table}`;
			it(name, async () => {
				const scope = spec.table === 'programs' ? 'id' : 'program_id';
				const { data, error } = await clientOf(world, actor)
					.from(spec.table)
					.select(spec.readAs)
					.in(scope, [world.x.id, world.y.id]);
				if (expected === 'no privilege') {
					expect(error).toMatchObject({
						code: '42501',
						message: expect.stringMatching(/^permission denied for table/)
					});
					return;
				}
				expect(error).toBeNull();
				const seen = (data as unknown as Row[]).map(
					(row) => names.get(String(row[spec.readAs])) ?? `an unknown row ${row[spec.readAs]}`
				);
				expect([...new Set(seen)].sort()).toEqual([...expected].sort());
			});
		}
	});

	describe('insert', () => {
		for (const actor of ACTORS) {
			const outcome = spec.insert.expect[actor];
			it(`${actor} ${phrase(outcome, spec.insert.what)}`, async () => {
				const row = spec.insert.row(actor);
				const result = await clientOf(world, actor)
					.from(spec.table)
					.insert(row)
					.select(spec.readAs);
				expectWrite(result, outcome);
				const stored = await rowOf(spec.table, matchOf(row));
				if (outcome === 'allowed') {
					expect(stored).toBeDefined();
					await world.db.query(
						`delete from public.${spec.table} t where to_jsonb(t) @> $1::jsonb`,
						[JSON.stringify(matchOf(row))]
					);
				} else {
					expect(stored).toBeUndefined();
				}
			});
		}
	});

	describe('update', () => {
		for (const update of spec.update) {
			for (const [actor, outcome] of Object.entries(update.expect) as [Actor, Write][]) {
				it(`${actor} ${phrase(outcome, update.what)}`, async () => {
					const target = update.target();
					const patch = update.patch();
					const before = await rowOf(spec.table, target);
					expect(before).toBeDefined();
					const result = await clientOf(world, actor)
						.from(spec.table)
						.update(patch)
						.match(target)
						.select(spec.readAs);
					expectWrite(result, outcome);
					const after = await rowOf(spec.table, { ...target, ...patch });
					if (outcome !== 'allowed') {
						expect(after).toBeUndefined();
						expect(await rowOf(spec.table, target)).toEqual(before);
						return;
					}
					expect(after).toBeDefined();
					const columns = Object.keys(patch).join(', ');
					await world.db.query(
						`update public.${spec.table} t set (${columns}) = (select ${columns} from jsonb_populate_record(null::public.${spec.table}, $2::jsonb))
						 where to_jsonb(t) @> $1::jsonb`,
						[JSON.stringify({ ...target, ...patch }), JSON.stringify(before)]
					);
				});
			}
		}
	});

	describe('delete', () => {
		for (const actor of ACTORS) {
			const outcome = spec.delete.expect[actor];
			it(`${actor} ${phrase(outcome, spec.delete.what)}`, async () => {
				let target = spec.delete.target();
				if (outcome === 'allowed') {
					if (!spec.delete.fresh) throw new Error(`${spec.table} needs a fresh row to delete`);
					target = await spec.delete.fresh();
				}
				const before = await rowOf(spec.table, target);
				expect(before).toBeDefined();
				const result = await clientOf(world, actor)
					.from(spec.table)
					.delete()
					.match(target)
					.select(spec.readAs);
				expectWrite(result, outcome);
				expect(await rowOf(spec.table, target)).toEqual(outcome === 'allowed' ? undefined : before);
			});
		}
	});
});

describe('the matrix', () => {
	it('covers every table of the exposed schema', async () => {
		const { rows } = await world.db.query(
			`select relname from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p')`
		);
		expect([...tables.map((t) => t.table), ...MESSAGING_TABLES].sort()).toEqual(
			rows.map((r) => r.relname).sort()
		);
	});
});
