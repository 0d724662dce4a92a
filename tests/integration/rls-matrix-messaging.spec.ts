/**
 * The RLS matrix for the messaging and engagement tables (issue 7): every table tried as every
 * role with select, insert, update and delete through PostgREST, refused writes checked to have
 * changed nothing; and who may execute each new function.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	ACTORS,
	clientOf,
	everyone,
	expectWrite,
	phrase,
	type Actor,
	type Write
} from './rls-matrix';
import { MESSAGING_TABLES } from './rls-matrix-covered';
import { createWorld, type World } from './world';

type Row = Record<string, unknown>;
type Select = 'no privilege' | string[];

interface TableCase {
	table: (typeof MESSAGING_TABLES)[number];
	/** The column that tells whose row a reader saw, and the filter that limits reads to this world. */
	readAs: string;
	scope: () => [string, string[]];
	select: Record<Actor, Select>;
	insert: { what: string; row: (actor: Actor) => Row; expect: Record<Actor, Write> };
	update: { what: string; target: () => Row; patch: () => Row; expect: Record<Actor, Write> };
	delete: {
		what: string;
		target: () => Row;
		fresh?: () => Promise<Row>;
		expect: Record<Actor, Write>;
	};
}

let world: World;
const names = new Map<string, string>();
const f: Record<string, string> = {};

const readOnly = (): Record<Actor, Write> => everyone<Write>('no privilege');
const managersOfX = (others: Write): Record<Actor, Write> => ({
	...everyone(others),
	anon: 'no privilege',
	'the manager of X': 'allowed',
	'the owner of X': 'allowed',
	'the service role': 'allowed'
});
const staffSelect = (x: string[], y: string[]): Record<Actor, Select> => ({
	...everyone<Select>([]),
	anon: 'no privilege',
	'the manager of X': x,
	'the owner of X': x,
	'the owner of Y': y,
	'the service role': [...x, ...y]
});
const program = () => ['program_id', [world.x.id, world.y.id]] as [string, string[]];

async function one(sql: string, params: unknown[]): Promise<Row> {
	return (await world.db.query(sql, params)).rows[0];
}
const subscription = (userId?: string) => ({
	...(userId ? { user_id: userId } : {}),
	endpoint: `https://push.example/${randomUUID()}`,
	p256dh: 'B' + 'x'.repeat(86),
	auth: 'a'.repeat(22)
});
const campaign = (programId: string) => ({
	program_id: programId,
	name: `C ${randomUUID().slice(0, 6)}`,
	template: 'greet',
	min_days_inactive: 30
});

const tables: TableCase[] = [
	{
		table: 'message_templates',
		readAs: 'program_id',
		scope: program,
		select: staffSelect(['X'], ['Y']),
		insert: {
			what: 'add a template to club X',
			row: () => ({
				program_id: world.x.id,
				key: `k${randomUUID().slice(0, 6)}`,
				locale: 'en',
				body: 'Hi'
			}),
			expect: managersOfX('refused by policy')
		},
		update: {
			what: 'edit club X’s template',
			target: () => ({ id: f.templateX }),
			patch: () => ({ body: `Edited ${randomUUID().slice(0, 4)}` }),
			expect: managersOfX('filtered')
		},
		delete: {
			what: 'delete club X’s template',
			target: () => ({ id: f.templateX }),
			fresh: async () => ({
				id: (
					await one(
						`insert into public.message_templates (program_id, key, locale, body) values ($1, $2, 'he', 'x') returning id`,
						[world.x.id, `d${randomUUID().slice(0, 6)}`]
					)
				).id
			}),
			expect: managersOfX('filtered')
		}
	},
	{
		table: 'message_preferences',
		readAs: 'member_id',
		scope: program,
		select: {
			...staffSelect(['A'], ['Y customer']),
			'customer A': ['A']
		},
		insert: {
			what: 'write preferences directly',
			row: () => ({ member_id: world.b.memberId, program_id: world.x.id, opted_out: ['sms'] }),
			expect: readOnly()
		},
		update: {
			what: 'change A’s preferences directly',
			target: () => ({ member_id: world.a.memberId }),
			patch: () => ({ locale: 'he' }),
			expect: readOnly()
		},
		delete: {
			what: 'delete A’s preferences',
			target: () => ({ member_id: world.a.memberId }),
			expect: readOnly()
		}
	},
	{
		table: 'push_subscriptions',
		readAs: 'user_id',
		scope: () => ['user_id', [world.a.id, world.b.id, world.y.customer.id]],
		select: {
			...everyone<Select>([]),
			anon: 'no privilege',
			'customer A': ['A'],
			'the service role': ['A', 'Y customer']
		},
		insert: {
			what: 'register their own browser for push',
			row: (actor) => subscription(actor === 'the service role' ? world.b.id : undefined),
			expect: { ...everyone<Write>('allowed'), anon: 'no privilege' }
		},
		update: {
			what: 'move A’s subscription elsewhere',
			target: () => ({ id: f.pushA }),
			patch: () => ({ endpoint: `https://evil.example/${randomUUID()}` }),
			expect: { ...everyone<Write>('no privilege'), 'the service role': 'allowed' }
		},
		delete: {
			what: 'remove A’s subscription',
			target: () => ({ id: f.pushA }),
			fresh: async () => ({
				id: (
					await one(
						`insert into public.push_subscriptions (user_id, endpoint, p256dh, auth) values ($1, $2, $3, $4) returning id`,
						[
							world.a.id,
							`https://push.example/${randomUUID()}`,
							'B' + 'x'.repeat(86),
							'a'.repeat(22)
						]
					)
				).id
			}),
			expect: {
				...everyone<Write>('filtered'),
				anon: 'no privilege',
				'customer A': 'allowed',
				'the service role': 'allowed'
			}
		}
	},
	...(['messages', 'message_deliveries'] as const).map((table): TableCase => ({
		table,
		readAs: 'program_id',
		scope: program,
		select: staffSelect(['X'], ['Y']),
		insert: {
			what: 'queue a message directly',
			row: () =>
				table === 'messages'
					? {
							id: randomUUID(),
							program_id: world.x.id,
							member_id: world.a.memberId,
							template: 'greet',
							dedupe_key: randomUUID(),
							locale: 'fa',
							title: '',
							body: 'forged'
						}
					: { id: randomUUID(), message_id: f.messageA, program_id: world.x.id, channel: 'push' },
			expect: readOnly()
		},
		update: {
			what: `change club X’s ${table}`,
			target: () => (table === 'messages' ? { id: f.messageA } : { message_id: f.messageA }),
			patch: () => (table === 'messages' ? { body: 'forged' } : { status: 'sent' }),
			expect: readOnly()
		},
		delete: {
			what: `delete club X’s ${table}`,
			target: () => (table === 'messages' ? { id: f.messageA } : { message_id: f.messageA }),
			expect: readOnly()
		}
	})),
	{
		table: 'inbox_messages',
		readAs: 'member_id',
		scope: program,
		select: {
			...everyone<Select>([]),
			anon: 'no privilege',
			'customer A': ['A'],
			'customer B': ['B'],
			'the service role': ['A', 'B', 'Y customer']
		},
		insert: {
			what: 'put a message in an inbox',
			row: () => ({ id: randomUUID(), message_id: f.messageA }),
			expect: readOnly()
		},
		update: {
			what: 'mark A’s message read',
			target: () => ({ message_id: f.messageA }),
			patch: () => ({
				read_at: new Date(Date.UTC(2026, 0, 1)).toISOString().replace('.000Z', '+00:00')
			}),
			expect: {
				...everyone<Write>('filtered'),
				anon: 'no privilege',
				'customer A': 'allowed',
				'the service role': 'no privilege'
			}
		},
		delete: {
			what: 'delete A’s inbox message',
			target: () => ({ message_id: f.messageA }),
			expect: readOnly()
		}
	},
	{
		table: 'birthday_grants',
		readAs: 'member_id',
		scope: program,
		select: { ...staffSelect(['A'], ['Y customer']), 'customer A': ['A'] },
		insert: {
			what: 'record a birthday gift',
			row: () => ({
				program_id: world.x.id,
				member_id: world.b.memberId,
				year: 1404,
				calendar: 'jalali'
			}),
			expect: readOnly()
		},
		update: {
			what: 'move A’s gift to another year',
			target: () => ({ member_id: world.a.memberId }),
			patch: () => ({ year: 1399 }),
			expect: readOnly()
		},
		delete: {
			what: 'delete A’s gift',
			target: () => ({ member_id: world.a.memberId }),
			expect: readOnly()
		}
	},
	{
		table: 'campaigns',
		readAs: 'program_id',
		scope: program,
		select: staffSelect(['X'], ['Y']),
		insert: {
			what: 'plan a campaign for club X',
			row: () => campaign(world.x.id),
			expect: managersOfX('refused by policy')
		},
		update: {
			what: 'rename club X’s draft campaign',
			target: () => ({ id: f.campaignX }),
			patch: () => ({ name: `Renamed ${randomUUID().slice(0, 4)}` }),
			expect: managersOfX('filtered')
		},
		delete: {
			what: 'delete club X’s draft campaign',
			target: () => ({ id: f.campaignX }),
			fresh: async () => ({
				id: (
					await one(
						`insert into public.campaigns (program_id, name, template, min_days_inactive) values ($1, 'Fresh', 'greet', 30) returning id`,
						[world.x.id]
					)
				).id
			}),
			expect: managersOfX('filtered')
		}
	},
	{
		table: 'campaign_members',
		readAs: 'program_id',
		scope: program,
		select: staffSelect(['X'], ['Y']),
		insert: {
			what: 'add a member to a sent campaign',
			row: () => ({
				campaign_id: f.sentX,
				program_id: world.x.id,
				member_id: world.b.memberId,
				control: true
			}),
			expect: readOnly()
		},
		update: {
			what: 'move A out of the control group',
			target: () => ({ campaign_id: f.sentX, member_id: world.a.memberId }),
			patch: () => ({ control: false }),
			expect: readOnly()
		},
		delete: {
			what: 'remove A from a sent campaign',
			target: () => ({ campaign_id: f.sentX, member_id: world.a.memberId }),
			expect: readOnly()
		}
	}
];

beforeAll(async () => {
	world = await createWorld();
	for (const id of [world.x.id, world.y.id]) {
		const row = await one(
			`insert into public.message_templates (program_id, key, locale, channels, body) values ($1, 'greet', 'fa', '{inbox,sms}', 'سلام {name}') returning id`,
			[id]
		);
		if (id === world.x.id) f.templateX = row.id as string;
	}
	const enqueue = (programId: string, memberId: string) =>
		one(`select private.enqueue_message($1, $2, 'greet', '{}', $3) as id`, [
			programId,
			memberId,
			randomUUID()
		]);
	f.messageA = (await enqueue(world.x.id, world.a.memberId)).id as string;
	await enqueue(world.x.id, world.b.memberId);
	await enqueue(world.y.id, world.y.customer.memberId);
	await world.db.query(
		`insert into public.message_preferences (member_id, program_id, opted_out) values ($1, $2, '{push}'), ($3, $4, '{}')`,
		[world.a.memberId, world.x.id, world.y.customer.memberId, world.y.id]
	);
	f.pushA = (
		await one(
			`insert into public.push_subscriptions (user_id, endpoint, p256dh, auth) values ($1, $2, $3, $4) returning id`,
			[world.a.id, `https://push.example/${randomUUID()}`, 'B' + 'x'.repeat(86), 'a'.repeat(22)]
		)
	).id as string;
	await world.db.query(
		`insert into public.push_subscriptions (user_id, endpoint, p256dh, auth) values ($1, $2, $3, $4)`,
		[
			world.y.customer.id,
			`https://push.example/${randomUUID()}`,
			'B' + 'x'.repeat(86),
			'a'.repeat(22)
		]
	);
	await world.db.query(
		`insert into public.birthday_grants (program_id, member_id, year, calendar) values ($1, $2, 1403, 'jalali'), ($3, $4, 2026, 'gregorian')`,
		[world.x.id, world.a.memberId, world.y.id, world.y.customer.memberId]
	);
	f.campaignX = (
		await one(
			`insert into public.campaigns (program_id, name, template, min_days_inactive) values ($1, 'Draft X', 'greet', 30) returning id`,
			[world.x.id]
		)
	).id as string;
	await world.db.query(
		`insert into public.campaigns (program_id, name, template, min_days_inactive) values ($1, 'Draft Y', 'greet', 30)`,
		[world.y.id]
	);
	await world.db.query(
		`update public.members set last_activity_at = now() - interval '40 days' where id = any($1)`,
		[[world.a.memberId, world.y.customer.memberId]]
	);
	for (const id of [world.x.id, world.y.id]) {
		const sent = await one(
			`insert into public.campaigns (program_id, name, template, min_days_inactive, control_percent) values ($1, 'Sent', 'greet', 30, 90) returning id`,
			[id]
		);
		await world.db.query('select public.launch_campaign($1)', [sent.id]);
		if (id === world.x.id) f.sentX = sent.id as string;
	}
	await world.db.query(
		`update public.programs set settings = settings || '{"birthday": {"enabled": true, "points": 5}}' where id = $1`,
		[world.x.id]
	);
	await world.db.query(`update public.members set birthday = '1990-05-05' where id = $1`, [
		world.a.memberId
	]);
	names.set(world.x.id, 'X');
	names.set(world.y.id, 'Y');
	names.set(world.a.memberId, 'A');
	names.set(world.b.memberId, 'B');
	names.set(world.y.customer.memberId, 'Y customer');
	names.set(world.a.id, 'A');
	names.set(world.b.id, 'B');
	names.set(world.y.customer.id, 'Y customer');
});
afterAll(() => world.end());

async function rowOf(table: string, match: Row): Promise<Row | undefined> {
	const { rows } = await world.db.query(
		`select to_jsonb(t) as row from public.${table} t where to_jsonb(t) @> $1::jsonb`,
		[JSON.stringify(match)]
	);
	return rows[0]?.row;
}

describe.each(tables)('$table', (spec) => {
	for (const actor of ACTORS) {
		const expected = spec.select[actor];
		it(
			expected === 'no privilege'
				? `${actor} may not read ${spec.table} at all`
				: `${actor} sees ${expected.length ? `the rows of ${expected.join(' and ')} only` : 'none'}`,
			async () => {
				const [column, values] = spec.scope();
				const { data, error } = await clientOf(world, actor)
					.from(spec.table)
					.select(spec.readAs)
					.in(column, values);
				if (expected === 'no privilege') {
					expect(error).toMatchObject({ code: '42501' });
					return;
				}
				expect(error).toBeNull();
				const seen = (data as unknown as Row[]).map(
					(row) => names.get(String(row[spec.readAs])) ?? `unknown ${row[spec.readAs]}`
				);
				expect([...new Set(seen)].sort()).toEqual([...expected].sort());
			}
		);
	}
	for (const actor of ACTORS) {
		const outcome = spec.insert.expect[actor];
		it(`${actor} ${phrase(outcome, spec.insert.what)}`, async () => {
			const row = spec.insert.row(actor);
			const result = await clientOf(world, actor).from(spec.table).insert(row).select(spec.readAs);
			expectWrite(result, outcome);
			if (outcome === 'allowed') {
				await world.db.query(`delete from public.${spec.table} t where to_jsonb(t) @> $1::jsonb`, [
					JSON.stringify(row)
				]);
			} else {
				expect(await rowOf(spec.table, row)).toBeUndefined();
			}
		});
	}
	for (const actor of ACTORS) {
		const outcome = spec.update.expect[actor];
		it(`${actor} ${phrase(outcome, spec.update.what)}`, async () => {
			const target = spec.update.target();
			const before = await rowOf(spec.table, target);
			expect(before).toBeDefined();
			const result = await clientOf(world, actor)
				.from(spec.table)
				.update(spec.update.patch())
				.match(target)
				.select(spec.readAs);
			expectWrite(result, outcome);
			if (outcome !== 'allowed') expect(await rowOf(spec.table, target)).toEqual(before);
		});
	}
	for (const actor of ACTORS) {
		const outcome = spec.delete.expect[actor];
		it(`${actor} ${phrase(outcome, spec.delete.what)}`, async () => {
			const target =
				outcome === 'allowed' && spec.delete.fresh
					? await spec.delete.fresh()
					: spec.delete.target();
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

type Call = 'allowed' | 'no privilege' | `VAFA_${string}`;
interface FunctionCase {
	fn: string;
	args: () => Row | Promise<Row>;
	expect: Record<Actor, Call>;
}
const serviceOnly = (): Record<Actor, Call> => ({
	...everyone<Call>('no privilege'),
	'the service role': 'allowed'
});
const managersOr = (code: Call): Record<Actor, Call> => ({
	...everyone<Call>(code),
	anon: 'no privilege',
	'the manager of X': 'allowed',
	'the owner of X': 'allowed',
	'the service role': 'allowed'
});

const functions: FunctionCase[] = [
	{
		fn: 'claim_deliveries',
		args: () => ({ p_limit: 1, p_program_id: randomUUID() }),
		expect: serviceOnly()
	},
	{
		fn: 'start_delivery',
		args: () => ({ p_delivery_id: randomUUID(), p_lease_token: randomUUID(), p_provider: 'x' }),
		expect: serviceOnly()
	},
	{
		fn: 'complete_delivery',
		args: () => ({ p_delivery_id: randomUUID(), p_lease_token: randomUUID(), p_outcome: 'sent' }),
		expect: serviceOnly()
	},
	{
		fn: 'forget_push_subscription',
		args: () => ({ p_subscription_id: randomUUID() }),
		expect: serviceOnly()
	},
	{ fn: 'birthday_candidates', args: () => ({}), expect: serviceOnly() },
	{
		fn: 'grant_birthday',
		args: () => ({ p_member_id: world.a.memberId, p_year: 1403 }),
		expect: serviceOnly()
	},
	{ fn: 'run_winback', args: () => ({ p_now: '2000-01-01T00:00:00Z' }), expect: serviceOnly() },
	{ fn: 'recompute_tiers', args: () => ({}), expect: serviceOnly() },
	{
		fn: 'retry_delivery',
		args: async () => {
			const row = await one(
				`update public.message_deliveries set status = 'unknown' where id = (
				   select d.id from public.message_deliveries d where d.program_id = $1 and d.channel = 'sms' order by d.status = 'unknown' desc limit 1)
				 returning id`,
				[world.x.id]
			);
			return { p_delivery_id: row.id };
		},
		expect: managersOr('VAFA_DELIVERY_NOT_FOUND')
	},
	{
		fn: 'launch_campaign',
		args: async () => ({
			p_campaign_id: (
				await one(
					`insert into public.campaigns (program_id, name, template, min_days_inactive) values ($1, 'L', 'greet', 3000) returning id`,
					[world.x.id]
				)
			).id
		}),
		expect: managersOr('VAFA_CAMPAIGN_NOT_FOUND')
	},
	{
		fn: 'campaign_report',
		args: () => ({ p_campaign_id: f.sentX }),
		expect: managersOr('VAFA_CAMPAIGN_NOT_FOUND')
	},
	{
		fn: 'segment_size',
		args: () => ({ p_program_id: world.x.id, p_min_days: 30 }),
		expect: { ...managersOr('VAFA_FORBIDDEN'), 'the cashier of X': 'VAFA_FORBIDDEN' }
	},
	{
		fn: 'set_message_preferences',
		args: () => ({ p_member_id: world.a.memberId, p_opted_out: ['push'] }),
		expect: {
			...everyone<Call>('VAFA_MEMBER_NOT_FOUND'),
			anon: 'no privilege',
			'customer A': 'allowed'
		}
	},
	{
		fn: 'my_unread_count',
		args: () => ({}),
		expect: { ...everyone<Call>('allowed'), anon: 'no privilege' }
	}
];

describe.each(functions)('$fn', (spec) => {
	for (const actor of ACTORS) {
		const outcome = spec.expect[actor];
		it(`${actor}: ${outcome}`, async () => {
			const { error } = await clientOf(world, actor).rpc(spec.fn, await spec.args());
			if (outcome === 'allowed') expect(error).toBeNull();
			else if (outcome === 'no privilege')
				expect(error).toMatchObject({
					code: '42501',
					message: expect.stringMatching(/^permission denied for function/)
				});
			else expect(error?.message).toBe(outcome);
		});
	}
});

describe('the messaging matrix', () => {
	it('covers every table issue 7’s messaging added', () => {
		expect(tables.map((t) => t.table).sort()).toEqual([...MESSAGING_TABLES].sort());
	});
});
