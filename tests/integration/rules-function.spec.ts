/** Publishing earning rules through POST /functions/v1/rules, as each kind of caller. */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidOf, session, waitsForLock } from './sessions';
import { createWorld, type World } from './world';

let world: World;
beforeAll(async () => {
	world = await createWorld();
});
afterAll(() => world.end());

const rules = { base: { points: 1, per: 100_000, rounding: 'floor' } };

/** Calls the function and returns the status and JSON body, errors included. */
async function publish(client: SupabaseClient, body: Record<string, unknown>) {
	const { data, error } = await client.functions.invoke('rules', { method: 'POST', body });
	if (!error) return { status: 201, body: data };
	const response = (error as { context?: Response }).context;
	if (!response) throw error;
	return { status: response.status, body: await response.json() };
}

async function versions(programId: string) {
	const { rows } = await world.db.query(
		'select version, rules, effective_from, created_by from public.earning_rules where program_id = $1 order by version',
		[programId]
	);
	return rows;
}

describe('the rules function', () => {
	it('lets a manager publish version 1 now and version 2 from a later date', async () => {
		const first = await publish(world.x.manager.client, { program: world.x.id, rules });
		expect(first).toMatchObject({ status: 201, body: { version: 1 } });
		expect(Math.abs(Date.parse(first.body.effective_from) - Date.now())).toBeLessThan(60_000);

		const later = new Date(Date.now() + 7 * 86_400_000).toISOString();
		const second = await publish(world.x.owner.client, {
			program: world.x.id,
			rules: {
				...rules,
				campaigns: [{ id: 'nowruz-1406', from: '2027-03-21', to: '2027-04-02', multiplier: 2 }]
			},
			effective_from: later
		});
		expect(second).toEqual({ status: 201, body: { version: 2, effective_from: later } });

		const stored = await versions(world.x.id);
		expect(stored.map((row) => [row.version, row.created_by])).toEqual([
			[1, world.x.manager.id],
			[2, world.x.owner.id]
		]);
		// Defaults are stored explicitly, so a later schema default cannot change an old version.
		expect(stored[0].rules).toEqual({ ...rules, tier_multiplier: true, campaigns: [] });
	});

	it('refuses a cashier with VAFA_FORBIDDEN and writes nothing', async () => {
		const before = await versions(world.x.id);
		const refused = await publish(world.x.cashier.client, { program: world.x.id, rules });
		expect(refused).toMatchObject({ status: 403, body: { code: 'VAFA_FORBIDDEN' } });
		expect(await versions(world.x.id)).toEqual(before);
	});

	it('refuses the owner of another club and a customer of this one', async () => {
		for (const client of [world.y.owner.client, world.a.client]) {
			const refused = await publish(client, { program: world.x.id, rules });
			expect(refused).toMatchObject({ status: 403, body: { code: 'VAFA_FORBIDDEN' } });
		}
	});

	it('refuses invalid rules with VAFA_RULES_INVALID and the path of every problem', async () => {
		const refused = await publish(world.x.manager.client, {
			program: world.x.id,
			rules: { base: { points: 1, per: 0 }, campaigns: [{ id: 'nothing' }], bonus: 5 }
		});
		expect(refused.status).toBe(400);
		expect(refused.body.code).toBe('VAFA_RULES_INVALID');
		expect(refused.body.message).toMatch(/not valid/);
		expect(refused.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
			'',
			'base.per',
			'campaigns.0'
		]);
	});

	it('refuses an effective_from in the past with VAFA_RULES_RETROACTIVE', async () => {
		const before = await versions(world.y.id);
		const refused = await publish(world.y.owner.client, {
			program: world.y.id,
			rules,
			effective_from: new Date(Date.now() - 3_600_000).toISOString()
		});
		expect(refused).toMatchObject({ status: 400, body: { code: 'VAFA_RULES_RETROACTIVE' } });
		expect(await versions(world.y.id)).toEqual(before);
	});

	it('refuses a body without a club id', async () => {
		const refused = await publish(world.x.manager.client, { rules });
		expect(refused).toMatchObject({ status: 400, body: { code: 'VAFA_BAD_REQUEST' } });
	});

	it('numbers concurrent publications in order, without a conflict', async () => {
		const before = (await versions(world.x.id)).length;
		const results = await Promise.all(
			[world.x.manager.client, world.x.owner.client, world.x.manager.client].map((client) =>
				publish(client, { program: world.x.id, rules })
			)
		);
		expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
		expect(results.map((r) => r.body.version).sort()).toEqual(
			[before + 1, before + 2, before + 3].sort()
		);
	});
});

describe('publish_earning_rules', () => {
	it('numbers two publications in turn: the second waits for the first and takes the next version', async () => {
		const [first, second] = await Promise.all([session(), session()]);
		const publishSql = 'select public.publish_earning_rules($1, $2, null, $3) as published';
		const args = [
			world.y.id,
			JSON.stringify({ base: { points: 1, per: 100_000 } }),
			world.y.owner.id
		];
		try {
			await first.query('begin');
			const one = (await first.query(publishSql, args)).rows[0].published;
			const pid = await pidOf(second);
			const two = second.query(publishSql, args);
			// Without the club's lock the second would read the same latest version and collide.
			await waitsForLock(world.db, pid);
			await first.query('commit');
			expect((await two).rows[0].published.version).toBe(one.version + 1);
		} finally {
			await first.query('rollback').catch(() => {});
			await Promise.all([first.end(), second.end()]);
		}
	});
});

describe('rules reach the database only through the function', () => {
	const row = () => ({
		program_id: world.x.id,
		version: 1000,
		// Not a rule set the checkout can read: exactly what the function refuses.
		rules: { base_rate: 5 },
		effective_from: new Date(Date.now() + 60_000).toISOString()
	});

	it('no API role may insert a version, valid or not', async () => {
		const before = await versions(world.x.id);
		const callers = [
			[world.anon, 'anon'],
			[world.a.client, 'a customer'],
			[world.x.cashier.client, 'the cashier'],
			[world.x.manager.client, 'the manager'],
			[world.x.owner.client, 'the owner'],
			[world.service, 'the service role']
		] as const;
		for (const [client, who] of callers) {
			const inserted = await client
				.from('earning_rules')
				.insert({ ...row(), created_by: who === 'the manager' ? world.x.manager.id : null });
			expect(inserted.error, who).toMatchObject({ code: '42501' });
		}
		expect(await versions(world.x.id)).toEqual(before);
	});

	it('publish_earning_rules is for the service role only, and only for a manager of the club', async () => {
		const before = await versions(world.x.id);
		const args = (actor: string, rules: unknown = { base: { points: 1, per: 100_000 } }) => ({
			p_program_id: world.x.id,
			p_rules: rules,
			p_effective_from: null,
			p_actor: actor
		});
		for (const client of [world.x.manager.client, world.x.owner.client, world.a.client]) {
			const called = await client.rpc('publish_earning_rules', args(world.x.manager.id));
			expect(called.error).toMatchObject({ code: '42501' });
		}
		for (const actor of [world.x.cashier.id, world.y.owner.id, world.a.id]) {
			const named = await world.service.rpc('publish_earning_rules', args(actor));
			expect(named.error).toMatchObject({ code: '42501', message: 'VAFA_FORBIDDEN' });
		}
		const notAnObject = await world.service.rpc(
			'publish_earning_rules',
			args(world.x.manager.id, [1, 2])
		);
		expect(notAnObject.error).toMatchObject({ code: '22023', message: 'VAFA_RULES_INVALID' });
		const retroactive = await world.service.rpc('publish_earning_rules', {
			...args(world.x.manager.id),
			p_effective_from: new Date(Date.now() - 86_400_000).toISOString()
		});
		expect(retroactive.error).toMatchObject({ code: '23514' });
		expect(await versions(world.x.id)).toEqual(before);
	});
});
