import { describe, expect, it } from 'vitest';
import {
	addReward,
	balance,
	entries,
	expectRefused,
	newCustomer,
	ok,
	useWorld
} from './ledger-helpers';

const world = useWorld();

async function refund(purchaseId: string, amount: number, key = world().key()) {
	return world().x.cashier.client.rpc('refund_purchase', {
		p_purchase_id: purchaseId,
		p_amount: amount,
		p_idempotency_key: key
	});
}

async function purchase(purchaseId: string) {
	const { rows } = await world().db.query(
		`select refunded_amount::int, points_clawed_back::int, points_shortfall::int, wallet_returned::int,
		        points_returned::int from public.purchases where id = $1`,
		[purchaseId]
	);
	return rows[0];
}

describe('refunds', () => {
	it('claws back points in proportion to a partial refund, then the rest on a full refund', async () => {
		const w = world();
		const c = await newCustomer(w);
		const purchaseId = await w.earn(c.memberId, 100, { amount: 100_000 });

		const partial = ok(await refund(purchaseId, 25_000));
		expect(partial).toMatchObject({
			refunded_amount: 25_000,
			points_clawed_back: 25,
			points_shortfall: 0,
			balances: { points: 75 }
		});
		expect(partial.entries).toEqual([
			expect.objectContaining({ kind: 'clawback', amount: -25, reason_key: 'purchase.refunded' })
		]);

		const rest = ok(await refund(purchaseId, 75_000));
		expect(rest).toMatchObject({ refunded_amount: 100_000, points_clawed_back: 75 });
		expect(await balance(w, c.memberId, 'points')).toBe(0);
		expect(await purchase(purchaseId)).toMatchObject({
			refunded_amount: 100_000,
			points_clawed_back: 100
		});
		await expectRefused(w, () => refund(purchaseId, 1), 'VAFA_REFUND_TOO_LARGE');
	});

	it('claws back the exact points earned over refunds that do not divide evenly', async () => {
		const w = world();
		const c = await newCustomer(w);
		const purchaseId = await w.earn(c.memberId, 100, { amount: 3_000 });

		const claws = [];
		for (let i = 0; i < 3; i++) claws.push(ok(await refund(purchaseId, 1_000)).points_clawed_back);

		expect(claws.reduce((sum, n) => sum + n, 0)).toBe(100);
		expect(await balance(w, c.memberId, 'points')).toBe(0);
	});

	it('records a shortfall instead of a negative balance when the points were already spent', async () => {
		const w = world();
		const c = await newCustomer(w);
		const purchaseId = await w.earn(c.memberId, 100, { amount: 10_000 });
		const rewardId = await addReward(w, { points_cost: 80 });
		ok(await c.client.rpc('redeem_reward', { p_reward_id: rewardId, p_idempotency_key: w.key() }));

		const result = ok(await refund(purchaseId, 10_000));

		expect(result).toMatchObject({ points_clawed_back: 20, points_shortfall: 80 });
		expect(result.entries[0]).toMatchObject({
			kind: 'clawback',
			amount: -20,
			balance_after: 0,
			reason_params: { shortfall: 80 }
		});
		expect(await balance(w, c.memberId, 'points')).toBe(0);
		expect(await purchase(purchaseId)).toMatchObject({
			points_clawed_back: 20,
			points_shortfall: 80
		});
	});

	it('records the whole claw-back as shortfall when nothing is left, and writes no entry', async () => {
		const w = world();
		const c = await newCustomer(w);
		const purchaseId = await w.earn(c.memberId, 40, { amount: 4_000 });
		ok(
			await w.x.cashier.client.rpc('pay_with_points', {
				p_member_id: c.memberId,
				p_points: 40,
				p_idempotency_key: w.key()
			})
		);
		const before = (await entries(w, c.memberId)).length;

		const result = ok(await refund(purchaseId, 2_000));

		expect(result).toMatchObject({ points_clawed_back: 0, points_shortfall: 20, entries: [] });
		expect(await entries(w, c.memberId)).toHaveLength(before);
		expect(await purchase(purchaseId)).toMatchObject({
			refunded_amount: 2_000,
			points_shortfall: 20
		});
	});

	it('returns wallet money and points paid for the purchase in the refunded proportion', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 200);
		const cashier = w.x.cashier.client;
		ok(
			await cashier.rpc('wallet_topup', {
				p_member_id: c.memberId,
				p_amount: 5_000,
				p_idempotency_key: w.key()
			})
		);
		const purchaseId = await w.earn(c.memberId, 10, { amount: 10_000 });
		ok(
			await cashier.rpc('wallet_spend', {
				p_member_id: c.memberId,
				p_amount: 4_000,
				p_purchase_id: purchaseId,
				p_idempotency_key: w.key()
			})
		);
		ok(
			await cashier.rpc('pay_with_points', {
				p_member_id: c.memberId,
				p_points: 100,
				p_purchase_id: purchaseId,
				p_idempotency_key: w.key()
			})
		);
		expect(await balance(w, c.memberId, 'points')).toBe(110);

		const half = ok(await refund(purchaseId, 5_000));
		expect(half.balances).toEqual({ points: 110 + 50 - 5, wallet: 1_000 + 2_000 });
		expect(half.entries.map((e: { account: string; kind: string; amount: number }) => e)).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ account: 'wallet', kind: 'refund', amount: 2_000 }),
				expect.objectContaining({ account: 'points', kind: 'refund', amount: 50 }),
				expect.objectContaining({ account: 'points', kind: 'clawback', amount: -5 })
			])
		);

		const rest = ok(await refund(purchaseId, 5_000));
		expect(rest.balances).toEqual({ points: 200, wallet: 5_000 });
		expect(await purchase(purchaseId)).toMatchObject({
			wallet_returned: 4_000,
			points_returned: 100,
			points_clawed_back: 10,
			points_shortfall: 0
		});
	});

	it('returns the points paid before clawing back, so an empty balance is no excuse for a shortfall', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 50);
		const purchaseId = await w.earn(c.memberId, 10, { amount: 1_000 });
		ok(
			await w.x.cashier.client.rpc('pay_with_points', {
				p_member_id: c.memberId,
				p_points: 60,
				p_purchase_id: purchaseId,
				p_idempotency_key: w.key()
			})
		);

		const result = ok(await refund(purchaseId, 1_000));

		expect(result).toMatchObject({ points_clawed_back: 10, points_shortfall: 0 });
		expect(await balance(w, c.memberId, 'points')).toBe(50);
	});

	it('refunds once for a replayed key, and refuses the key for another amount', async () => {
		const w = world();
		const c = await newCustomer(w);
		const purchaseId = await w.earn(c.memberId, 100, { amount: 10_000 });
		const key = w.key();

		const first = ok(await refund(purchaseId, 1_000, key));
		expect(ok(await refund(purchaseId, 1_000, key))).toEqual(first);
		expect(await purchase(purchaseId)).toMatchObject({ refunded_amount: 1_000 });
		await expectRefused(w, () => refund(purchaseId, 2_000, key), 'VAFA_IDEMPOTENCY_KEY_REUSED');
	});

	it('lets only the club’s staff refund its purchases', async () => {
		const w = world();
		const c = await newCustomer(w);
		const purchaseId = await w.earn(c.memberId, 100, { amount: 10_000 });
		for (const client of [c.client, w.y.owner.client]) {
			await expectRefused(
				w,
				() =>
					client.rpc('refund_purchase', {
						p_purchase_id: purchaseId,
						p_amount: 1_000,
						p_idempotency_key: w.key()
					}),
				'VAFA_FORBIDDEN'
			);
		}
	});

	it('downgrades at once when a refund undoes the purchase that reached the tier', async () => {
		const w = world();
		const c = await newCustomer(w);
		const purchaseId = await w.earn(c.memberId, 600, { amount: 60_000 });
		const { data: cards } = await c.client.rpc('my_cards');
		expect(cards[0].tier.rank).toBe(1);

		const result = ok(await refund(purchaseId, 60_000));

		expect(result.tier).toMatchObject({ before: 1, after: 0, grace_until: null });
	});
});
