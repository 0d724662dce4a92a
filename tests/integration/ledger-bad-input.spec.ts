import { beforeAll, describe, expect, it } from 'vitest';
import { addReward, balance, expectRefused, ok, useWorld } from './ledger-helpers';

const world = useWorld();

const BAD_AMOUNTS = [-10, 0, 10.5, 0.1, 1e16, 1e20];

let purchaseId: string;
let yPurchaseId: string;
beforeAll(async () => {
	const w = world();
	purchaseId = await w.earn(w.a.memberId, 500, { amount: 50_000 });
	yPurchaseId = await w.earn(w.y.customer.memberId, 100, { programId: w.y.id });
	ok(
		await w.x.cashier.client.rpc('wallet_topup', {
			p_member_id: w.a.memberId,
			p_amount: 1_000,
			p_idempotency_key: w.key()
		})
	);
});

describe('amounts that are not a positive whole number within reason', () => {
	for (const amount of BAD_AMOUNTS) {
		it(`refuses ${amount} for every counter move and refund, changing nothing`, async () => {
			const w = world();
			const cashier = w.x.cashier.client;
			const member = { p_member_id: w.a.memberId };
			const calls = [
				() =>
					cashier.rpc('wallet_topup', { ...member, p_amount: amount, p_idempotency_key: w.key() }),
				() =>
					cashier.rpc('wallet_spend', { ...member, p_amount: amount, p_idempotency_key: w.key() }),
				() =>
					cashier.rpc('pay_with_points', {
						...member,
						p_points: amount,
						p_idempotency_key: w.key()
					}),
				() =>
					cashier.rpc('refund_purchase', {
						p_purchase_id: purchaseId,
						p_amount: amount,
						p_idempotency_key: w.key()
					})
			];
			for (const call of calls) await expectRefused(w, call, 'VAFA_INVALID_AMOUNT');
		});
	}

	for (const amount of [0, 10.5, 1e16, 1e20, -1e16]) {
		it(`refuses a manual adjustment of ${amount}`, async () => {
			const w = world();
			await expectRefused(
				w,
				() =>
					w.x.manager.client.rpc('adjust_balance', {
						p_member_id: w.a.memberId,
						p_amount: amount,
						p_reason: 'goodwill',
						p_idempotency_key: w.key()
					}),
				'VAFA_INVALID_AMOUNT'
			);
		});
	}

	it('refuses a purchase amount or accrual line that is not a whole number', async () => {
		const w = world();
		const record = (amount: number, accrual: unknown) => () =>
			w.service.rpc('record_purchase', {
				p_program_id: w.x.id,
				p_member_id: w.a.memberId,
				p_amount: amount,
				p_accrual: accrual,
				p_idempotency_key: w.key()
			});
		for (const amount of BAD_AMOUNTS) {
			await expectRefused(w, record(amount, []), 'VAFA_INVALID_AMOUNT');
		}
		for (const line of [
			{ reason_key: 'rule.base' },
			{ points: -5, reason_key: 'rule.base' },
			{ points: 2.5, reason_key: 'rule.base' },
			{ points: '10', reason_key: 'rule.base' },
			{ points: 1e20, reason_key: 'rule.base' },
			{ points: 10 },
			{ points: 10, reason_key: 'Not A Key' },
			{ points: 10, reason_key: 'rule.base', line: 1.5 }
		]) {
			await expectRefused(w, record(1000, [line]), 'VAFA_INVALID_ACCRUAL');
		}
		await expectRefused(w, record(1000, { points: 10 } as unknown), 'VAFA_INVALID_REQUEST');
	});

	it('refuses a second purchase with the same receipt reference', async () => {
		const w = world();
		const record = () =>
			w.service.rpc('record_purchase', {
				p_program_id: w.x.id,
				p_member_id: w.a.memberId,
				p_amount: 1000,
				p_accrual: [{ points: 1, reason_key: 'rule.base' }],
				p_external_ref: 'receipt-0042',
				p_idempotency_key: w.key()
			});
		ok(await record());
		await expectRefused(w, record, 'VAFA_PURCHASE_DUPLICATE');
	});

	it('refuses more than the member has, changing nothing', async () => {
		const w = world();
		const cashier = w.x.cashier.client;
		const wallet = await balance(w, w.a.memberId, 'wallet');
		const points = await balance(w, w.a.memberId, 'points');
		await expectRefused(
			w,
			() =>
				cashier.rpc('wallet_spend', {
					p_member_id: w.a.memberId,
					p_amount: wallet + 1,
					p_idempotency_key: w.key()
				}),
			'VAFA_INSUFFICIENT_FUNDS'
		);
		await expectRefused(
			w,
			() =>
				cashier.rpc('pay_with_points', {
					p_member_id: w.a.memberId,
					p_points: points + 1,
					p_idempotency_key: w.key()
				}),
			'VAFA_INSUFFICIENT_POINTS'
		);
		const rewardId = await addReward(w, { points_cost: points + 1 });
		await expectRefused(
			w,
			() => w.a.client.rpc('redeem_reward', { p_reward_id: rewardId, p_idempotency_key: w.key() }),
			'VAFA_INSUFFICIENT_POINTS'
		);
	});

	it('refuses a wallet payment larger than the purchase it names', async () => {
		const w = world();
		const small = await w.earn(w.a.memberId, 5, { amount: 500 });
		await expectRefused(
			w,
			() =>
				w.x.cashier.client.rpc('wallet_spend', {
					p_member_id: w.a.memberId,
					p_amount: 600,
					p_purchase_id: small,
					p_idempotency_key: w.key()
				}),
			'VAFA_INVALID_AMOUNT'
		);
	});
});

describe('rewards, codes and members that are not the caller’s to use', () => {
	it('refuses an unknown reward and another club’s reward', async () => {
		const w = world();
		const yReward = await addReward(w, { points_cost: 1 }, w.y.id);
		for (const rewardId of ['00000000-0000-4000-8000-000000000000', yReward]) {
			await expectRefused(
				w,
				() =>
					w.a.client.rpc('redeem_reward', { p_reward_id: rewardId, p_idempotency_key: w.key() }),
				'VAFA_REWARD_NOT_FOUND'
			);
		}
	});

	it('refuses an expired code, a used code, an unknown code and another club’s code', async () => {
		const w = world();
		const rewardId = await addReward(w, { points_cost: 5 });
		const redeem = async () =>
			ok(
				await w.a.client.rpc('redeem_reward', { p_reward_id: rewardId, p_idempotency_key: w.key() })
			);
		const use = (code: string) => () =>
			w.x.cashier.client.rpc('use_redemption', {
				p_program_id: w.x.id,
				p_code: code,
				p_idempotency_key: w.key()
			});

		const stale = await redeem();
		await w.db.query(
			`update public.redemptions set issued_at = now() - interval '40 days', expires_at = now() - interval '10 days'
			 where id = $1`,
			[stale.redemption_id]
		);
		await expectRefused(w, use(stale.code), 'VAFA_REDEMPTION_EXPIRED');

		const fresh = await redeem();
		ok(await use(fresh.code)());
		await expectRefused(w, use(fresh.code), 'VAFA_REDEMPTION_USED');
		await expectRefused(w, use('ZZZZZZZZ'), 'VAFA_REDEMPTION_NOT_FOUND');

		const yReward = await addReward(w, { points_cost: 5 }, w.y.id);
		await w.earn(w.y.customer.memberId, 5, { programId: w.y.id });
		const yCode = ok(
			await w.y.customer.client.rpc('redeem_reward', {
				p_reward_id: yReward,
				p_idempotency_key: w.key()
			})
		);
		await expectRefused(w, use(yCode.code), 'VAFA_REDEMPTION_NOT_FOUND');
	});

	it('refuses staff acting on another club’s member or purchase', async () => {
		const w = world();
		const other = { p_member_id: w.y.customer.memberId, p_idempotency_key: w.key() };
		await expectRefused(
			w,
			() => w.x.cashier.client.rpc('wallet_topup', { ...other, p_amount: 100 }),
			'VAFA_FORBIDDEN'
		);
		await expectRefused(
			w,
			() => w.x.owner.client.rpc('pay_with_points', { ...other, p_points: 10 }),
			'VAFA_FORBIDDEN'
		);
		await expectRefused(
			w,
			() =>
				w.x.manager.client.rpc('adjust_balance', { ...other, p_amount: 10, p_reason: 'goodwill' }),
			'VAFA_FORBIDDEN'
		);
		await expectRefused(
			w,
			() =>
				w.x.cashier.client.rpc('refund_purchase', {
					p_purchase_id: yPurchaseId,
					p_amount: 10,
					p_idempotency_key: w.key()
				}),
			'VAFA_FORBIDDEN'
		);
		await expectRefused(
			w,
			() =>
				w.x.cashier.client.rpc('wallet_spend', {
					p_member_id: w.a.memberId,
					p_amount: 10,
					p_purchase_id: yPurchaseId,
					p_idempotency_key: w.key()
				}),
			'VAFA_PURCHASE_NOT_FOUND'
		);
		await expectRefused(
			w,
			() =>
				w.service.rpc('record_purchase', {
					p_program_id: w.x.id,
					p_member_id: w.y.customer.memberId,
					p_amount: 1000,
					p_accrual: [],
					p_idempotency_key: w.key()
				}),
			'VAFA_MEMBER_NOT_FOUND'
		);
	});

	it('refuses a customer moving value at the counter, even on their own card', async () => {
		const w = world();
		await expectRefused(
			w,
			() =>
				w.a.client.rpc('wallet_topup', {
					p_member_id: w.a.memberId,
					p_amount: 100,
					p_idempotency_key: w.key()
				}),
			'VAFA_FORBIDDEN'
		);
		const before = await w.discrepancies();
		const { error } = await w.a.client.rpc('record_purchase', {
			p_program_id: w.x.id,
			p_member_id: w.a.memberId,
			p_amount: 1000,
			p_accrual: [{ points: 1000, reason_key: 'rule.base' }],
			p_idempotency_key: w.key()
		});
		expect(error?.code).toBe('42501');
		expect(await w.discrepancies()).toEqual(before);
	});
});

describe('idempotency keys', () => {
	it('refuses a missing or short key with a stable code', async () => {
		const w = world();
		const cashier = w.x.cashier.client;
		await expectRefused(
			w,
			() => cashier.rpc('wallet_topup', { p_member_id: w.a.memberId, p_amount: 100 }),
			'VAFA_IDEMPOTENCY_KEY_REQUIRED'
		);
		await expectRefused(
			w,
			() =>
				cashier.rpc('wallet_topup', {
					p_member_id: w.a.memberId,
					p_amount: 100,
					p_idempotency_key: 'short'
				}),
			'VAFA_IDEMPOTENCY_KEY_REQUIRED'
		);
		const rewardId = await addReward(w, { points_cost: 1 });
		await expectRefused(
			w,
			() => w.a.client.rpc('redeem_reward', { p_reward_id: rewardId }),
			'VAFA_IDEMPOTENCY_KEY_REQUIRED'
		);
		await expectRefused(
			w,
			() =>
				w.x.manager.client.rpc('adjust_balance', {
					p_member_id: w.a.memberId,
					p_amount: 5,
					p_reason: 'goodwill'
				}),
			'VAFA_IDEMPOTENCY_KEY_REQUIRED'
		);
	});

	it('refuses a key reused for a different request, of the same kind or another', async () => {
		const w = world();
		const cashier = w.x.cashier.client;
		const key = w.key();
		const first = ok(
			await cashier.rpc('wallet_topup', {
				p_member_id: w.a.memberId,
				p_amount: 100,
				p_idempotency_key: key
			})
		);
		expect(
			ok(
				await cashier.rpc('wallet_topup', {
					p_member_id: w.a.memberId,
					p_amount: 100,
					p_idempotency_key: key
				})
			)
		).toEqual(first);
		for (const call of [
			() =>
				cashier.rpc('wallet_topup', {
					p_member_id: w.a.memberId,
					p_amount: 200,
					p_idempotency_key: key
				}),
			() =>
				cashier.rpc('wallet_topup', {
					p_member_id: w.b.memberId,
					p_amount: 100,
					p_idempotency_key: key
				}),
			() =>
				cashier.rpc('wallet_spend', {
					p_member_id: w.a.memberId,
					p_amount: 100,
					p_idempotency_key: key
				})
		]) {
			await expectRefused(w, call, 'VAFA_IDEMPOTENCY_KEY_REUSED');
		}
	});
});
