/**
 * The catalogue side of the admin desk (issue 6): managers and owners create, edit, deactivate and
 * reactivate rewards and edit tiers under RLS, each edit in the audit log with who did it; earning
 * rules only ever gain versions, which nobody (not even the service role) rewrites.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidOf, session, waitsForLock } from './sessions';
import { createWorld, type World } from './world';

let world: World;
let firstRule: { id: string; version: number };

beforeAll(async () => {
	world = await createWorld();
	const version = await world.setRules({ base: { points: 1, per: 100_000 } });
	const { rows } = await world.db.query(
		'select id from public.earning_rules where program_id = $1 and version = $2',
		[world.x.id, version]
	);
	firstRule = { id: rows[0].id, version };
});
afterAll(() => world.end());

async function auditOf(targetId: string) {
	const { rows } = await world.db.query(
		`select action, actor, details ->> 'name' as name, (details ->> 'active')::boolean as active
		 from public.audit_log where target_table = 'rewards' and target_id = $1 order by id`,
		[targetId]
	);
	return rows;
}

async function catalogueNames(client = world.a.client, memberId = world.a.memberId) {
	const { data, error } = await client.rpc('catalogue', { p_member_id: memberId });
	if (error) throw error;
	return (data as { name: string }[]).map((r) => r.name);
}

describe('rewards', () => {
	it('a manager creates, edits, deactivates and reactivates a reward; each step is audited with who', async () => {
		const created = await world.x.manager.client
			.from('rewards')
			.insert({
				program_id: world.x.id,
				name: 'Tea',
				description: 'A pot of tea',
				image_url: 'https://example.com/tea.png',
				points_cost: 40,
				min_tier_rank: 0,
				stock: 5,
				per_member_limit: 2
			})
			.select('id')
			.single();
		expect(created.error).toBeNull();
		const id = created.data!.id as string;
		expect(await catalogueNames()).toContain('Tea');

		const edited = await world.x.owner.client
			.from('rewards')
			.update({ name: 'Green tea', points_cost: 45 })
			.eq('id', id)
			.select('name');
		expect(edited.data).toEqual([{ name: 'Green tea' }]);
		await world.x.manager.client.from('rewards').update({ active: false }).eq('id', id);
		expect(await catalogueNames()).not.toContain('Green tea');
		await world.x.manager.client.from('rewards').update({ active: true }).eq('id', id);
		expect(await catalogueNames()).toContain('Green tea');

		expect(await auditOf(id)).toEqual([
			{ action: 'insert', actor: world.x.manager.id, name: 'Tea', active: true },
			{ action: 'update', actor: world.x.owner.id, name: 'Green tea', active: true },
			{ action: 'update', actor: world.x.manager.id, name: 'Green tea', active: false },
			{ action: 'update', actor: world.x.manager.id, name: 'Green tea', active: true }
		]);
	});

	it('shows a reward only inside its validity window', async () => {
		const { rows } = await world.db.query(
			`insert into public.rewards (program_id, name, points_cost, valid_from, valid_until) values
			 ($1, 'Later', 10, now() + interval '1 day', null), ($1, 'Over', 10, null, now() - interval '1 second'),
			 ($1, 'Now', 10, now() - interval '1 day', now() + interval '1 day') returning id`,
			[world.x.id]
		);
		expect(rows).toHaveLength(3);
		const names = await catalogueNames();
		expect(names).toContain('Now');
		expect(names).not.toContain('Later');
		expect(names).not.toContain('Over');
	});

	it('refuses a cashier, a customer and another club’s owner, and an invalid reward, changing nothing', async () => {
		const { rows } = await world.db.query(
			`insert into public.rewards (program_id, name, points_cost) values ($1, 'Cake', 100) returning id`,
			[world.x.id]
		);
		const id = rows[0].id as string;
		for (const client of [world.x.cashier.client, world.a.client, world.y.owner.client]) {
			const update = await client
				.from('rewards')
				.update({ points_cost: 1 })
				.eq('id', id)
				.select('id');
			expect(update.data ?? []).toEqual([]);
			const insert = await client
				.from('rewards')
				.insert({ program_id: world.x.id, name: 'Free', points_cost: 1 })
				.select('id');
			expect(insert.error).toMatchObject({ code: '42501' });
		}
		const invalid = await world.x.manager.client
			.from('rewards')
			.update({ image_url: 'javascript:alert(1)', points_cost: 0 })
			.eq('id', id)
			.select('id');
		expect(invalid.error).toMatchObject({ code: '23514' });
		const after = await world.db.query(
			'select points_cost, image_url from public.rewards where id = $1',
			[id]
		);
		expect(after.rows).toEqual([{ points_cost: '100', image_url: null }]);
		expect(await auditOf(id)).toEqual([]);
	});
});

describe('tiers', () => {
	it('a manager edits a tier’s threshold, window, multiplier, benefits and grace; it is audited', async () => {
		const { error } = await world.x.manager.client
			.from('tiers')
			.update({
				threshold: 600,
				window_days: 180,
				multiplier: 1.3,
				benefits: ['Free refill'],
				downgrade_grace_days: 45
			})
			.eq('id', world.x.tiers.silver);
		expect(error).toBeNull();
		const { rows } = await world.db.query(
			`select action, actor, details ->> 'threshold' as threshold from public.audit_log
			 where target_table = 'tiers' and target_id = $1`,
			[world.x.tiers.silver]
		);
		expect(rows).toEqual([{ action: 'update', actor: world.x.manager.id, threshold: '600' }]);
	});

	it('keeps the base tier at zero points and refuses a cashier', async () => {
		const base = await world.x.owner.client
			.from('tiers')
			.update({ threshold: 10 })
			.eq('id', world.x.tiers.bronze);
		expect(base.error).toMatchObject({ code: '23514' });
		const cashier = await world.x.cashier.client
			.from('tiers')
			.update({ multiplier: 5 })
			.eq('id', world.x.tiers.gold)
			.select('id');
		expect(cashier.data).toEqual([]);
		const { rows } = await world.db.query(
			'select threshold, multiplier from public.tiers where id = any($1)',
			[[world.x.tiers.bronze, world.x.tiers.gold]]
		);
		expect(rows).toEqual(
			expect.arrayContaining([
				{ threshold: '0', multiplier: '1.00' },
				{ threshold: '2000', multiplier: '1.50' }
			])
		);
	});
});

describe('tiers climb', () => {
	const thresholds = async () =>
		(
			await world.db.query(
				'select rank, threshold::int from public.tiers where program_id = $1 order by rank',
				[world.x.id]
			)
		).rows;

	it('refuses a level at or below the one beneath it, or at or above the one over it, with VAFA_TIER_ORDER', async () => {
		const before = await thresholds();
		const silver = before.find((t) => t.rank === 1).threshold;
		const gold = before.find((t) => t.rank === 2).threshold;
		for (const [id, threshold] of [
			[world.x.tiers.gold, silver],
			[world.x.tiers.gold, silver - 1],
			[world.x.tiers.silver, gold]
		] as const) {
			const { error } = await world.x.manager.client
				.from('tiers')
				.update({ threshold })
				.eq('id', id);
			expect(error).toMatchObject({ code: '23514', message: 'VAFA_TIER_ORDER' });
			expect(error?.details).toMatch(/needs more points than level/);
		}
		const added = await world.x.owner.client
			.from('tiers')
			.insert({ program_id: world.x.id, rank: 3, name: 'Platinum', threshold: gold });
		expect(added.error).toMatchObject({ code: '23514', message: 'VAFA_TIER_ORDER' });
		expect(await thresholds()).toEqual(before);
	});

	it('two saves that would cross are taken in turn: the second waits for the first and is refused', async () => {
		const before = await thresholds();
		const silver = before.find((t) => t.rank === 1).threshold;
		const gold = before.find((t) => t.rank === 2).threshold;
		const [first, second] = await Promise.all([session(), session()]);
		try {
			// Each is fine alone (silver up to just below gold, gold down to just above silver).
			await first.query('begin');
			await first.query('update public.tiers set threshold = $2 where id = $1', [
				world.x.tiers.silver,
				gold - 1
			]);
			const pid = await pidOf(second);
			const crossing = second
				.query('update public.tiers set threshold = $2 where id = $1', [
					world.x.tiers.gold,
					silver + 1
				])
				.then(
					() => null,
					(error: Error) => error
				);
			// Without the club's lock the second check would not see the first save and pass.
			await waitsForLock(world.db, pid);
			await first.query('commit');
			expect(await crossing).toMatchObject({ message: 'VAFA_TIER_ORDER' });
			const after = await thresholds();
			expect(after[1].threshold).toBeLessThan(after[2].threshold);
		} finally {
			await first.query('rollback').catch(() => {});
			await Promise.all([first.end(), second.end()]);
			// Put back whichever moved, lowest first so that each step keeps the order.
			await world.db.query('update public.tiers set threshold = $2 where id = $1', [
				world.x.tiers.silver,
				silver
			]);
			await world.db.query('update public.tiers set threshold = $2 where id = $1', [
				world.x.tiers.gold,
				gold
			]);
		}
	});
});

describe('earning rule versions are never rewritten', () => {
	async function stored() {
		const { rows } = await world.db.query(
			'select version, rules, effective_from from public.earning_rules where id = $1',
			[firstRule.id]
		);
		return rows[0];
	}

	it.each(['manager', 'owner'] as const)(
		'the %s of X can neither update nor delete a version',
		async (who) => {
			const client = world.x[who].client;
			const before = await stored();
			const update = await client
				.from('earning_rules')
				.update({ rules: { base: { points: 100, per: 1 } } })
				.eq('id', firstRule.id)
				.select('id');
			expect(update.error).toMatchObject({ code: '42501' });
			const remove = await client
				.from('earning_rules')
				.delete()
				.eq('id', firstRule.id)
				.select('id');
			expect(remove.error).toMatchObject({ code: '42501' });
			expect(await stored()).toEqual(before);
		}
	);

	it('not even the service role may, through the API or in SQL', async () => {
		const before = await stored();
		const update = await world.service
			.from('earning_rules')
			.update({ effective_from: new Date().toISOString() })
			.eq('id', firstRule.id)
			.select('id');
		expect(update.error).toMatchObject({ code: '42501' });
		await world.db.query('begin');
		try {
			await world.db.query('set local role service_role');
			await expect(
				world.db.query('delete from public.earning_rules where id = $1', [firstRule.id])
			).rejects.toMatchObject({ code: '42501' });
		} finally {
			await world.db.query('rollback');
		}
		expect(await stored()).toEqual(before);
	});

	it('a new version is published through the rules function, never inserted, and names who saved it', async () => {
		// Direct inserts are refused whatever they say (rules-function.spec covers every role):
		// neither a date in the past nor another author gets in.
		for (const [effective, author] of [
			[new Date(Date.now() - 86_400_000), world.x.manager.id],
			[new Date(), world.x.owner.id]
		] as const) {
			const inserted = await world.x.manager.client.from('earning_rules').insert({
				program_id: world.x.id,
				version: firstRule.version + 1,
				rules: { base: { points: 2, per: 100_000 } },
				effective_from: effective.toISOString(),
				created_by: author
			});
			expect(inserted.error).toMatchObject({ code: '42501' });
		}

		const published = await world.x.manager.client.functions.invoke('rules', {
			method: 'POST',
			body: {
				program: world.x.id,
				rules: { base: { points: 2, per: 100_000 } },
				effective_from: new Date(Date.now() + 3_600_000).toISOString()
			}
		});
		expect(published.error).toBeNull();
		expect(published.data.version).toBe(firstRule.version + 1);
		const { rows } = await world.db.query(
			`select version, created_by, effective_from > now() as scheduled from public.earning_rules
			 where program_id = $1 order by version`,
			[world.x.id]
		);
		expect(rows).toEqual([
			{ version: firstRule.version, created_by: null, scheduled: false },
			{ version: firstRule.version + 1, created_by: world.x.manager.id, scheduled: true }
		]);
		const audit = await world.db.query(
			`select actor from public.audit_log where target_table = 'earning_rules' and program_id = $1`,
			[world.x.id]
		);
		expect(audit.rows).toEqual([{ actor: world.x.manager.id }]);
	});
});
