/**
 * The analytics figures (`src/lib/insights/analytics.ts` → `analytics_summary`, `analytics_series`,
 * `analytics_top_rewards`) equal an independent query written here against the base tables, on
 * seeded data: purchases in and around a month in the club's timezone (Tehran), a refund, new
 * members, redemptions, points paid at the till and manual adjustments.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analytics, buckets, type Period, type Summary } from '../../src/lib/insights/analytics';
import { createWorld, type World } from './world';

let world: World;
let manager: SupabaseClient;
const MARCH: Period = { from: '2026-03-01', to: '2026-03-31' };
let recent: Period;

/** The figures straight from the base tables, computed another way (visit gaps by lag()). */
async function independent(programId: string, period: Period): Promise<Summary> {
	const { rows } = await world.db.query(
		`with bounds as (
		   select ($2::date::timestamp at time zone 'Asia/Tehran') as lo,
		     (($3::date + 1)::timestamp at time zone 'Asia/Tehran') as hi),
		 visits as (
		   select p.member_id, p.amount - p.refunded_amount as net,
		     p.occurred_at - lag(p.occurred_at) over (partition by p.member_id order by p.occurred_at) as gap
		   from public.purchases p, bounds b
		   where p.program_id = $1 and p.occurred_at >= b.lo and p.occurred_at < b.hi),
		 per_member as (select member_id, count(*) as n from visits group by member_id),
		 entries as (
		   select e.kind, e.amount from public.ledger_entries e, bounds b
		   where e.program_id = $1 and e.account_kind = 'points' and e.created_at >= b.lo and e.created_at < b.hi)
		 select
		   (select count(*) from public.members m, bounds b where m.program_id = $1 and m.joined_at < b.hi)::int as members_total,
		   (select count(*) from public.members m, bounds b where m.program_id = $1 and m.joined_at >= b.lo and m.joined_at < b.hi)::int as members_new,
		   (select count(*) from per_member)::int as members_active,
		   (select count(*) from per_member where n > 1)::int as members_repeat,
		   (select count(*) from visits)::int as visits,
		   (select coalesce(sum(net), 0) from visits)::bigint as revenue,
		   (select round((extract(epoch from avg(gap)) / 86400)::numeric, 2) from visits where gap is not null) as avg_gap,
		   (select coalesce(sum(amount), 0) from entries where kind = 'earn' or (kind = 'adjust' and amount > 0))::bigint as issued,
		   (select coalesce(sum(-amount), 0) from entries where kind in ('redeem', 'spend'))::bigint as redeemed,
		   (select coalesce(sum(-amount), 0) from entries where kind = 'expire')::bigint as expired,
		   (select coalesce(sum(balance), 0) from public.accounts where program_id = $1 and kind = 'points')::bigint as outstanding,
		   (select coalesce(sum(balance), 0) from public.accounts where program_id = $1 and kind = 'wallet')::bigint as wallet`,
		[programId, period.from, period.to]
	);
	const r = rows[0];
	const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);
	return {
		from: period.from,
		to: period.to,
		members_total: r.members_total,
		members_new: r.members_new,
		members_active: r.members_active,
		members_repeat: r.members_repeat,
		repeat_rate: ratio(r.members_repeat, r.members_active),
		visits: r.visits,
		avg_days_between_visits: r.avg_gap === null ? null : Number(r.avg_gap),
		revenue: Number(r.revenue),
		points_issued: Number(r.issued),
		points_redeemed: Number(r.redeemed),
		points_expired: Number(r.expired),
		redemption_rate: ratio(Number(r.redeemed), Number(r.issued)),
		points_outstanding: Number(r.outstanding),
		wallet_outstanding: Number(r.wallet)
	};
}

beforeAll(async () => {
	world = await createWorld();
	manager = world.x.manager.client;
	const at = (iso: string) => ({ now: new Date(iso) });
	// Tehran is UTC+03:30: 21:00Z on the last day of February is 00:30 on 1 March there.
	await world.earn(world.a.memberId, 10, { ...at('2026-02-15T10:00:00Z'), amount: 50_000 });
	await world.earn(world.a.memberId, 20, { ...at('2026-02-28T21:00:00Z'), amount: 120_000 });
	await world.earn(world.a.memberId, 30, { ...at('2026-03-10T09:00:00Z'), amount: 70_000 });
	await world.earn(world.a.memberId, 40, { ...at('2026-03-20T15:30:00Z'), amount: 90_000 });
	await world.earn(world.a.memberId, 50, { ...at('2026-03-31T21:00:00Z'), amount: 200_000 });
	const refunded = await world.earn(world.b.memberId, 60, {
		...at('2026-03-05T12:00:00Z'),
		amount: 300_000
	});
	await world.db.query(`select public.refund_purchase($1, 100000, $2, '2026-03-06T12:00:00Z')`, [
		refunded,
		world.key()
	]);
	const { rows } = await world.db.query(
		`with u as (
		   insert into auth.users (instance_id, id, aud, role, phone, created_at, updated_at)
		   select '00000000-0000-0000-0000-000000000000', gen_random_uuid(), 'authenticated', 'authenticated',
		     '98937' || lpad(floor(random() * 9000000 + 1000000)::text, 7, '0'), now(), now()
		   from generate_series(1, 2) returning id)
		 insert into public.members (program_id, user_id, member_number, joined_at)
		 select $1, u.id, 100 + row_number() over (), t
		 from (select id, row_number() over () as k from u) u
		 join (values (1, timestamptz '2026-03-02T20:31:00Z'), (2, timestamptz '2026-03-25T08:00:00Z')) j(k, t) using (k)
		 returning id, joined_at`,
		[world.x.id]
	);
	const c = rows.find((r) => r.joined_at.toISOString().startsWith('2026-03-02')).id;
	await world.earn(c, 5, { ...at('2026-03-03T08:00:00Z'), amount: 25_000 });
	await world.earn(c, 5, { ...at('2026-03-04T08:00:00Z'), amount: 25_000 });

	// Recent activity, at today's clock: redemptions, points paid at the till, adjustments.
	const rewards = await world.db.query(
		`insert into public.rewards (program_id, name, points_cost) values ($1, 'Coffee', 10), ($1, 'Cake', 25)
		 returning id, name`,
		[world.x.id]
	);
	const reward = (name: string) => rewards.rows.find((r) => r.name === name).id;
	await world.earn(world.b.memberId, 200);
	for (const [client, name] of [
		[world.a.client, 'Coffee'],
		[world.a.client, 'Coffee'],
		[world.b.client, 'Cake']
	] as const) {
		const { error } = await client.rpc('redeem_reward', {
			p_reward_id: reward(name),
			p_idempotency_key: world.key()
		});
		if (error) throw error;
	}
	for (const [amount, reason] of [
		[100, 'goodwill'],
		[-10, 'correction']
	] as const) {
		const { error } = await manager.rpc('adjust_balance', {
			p_member_id: world.a.memberId,
			p_amount: amount,
			p_reason: reason,
			p_idempotency_key: world.key()
		});
		if (error) throw error;
	}
	const { error } = await world.x.cashier.client.rpc('pay_with_points', {
		p_member_id: world.b.memberId,
		p_points: 7,
		p_idempotency_key: world.key()
	});
	if (error) throw error;
	const today = new Date().toISOString().slice(0, 10);
	recent = { from: '2026-04-01', to: today };
});

afterAll(() => world.end());

describe('the summary', () => {
	it('equals the independent query for a past month in the club’s timezone', async () => {
		const summary = await analytics.summary(manager, world.x.id, MARCH);
		expect(summary).toEqual(await independent(world.x.id, MARCH));
		// The arranged data, spelled out: A visits 1, 10 and 20 March; B once; C twice.
		expect(summary).toMatchObject({
			members_new: 2,
			members_active: 3,
			members_repeat: 2,
			visits: 6,
			revenue: 120_000 + 70_000 + 90_000 + 200_000 + 50_000,
			points_issued: 20 + 30 + 40 + 60 + 10
		});
	});

	it('equals the independent query for a period with redemptions, payments and adjustments', async () => {
		const summary = await analytics.summary(manager, world.x.id, recent);
		expect(summary).toEqual(await independent(world.x.id, recent));
		expect(summary).toMatchObject({ points_redeemed: 10 + 10 + 25 + 7 });
		expect(summary.redemption_rate).toBeGreaterThan(0);
	});

	it('counts nothing of another club', async () => {
		const y = await analytics.summary(world.y.owner.client, world.y.id, recent);
		expect(y).toEqual(await independent(world.y.id, recent));
		expect(y).toMatchObject({ visits: 0, points_issued: 0, members_total: 1 });
	});

	it('refuses an impossible period and the cashier', async () => {
		await expect(
			analytics.summary(manager, world.x.id, { from: '2026-03-31', to: '2026-03-01' })
		).rejects.toMatchObject({ message: 'VAFA_INVALID_PERIOD' });
		await expect(
			analytics.summary(world.x.cashier.client, world.x.id, MARCH)
		).rejects.toMatchObject({ message: 'VAFA_FORBIDDEN' });
	});
});

describe('the series', () => {
	it('has one row per day of the period, adding up to the summary', async () => {
		const rows = await analytics.series(manager, world.x.id, MARCH);
		expect(rows).toHaveLength(31);
		expect(rows[0]).toEqual(['2026-03-01', 0, 1, 120_000, 20, 0]);
		const total = (i: number) => rows.reduce((sum, row) => sum + Number(row[i]), 0);
		const summary = await independent(world.x.id, MARCH);
		expect([total(1), total(2), total(3), total(4), total(5)]).toEqual([
			summary.members_new,
			summary.visits,
			summary.revenue,
			summary.points_issued,
			summary.points_redeemed
		]);
	});

	it('groups a long period by month of the Jalali calendar in Persian', async () => {
		const rows = await analytics.series(manager, world.x.id, {
			from: '2026-02-01',
			to: '2026-04-30'
		});
		const jalali = buckets(rows, 'persian');
		expect(jalali.unit).toBe('month');
		// Esfand 1404 starts on 20 February 2026 and Farvardin 1405 on 21 March.
		expect(jalali.buckets.map((b) => b.start)).toEqual([
			'2026-02-01',
			'2026-02-20',
			'2026-03-21',
			'2026-04-21'
		]);
		expect(jalali.buckets.map((b) => b.visits)).toEqual([1, 6, 1, 0]);
		expect(buckets(rows, 'gregory').buckets.map((b) => b.visits)).toEqual([1, 6, 1]);
	});
});

describe('with the nightly rollup', () => {
	it('gives the same figures from the rollup as live, and a later refund still counts', async () => {
		const live = {
			march: await analytics.summary(manager, world.x.id, MARCH),
			recent: await analytics.summary(manager, world.x.id, recent),
			series: await analytics.series(manager, world.x.id, { from: '2026-02-01', to: recent.to })
		};
		// Rolled up to 13 April: March comes from the rollup, April half from it and half live.
		const { rows } = await world.db.query(
			`select public.refresh_analytics($1, '2026-04-15T12:00:00Z') as r`,
			[world.x.id]
		);
		expect(rows[0].r).toMatchObject({ clubs: 1 });
		const { rows: days } = await world.db.query(
			`select count(*)::int as n, max(day)::text as last from private.analytics_days where program_id = $1`,
			[world.x.id]
		);
		expect(days[0]).toEqual({ n: expect.any(Number), last: '2026-04-01' });
		expect(await analytics.summary(manager, world.x.id, MARCH)).toEqual(live.march);
		expect(await analytics.summary(manager, world.x.id, recent)).toEqual(live.recent);
		expect(
			await analytics.series(manager, world.x.id, { from: '2026-02-01', to: recent.to })
		).toEqual(live.series);
		// Running it again adds nothing; a refund of a March purchase after the rollup still counts.
		await world.db.query(`select public.refresh_analytics($1, '2026-04-15T12:00:00Z')`, [
			world.x.id
		]);
		const { rows: purchase } = await world.db.query(
			`select id from public.purchases where member_id = $1 and occurred_at = '2026-03-10T09:00:00Z'`,
			[world.a.memberId]
		);
		await world.db.query(`select public.refund_purchase($1, 7000, $2)`, [
			purchase[0].id,
			world.key()
		]);
		const after = await analytics.summary(manager, world.x.id, MARCH);
		expect(after.revenue).toBe(live.march.revenue - 7000);
		expect(after).toEqual(await independent(world.x.id, MARCH));
		expect(await analytics.summary(manager, world.x.id, recent)).toEqual(
			await independent(world.x.id, recent)
		);
	});
});

describe('the top rewards', () => {
	it('ranks the rewards redeemed in the period', async () => {
		expect(await analytics.topRewards(manager, world.x.id, recent)).toEqual([
			expect.objectContaining({ name: 'Coffee', redemptions: 2, points: 20 }),
			expect.objectContaining({ name: 'Cake', redemptions: 1, points: 25 })
		]);
		expect(await analytics.topRewards(manager, world.x.id, MARCH)).toEqual([]);
	});
});
