/**
 * Who may call the members, import and analytics functions: anon none; managers and owners of the
 * club and the service role may; customers, the cashier and another club's owner are refused
 * (a member of another club is "not found", so ids cannot be probed). A refused import creates no
 * user, no member and no operation.
 */
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS, clientOf, everyone, type Actor } from './rls-matrix';
import { createWorld, type World } from './world';

type Call = 'allowed' | 'no privilege' | `VAFA_${string}`;
type Args = Record<string, unknown>;

interface FunctionCase {
	fn: string;
	args: () => Args | Promise<Args>;
	expect: Record<Actor, Call>;
	unchanged?: (args: Args) => Promise<void>;
}

let world: World;

function managersOfX(refused: Call = 'VAFA_FORBIDDEN'): Record<Actor, Call> {
	return {
		...everyone<Call>(refused),
		anon: 'no privilege',
		'the manager of X': 'allowed',
		'the owner of X': 'allowed',
		'the service role': 'allowed'
	};
}

const period = () => ({ p_program_id: world.x.id, p_from: '2026-01-01', p_to: '2026-12-31' });
const freshPhone = () => `+98912${randomInt(1_000_000, 10_000_000)}`;

async function newImport(): Promise<string> {
	const { rows } = await world.db.query(
		`select public.begin_member_import($1, 'matrix.csv', 1) as id`,
		[world.x.id]
	);
	return rows[0].id;
}

const cases: FunctionCase[] = [
	{
		fn: 'refresh_analytics',
		args: () => ({ p_program_id: world.x.id }),
		expect: {
			...everyone<Call>('VAFA_FORBIDDEN'),
			anon: 'no privilege',
			'customer A': 'no privilege',
			'customer B': 'no privilege',
			'the cashier of X': 'no privilege',
			'the manager of X': 'no privilege',
			'the owner of X': 'no privilege',
			'the owner of Y': 'no privilege',
			'the service role': 'allowed'
		}
	},
	{
		fn: 'search_members',
		args: () => ({ p_program_id: world.x.id, p_query: 'A' }),
		expect: managersOfX()
	},
	{
		fn: 'member_profile',
		args: () => ({ p_member_id: world.a.memberId }),
		expect: managersOfX('VAFA_MEMBER_NOT_FOUND')
	},
	{
		fn: 'member_history',
		args: () => ({ p_member_id: world.a.memberId }),
		expect: managersOfX('VAFA_MEMBER_NOT_FOUND')
	},
	{
		fn: 'pending_approvals',
		args: () => ({ p_program_id: world.x.id }),
		expect: managersOfX()
	},
	{
		fn: 'export_members',
		args: () => ({ p_program_id: world.x.id }),
		expect: managersOfX()
	},
	{ fn: 'analytics_summary', args: period, expect: managersOfX() },
	{ fn: 'analytics_series', args: period, expect: managersOfX() },
	{ fn: 'analytics_top_rewards', args: period, expect: managersOfX() },
	{
		fn: 'begin_member_import',
		args: () => ({
			p_program_id: world.x.id,
			p_file_name: `matrix-${randomInt(1e9)}.csv`,
			p_rows_total: 1
		}),
		expect: managersOfX(),
		unchanged: async (args) => {
			const { rows } = await world.db.query(
				'select 1 from public.member_imports where file_name = $1',
				[args.p_file_name]
			);
			expect(rows).toEqual([]);
		}
	},
	{
		fn: 'import_members',
		args: async () => ({
			p_import_id: await newImport(),
			p_rows: [{ line: 2, phone: freshPhone(), name: 'Matrix', points: 10 }],
			p_idempotency_key: world.key()
		}),
		expect: managersOfX(),
		unchanged: async (args) => {
			const [row] = args.p_rows as { phone: string }[];
			const { rows } = await world.db.query(
				`select (select count(*) from auth.users where phone = $1)::int as users,
				   (select rows_created from public.member_imports where id = $2) as created`,
				[row.phone.slice(1), args.p_import_id]
			);
			expect(rows).toEqual([{ users: 0, created: 0 }]);
		}
	},
	{
		fn: 'finish_member_import',
		args: async () => ({ p_import_id: await newImport() }),
		expect: managersOfX(),
		unchanged: async (args) => {
			const { rows } = await world.db.query(
				'select status from public.member_imports where id = $1',
				[args.p_import_id]
			);
			expect(rows).toEqual([{ status: 'running' }]);
		}
	}
];

beforeAll(async () => {
	world = await createWorld();
	await world.earn(world.a.memberId, 50);
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
					: `${actor} is refused with ${outcome} and nothing changes`;
		it(name, async () => {
			const args = await spec.args();
			const { data, error } = await clientOf(world, actor).rpc(spec.fn, args);
			if (outcome === 'allowed') {
				expect(error).toBeNull();
				expect(data).not.toBeNull();
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

describe('a member of another club', () => {
	it("is not found by club X's manager, even by id", async () => {
		for (const fn of ['member_profile', 'member_history']) {
			const { error } = await world.x.manager.client.rpc(fn, {
				p_member_id: world.y.customer.memberId
			});
			expect(error?.message).toBe('VAFA_MEMBER_NOT_FOUND');
		}
	});

	it("cannot be reached by passing club Y's id to club X's manager", async () => {
		const { error } = await world.x.manager.client.rpc('search_members', {
			p_program_id: world.y.id,
			p_query: 'Y customer'
		});
		expect(error).toMatchObject({ code: '42501', message: 'VAFA_FORBIDDEN' });
	});
});
