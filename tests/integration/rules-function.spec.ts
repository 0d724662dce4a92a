/** Publishing earning rules through POST /functions/v1/rules, as each kind of caller. */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
