import { describe, expect, it } from 'vitest';
import { addReward, balance, entries, newCustomer, ok, useWorld } from './ledger-helpers';

const world = useWorld();

describe('the ledger under concurrent calls', () => {
	it('lets exactly 10 of 50 concurrent redemptions of a reward with stock 10 through', async () => {
		const w = world();
		const [c1, c2] = await Promise.all([newCustomer(w), newCustomer(w)]);
		await Promise.all([w.earn(c1.memberId, 1000), w.earn(c2.memberId, 1000)]);
		const rewardId = await addReward(w, { points_cost: 10, stock: 10 });

		const results = await Promise.all(
			Array.from({ length: 50 }, (_, i) =>
				(i % 2 ? c1 : c2).client.rpc('redeem_reward', {
					p_reward_id: rewardId,
					p_idempotency_key: w.key()
				})
			)
		);

		const succeeded = results.filter((r) => r.error === null);
		expect(succeeded).toHaveLength(10);
		expect(new Set(succeeded.map((r) => r.data.code)).size).toBe(10);
		expect(
			results.filter((r) => r.error).map((r) => r.error?.message),
			'every refusal says out of stock'
		).toEqual(Array(40).fill('VAFA_REWARD_OUT_OF_STOCK'));
		const { rows } = await w.db.query(
			`select (select stock from public.rewards where id = $1) as stock,
			        (select count(*)::int from public.redemptions where reward_id = $1) as redemptions`,
			[rewardId]
		);
		expect(rows[0]).toEqual({ stock: 0, redemptions: 10 });
		const spent =
			2000 - (await balance(w, c1.memberId, 'points')) - (await balance(w, c2.memberId, 'points'));
		expect(spent).toBe(100);
	});

	it('lets exactly 10 of 40 concurrent wallet spends of 10 against 100 through, never below 0', async () => {
		const w = world();
		const c = await newCustomer(w);
		ok(
			await w.x.cashier.client.rpc('wallet_topup', {
				p_member_id: c.memberId,
				p_amount: 100,
				p_idempotency_key: w.key()
			})
		);

		const results = await Promise.all(
			Array.from({ length: 40 }, () =>
				w.x.cashier.client.rpc('wallet_spend', {
					p_member_id: c.memberId,
					p_amount: 10,
					p_idempotency_key: w.key()
				})
			)
		);

		expect(results.filter((r) => r.error === null)).toHaveLength(10);
		expect(results.filter((r) => r.error).map((r) => r.error?.message)).toEqual(
			Array(30).fill('VAFA_INSUFFICIENT_FUNDS')
		);
		expect(await balance(w, c.memberId, 'wallet')).toBe(0);
		const spends = (await entries(w, c.memberId)).filter((e) => e.kind === 'spend');
		expect(spends.map((e) => e.balance_after)).toEqual([90, 80, 70, 60, 50, 40, 30, 20, 10, 0]);
	});

	it('performs one idempotency key sent 20 times at once exactly once, answering each alike', async () => {
		const w = world();
		const c = await newCustomer(w);
		const key = w.key();

		const results = await Promise.all(
			Array.from({ length: 20 }, () =>
				w.x.cashier.client.rpc('wallet_topup', {
					p_member_id: c.memberId,
					p_amount: 250,
					p_idempotency_key: key
				})
			)
		);

		const first = ok(results[0]);
		for (const result of results) expect(ok(result)).toEqual(first);
		expect(first.balances.wallet).toBe(250);
		expect(await balance(w, c.memberId, 'wallet')).toBe(250);
		expect(await entries(w, c.memberId)).toHaveLength(1);
		const { rows } = await w.db.query(
			'select count(*)::int as n from public.operations where program_id = $1 and idempotency_key = $2',
			[w.x.id, key]
		);
		expect(rows[0].n).toBe(1);
	});

	it('redeems once when a customer’s app retries one key 20 times at once', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 100);
		const rewardId = await addReward(w, { points_cost: 30, stock: 5 });
		const key = w.key();

		const results = await Promise.all(
			Array.from({ length: 20 }, () =>
				c.client.rpc('redeem_reward', { p_reward_id: rewardId, p_idempotency_key: key })
			)
		);

		const first = ok(results[0]);
		for (const result of results) expect(ok(result)).toEqual(first);
		expect(await balance(w, c.memberId, 'points')).toBe(70);
		const { rows } = await w.db.query(
			`select (select stock from public.rewards where id = $1) as stock,
			        (select count(*)::int from public.redemptions where reward_id = $1) as redemptions`,
			[rewardId]
		);
		expect(rows[0]).toEqual({ stock: 4, redemptions: 1 });
	});

	it('refunds a purchase at most in full when refunds race', async () => {
		const w = world();
		const c = await newCustomer(w);
		const purchaseId = await w.earn(c.memberId, 100, { amount: 10_000 });

		const results = await Promise.all(
			Array.from({ length: 6 }, () =>
				w.x.cashier.client.rpc('refund_purchase', {
					p_purchase_id: purchaseId,
					p_amount: 4_000,
					p_idempotency_key: w.key()
				})
			)
		);

		expect(results.filter((r) => r.error === null)).toHaveLength(2);
		expect(results.filter((r) => r.error).map((r) => r.error?.message)).toEqual(
			Array(4).fill('VAFA_REFUND_TOO_LARGE')
		);
		expect(await balance(w, c.memberId, 'points')).toBe(20);
	});

	it('runs expiry alongside spends without deadlock and without expiring points already spent', async () => {
		const w = world();
		const c = await newCustomer(w);
		const longAgo = new Date(Date.now() - 400 * 24 * 60 * 60 * 1000);
		for (let i = 0; i < 10; i++) await w.earn(c.memberId, 10, { now: longAgo });
		await w.earn(c.memberId, 100);

		const spends = Array.from({ length: 10 }, () =>
			w.x.cashier.client.rpc('pay_with_points', {
				p_member_id: c.memberId,
				p_points: 15,
				p_idempotency_key: w.key()
			})
		);
		const runs = Array.from({ length: 2 }, () =>
			w.service.rpc('expire_points', { p_program_id: w.x.id })
		);
		const [spent, expired] = await Promise.all([Promise.all(spends), Promise.all(runs)]);

		for (const run of expired) ok(run);
		const refusals = spent.filter((r) => r.error).map((r) => r.error?.message);
		expect(new Set(refusals)).toEqual(new Set(refusals.length ? ['VAFA_INSUFFICIENT_POINTS'] : []));
		const pointsSpent = 15 * spent.filter((r) => r.error === null).length;
		const pointsExpired = expired.reduce((sum, r) => sum + r.data.points_expired, 0);
		expect(pointsSpent + pointsExpired + (await balance(w, c.memberId, 'points'))).toBe(200);
		expect(pointsExpired, 'only what was not spent expires').toBeLessThanOrEqual(100);
	});
});
