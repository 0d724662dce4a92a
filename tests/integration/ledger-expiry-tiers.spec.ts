import { describe, expect, it } from 'vitest';
import {
	addReward,
	balance,
	DAY,
	entries,
	expectCode,
	newCustomer,
	ok,
	snapshot,
	useWorld
} from './ledger-helpers';
import { session } from './sessions';

const world = useWorld();

/** A fixed point well in the past, so every "later" the tests name is still before today. */
const T = new Date(Date.now() - 1500 * DAY);
const at = (days: number) => new Date(T.getTime() + days * DAY);

function expire(days: number) {
	return world().service.rpc('expire_points', {
		p_program_id: world().x.id,
		p_now: at(days).toISOString()
	});
}

function recompute(memberId: string, days: number) {
	return world().service.rpc('recompute_tier', {
		p_member_id: memberId,
		p_now: at(days).toISOString()
	});
}

describe('points expiry', () => {
	it('expires the oldest lot first, only what is left of it, and a second run does nothing', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 100, { now: at(0) });
		await w.earn(c.memberId, 50, { now: at(100) });
		ok(
			await w.service.rpc('pay_with_points', {
				p_member_id: c.memberId,
				p_points: 30,
				p_idempotency_key: w.key(),
				p_now: at(200).toISOString()
			})
		);

		expect(ok(await expire(364))).toMatchObject({ lots_expired: 0, points_expired: 0 });
		expect(ok(await expire(366))).toMatchObject({ lots_expired: 1, points_expired: 70 });
		expect(await balance(w, c.memberId, 'points')).toBe(50);
		const expired = (await entries(w, c.memberId)).filter((e) => e.kind === 'expire');
		expect(expired).toEqual([
			expect.objectContaining({ amount: -70, balance_after: 50, reason_key: 'points.expired' })
		]);

		const before = await snapshot(w);
		expect(ok(await expire(366))).toMatchObject({ lots_expired: 0, points_expired: 0 });
		expect(ok(await expire(400))).toMatchObject({ lots_expired: 0, points_expired: 0 });
		expect(await snapshot(w)).toEqual(before);

		expect(ok(await expire(466))).toMatchObject({ lots_expired: 1, points_expired: 50 });
		expect(await balance(w, c.memberId, 'points')).toBe(0);
	});

	it('expires only the lot that is due when a newer lot is still fresh', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 40, { now: at(10) });
		await w.earn(c.memberId, 60, { now: at(300) });

		expect(ok(await expire(380))).toMatchObject({ lots_expired: 1, points_expired: 40 });
		expect(await balance(w, c.memberId, 'points')).toBe(60);
		const { rows } = await w.db.query(
			`select l.amount::int, l.remaining::int from public.points_lots l
			 join public.accounts a on a.id = l.account_id where a.member_id = $1 order by l.id`,
			[c.memberId]
		);
		expect(rows).toEqual([
			{ amount: 40, remaining: 0 },
			{ amount: 60, remaining: 60 }
		]);
	});

	it('lets points given by hand or returned by a refund expire like earned ones', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 100, { now: at(0) });
		const purchaseId = await w.earn(c.memberId, 0, { now: at(1), amount: 1_000 });
		ok(
			await w.service.rpc('pay_with_points', {
				p_member_id: c.memberId,
				p_points: 100,
				p_purchase_id: purchaseId,
				p_idempotency_key: w.key(),
				p_now: at(1).toISOString()
			})
		);
		ok(
			await w.service.rpc('refund_purchase', {
				p_purchase_id: purchaseId,
				p_amount: 1_000,
				p_idempotency_key: w.key(),
				p_now: at(10).toISOString()
			})
		);
		ok(
			await w.service.rpc('adjust_balance', {
				p_member_id: c.memberId,
				p_amount: 30,
				p_reason: 'apology for a cold coffee',
				p_idempotency_key: w.key(),
				p_now: at(20).toISOString()
			})
		);
		expect(await balance(w, c.memberId, 'points')).toBe(130);
		expect(ok(await expire(374))).toMatchObject({ points_expired: 0 });
		expect(ok(await expire(376))).toMatchObject({ points_expired: 100 });
		expect(ok(await expire(386))).toMatchObject({ points_expired: 30 });
		expect(await balance(w, c.memberId, 'points')).toBe(0);
	});

	it('marks unused redemption codes past their date as expired', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 50);
		const rewardId = await addReward(w, { points_cost: 10, redemption_valid_days: 7 });
		const redemption = ok(
			await c.client.rpc('redeem_reward', { p_reward_id: rewardId, p_idempotency_key: w.key() })
		);

		const result = ok(
			await w.service.rpc('expire_points', {
				p_program_id: w.x.id,
				p_now: new Date(Date.now() + 8 * DAY).toISOString()
			})
		);

		expect(result.codes_expired).toBe(1);
		const { rows } = await w.db.query('select status from public.redemptions where id = $1', [
			redemption.redemption_id
		]);
		expect(rows[0].status).toBe('expired');
	});

	it('may not be run by customers or staff', async () => {
		const w = world();
		for (const client of [w.a.client, w.x.owner.client]) {
			const result = await client.rpc('expire_points', { p_program_id: w.x.id });
			expect(result.error?.code).toBe('42501');
		}
	});
});

describe('tiers', () => {
	it('goes up at once when the threshold is reached within the window', async () => {
		const w = world();
		const c = await newCustomer(w);
		const { rows: first } = await w.db.query(
			`select public.record_purchase($1, $2, 49900, '[{"points": 499, "reason_key": "rule.base"}]', $3,
			   p_now => $4) as r`,
			[w.x.id, c.memberId, w.key(), at(0)]
		);
		expect(first[0].r.tier).toMatchObject({ before: 0, after: 0 });
		const { rows: second } = await w.db.query(
			`select public.record_purchase($1, $2, 100, '[{"points": 1, "reason_key": "rule.base"}]', $3,
			   p_now => $4) as r`,
			[w.x.id, c.memberId, w.key(), at(1)]
		);
		expect(second[0].r.tier).toMatchObject({ before: 0, after: 1 });
	});

	it('does not count points earned outside the window', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 300, { now: at(0) });
		await w.earn(c.memberId, 300, { now: at(91) });
		expect(ok(await recompute(c.memberId, 91))).toMatchObject({ after: 0 });
	});

	it('goes down only after the grace, and a member who earns again in the grace keeps the tier', async () => {
		const w = world();
		const [c, d] = await Promise.all([newCustomer(w), newCustomer(w)]);
		for (const member of [c, d]) await w.earn(member.memberId, 500, { now: at(1) });

		expect(ok(await recompute(c.memberId, 90))).toMatchObject({ after: 1, grace_until: null });
		const lapsed = ok(await recompute(c.memberId, 91));
		expect(lapsed).toMatchObject({ before: 1, after: 1 });
		expect(new Date(lapsed.grace_until)).toEqual(at(121));
		expect(ok(await recompute(c.memberId, 120))).toMatchObject({ after: 1 });
		expect(ok(await recompute(c.memberId, 121))).toMatchObject({
			before: 1,
			after: 0,
			grace_until: null
		});

		expect(ok(await recompute(d.memberId, 91))).toMatchObject({ after: 1 });
		await w.earn(d.memberId, 500, { now: at(100) });
		expect(ok(await recompute(d.memberId, 125))).toMatchObject({ after: 1, grace_until: null });
	});

	it('lets staff recompute tiers of their club only, and customers not at all', async () => {
		const w = world();
		expectCode(
			await w.a.client.rpc('recompute_tier', { p_member_id: w.a.memberId }),
			'VAFA_FORBIDDEN'
		);
		expectCode(
			await w.y.owner.client.rpc('recompute_tier', { p_member_id: w.a.memberId }),
			'VAFA_FORBIDDEN'
		);
		ok(await w.x.cashier.client.rpc('recompute_tier', { p_member_id: w.a.memberId }));
	});

	it('ignores the clock a customer or cashier names', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 600);
		const result = ok(
			await w.x.cashier.client.rpc('recompute_tier', {
				p_member_id: c.memberId,
				p_now: new Date(Date.now() + 1000 * DAY).toISOString()
			})
		);
		expect(result).toMatchObject({ after: 1, grace_until: null });
	});

	it('the nightly job puts a member with a stale tier right, and passes over the others without locking them', async () => {
		const w = world();
		const [stale, untouched] = await Promise.all([newCustomer(w), newCustomer(w)]);
		await w.earn(stale.memberId, 600);
		// A tier left behind (as after a missed run): silver by points, bronze on the row.
		await w.db.query('update public.members set tier_id = $2 where id = $1', [
			stale.memberId,
			w.x.tiers.bronze
		]);
		const [holder, job] = await Promise.all([session(), session()]);
		try {
			// A checkout of `untouched` holds its row; the job must not wait for it.
			await holder.query('begin');
			await holder.query('select 1 from public.members where id = $1 for update', [
				untouched.memberId
			]);
			await job.query("set statement_timeout = '10s'");
			const { rows } = await job.query('select public.recompute_tiers() as r');
			expect(rows[0].r.changed).toBeGreaterThanOrEqual(1);
		} finally {
			await holder.query('rollback').catch(() => {});
			await Promise.all([holder.end(), job.end()]);
		}
		const { rows } = await w.db.query(
			'select t.rank from public.members m join public.tiers t on t.id = m.tier_id where m.id = $1',
			[stale.memberId]
		);
		expect(rows).toEqual([{ rank: 1 }]);
	});
});
