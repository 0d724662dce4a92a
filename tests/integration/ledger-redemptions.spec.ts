import { describe, expect, it } from 'vitest';
import {
	addReward,
	balance,
	DAY,
	entries,
	expectRefused,
	newCustomer,
	ok,
	useWorld
} from './ledger-helpers';

const world = useWorld();

describe('redeeming rewards and using the codes', () => {
	it('debits the points, issues a one-time code, and the cashier uses it exactly once', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 100);
		const rewardId = await addReward(w, { points_cost: 40, stock: 3, redemption_valid_days: 14 });

		const redemption = ok(
			await c.client.rpc('redeem_reward', { p_reward_id: rewardId, p_idempotency_key: w.key() })
		);
		expect(redemption).toMatchObject({
			code: expect.stringMatching(/^[2-9A-HJKMNP-Z]{8}$/),
			points_cost: 40,
			balances: { points: 60, wallet: 0 },
			entry: { kind: 'redeem', amount: -40, reason_key: 'reward.redeemed' }
		});
		const validFor = new Date(redemption.expires_at).getTime() - Date.now();
		expect(validFor).toBeGreaterThan(13.9 * DAY);
		expect(validFor).toBeLessThan(14.1 * DAY);

		const key = w.key();
		const use = () =>
			w.x.cashier.client.rpc('use_redemption', {
				p_program_id: w.x.id,
				p_code: redemption.code.toLowerCase(),
				p_idempotency_key: key
			});
		const used = ok(await use());
		expect(used).toMatchObject({ redemption_id: redemption.redemption_id, member_id: c.memberId });
		expect(ok(await use()), 'a retried scan answers the same').toEqual(used);
		await expectRefused(
			w,
			() =>
				w.x.cashier.client.rpc('use_redemption', {
					p_program_id: w.x.id,
					p_code: redemption.code,
					p_idempotency_key: w.key()
				}),
			'VAFA_REDEMPTION_USED'
		);
		const { rows } = await w.db.query(
			'select action from public.audit_log where target_id = $1 and program_id = $2',
			[redemption.redemption_id, w.x.id]
		);
		expect(rows).toEqual([{ action: 'redemption.use' }]);
	});

	it('respects the minimum tier, the per-member limit, the active flag and the validity window', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 400);
		const redeem = (rewardId: string) => () =>
			c.client.rpc('redeem_reward', { p_reward_id: rewardId, p_idempotency_key: w.key() });

		await expectRefused(w, redeem(await addReward(w, { min_tier_rank: 1 })), 'VAFA_TIER_TOO_LOW');

		const limited = await addReward(w, { per_member_limit: 2 });
		ok(await redeem(limited)());
		ok(await redeem(limited)());
		await expectRefused(w, redeem(limited), 'VAFA_REWARD_LIMIT_REACHED');

		await expectRefused(
			w,
			redeem(await addReward(w, { active: false })),
			'VAFA_REWARD_UNAVAILABLE'
		);
		const later = new Date(Date.now() + 5 * DAY);
		await expectRefused(
			w,
			redeem(await addReward(w, { valid_from: later })),
			'VAFA_REWARD_UNAVAILABLE'
		);
		const ended = { valid_from: new Date(Date.now() - 5 * DAY), valid_until: new Date() };
		await expectRefused(w, redeem(await addReward(w, ended)), 'VAFA_REWARD_UNAVAILABLE');
		await expectRefused(w, redeem(await addReward(w, { stock: 0 })), 'VAFA_REWARD_OUT_OF_STOCK');
	});

	it('lets a higher tier redeem a tier reward', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 600);
		const rewardId = await addReward(w, { min_tier_rank: 1, points_cost: 100 });
		ok(await c.client.rpc('redeem_reward', { p_reward_id: rewardId, p_idempotency_key: w.key() }));
		expect(await balance(w, c.memberId, 'points')).toBe(500);
	});

	it('ignores a clock the customer names', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 10);
		const rewardId = await addReward(w, { points_cost: 10 });
		const redemption = ok(
			await c.client.rpc('redeem_reward', {
				p_reward_id: rewardId,
				p_idempotency_key: w.key(),
				p_now: '2020-01-01T00:00:00Z'
			})
		);
		expect(Math.abs(new Date(redemption.entry.created_at).getTime() - Date.now())).toBeLessThan(
			60_000
		);
	});

	it('does not let a customer use a code or see another member’s code', async () => {
		const w = world();
		const c = await newCustomer(w);
		await w.earn(c.memberId, 10);
		const rewardId = await addReward(w, { points_cost: 10 });
		const redemption = ok(
			await c.client.rpc('redeem_reward', { p_reward_id: rewardId, p_idempotency_key: w.key() })
		);
		await expectRefused(
			w,
			() =>
				c.client.rpc('use_redemption', {
					p_program_id: w.x.id,
					p_code: redemption.code,
					p_idempotency_key: w.key()
				}),
			'VAFA_FORBIDDEN'
		);
		const { data } = await w.b.client
			.from('redemptions')
			.select('code')
			.eq('code', redemption.code);
		expect(data).toEqual([]);
		expect((await entries(w, c.memberId)).map((e) => e.kind)).toEqual(['earn', 'redeem']);
	});
});
