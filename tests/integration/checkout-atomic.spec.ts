/**
 * A checkout that also uses redemption codes, takes wallet money and points and tops the wallet up
 * is one transaction: it all happens, or (when any part is refused) nothing does, not even the
 * claim of the card's step.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, cardHolder, qrOf, RULES } from './checkout-helpers';
import { addReward, balance, ok, snapshot, useWorld } from './ledger-helpers';

const world = useWorld();

beforeAll(async () => {
	await world().setRules(RULES);
});

/** A member with 200 points, 5 000 in the wallet and an issued redemption code. */
async function stockedHolder() {
	const holder = await cardHolder(world());
	await world().earn(holder.memberId, 200);
	await world().db.query('select public.wallet_topup($1, 5000, $2)', [
		holder.memberId,
		world().key()
	]);
	const reward = await addReward(world(), { points_cost: 50 });
	const redeemed = ok(
		await holder.client.rpc('redeem_reward', {
			p_reward_id: reward,
			p_idempotency_key: world().key()
		})
	);
	return { ...holder, code: redeemed.code as string };
}

const checkout = (card: string, extra: Record<string, unknown>) =>
	call('checkout', {
		as: world().x.cashier.client,
		body: {
			program: world().x.id,
			card,
			amount: 20_000,
			idempotency_key: world().key(),
			...extra
		}
	});

describe('a checkout with everything at once', () => {
	it('redeems a code, pays with the wallet and points, and tops up, in one receipt', async () => {
		const holder = await stockedHolder();
		const answer = await checkout(await qrOf(holder), {
			redeem: [holder.code.toLowerCase()],
			wallet_spend: 3_000,
			points_spend: 100,
			wallet_topup: 10_000
		});
		expect(answer.status, JSON.stringify(answer.body)).toBe(200);
		const { receipt } = answer.body;
		expect(receipt.redemptions_used).toEqual([
			expect.objectContaining({
				code: holder.code,
				reward: expect.objectContaining({ name: 'Free coffee' })
			})
		]);
		expect(receipt.payments).toEqual({ wallet: 3_000, points: 100 });
		expect(receipt.wallet_topup).toBe(10_000);
		// 200 - 50 (the code) = 150 held; + 20 earned - 100 paid.
		expect(receipt.balances).toEqual({ points: 70, wallet: 12_000 });
		expect(await balance(world(), holder.memberId, 'wallet')).toBe(12_000);
		const { rows } = await world().db.query(
			`select status, purchase_id, used_by from public.redemptions where code = $1`,
			[holder.code]
		);
		expect(rows).toEqual([
			{ status: 'used', purchase_id: receipt.purchase_id, used_by: world().x.cashier.id }
		]);
		const purchase = await world().db.query(
			'select wallet_paid::int, points_paid::int from public.purchases where id = $1',
			[receipt.purchase_id]
		);
		expect(purchase.rows).toEqual([{ wallet_paid: 3_000, points_paid: 100 }]);
	});

	const refusals: [string, (code: string) => Record<string, unknown>, number, string][] = [
		[
			'the wallet holds too little',
			() => ({ wallet_spend: 9_000 }),
			422,
			'VAFA_INSUFFICIENT_FUNDS'
		],
		[
			'the points held before the purchase are too few',
			() => ({ points_spend: 160 }),
			422,
			'VAFA_INSUFFICIENT_POINTS'
		],
		[
			'the wallet would pay more than the purchase costs',
			() => ({ wallet_spend: 4_000, amount: 3_000 }),
			422,
			'VAFA_INVALID_AMOUNT'
		],
		['a code is unknown', () => ({ redeem: ['ZZZZZZZZ'] }), 422, 'VAFA_REDEMPTION_NOT_FOUND']
	];
	it.each(refusals)(
		'changes nothing when %s, and the same card then works',
		async (_, extra, status, code) => {
			const holder = await stockedHolder();
			const card = await qrOf(holder);
			const before = await snapshot(world());
			const answer = await checkout(card, {
				redeem: [holder.code],
				wallet_spend: 1_000,
				wallet_topup: 2_000,
				...extra(holder.code)
			});
			expect(answer).toMatchObject({ status, body: { code } });
			expect(await snapshot(world())).toEqual(before);
			const retry = await checkout(card, { redeem: [holder.code], wallet_spend: 1_000 });
			expect(retry.status, JSON.stringify(retry.body)).toBe(200);
		}
	);

	it('refuses a code used before with 422 VAFA_REDEMPTION_USED', async () => {
		const holder = await stockedHolder();
		expect((await checkout(await qrOf(holder), { redeem: [holder.code] })).status).toBe(200);
		const answer = await checkout(await qrOf(holder, 1), { redeem: [holder.code] });
		expect(answer).toMatchObject({ status: 422, body: { code: 'VAFA_REDEMPTION_USED' } });
	});

	it("refuses another member's code with 422 VAFA_REDEMPTION_NOT_YOURS", async () => {
		const holder = await stockedHolder();
		const other = await stockedHolder();
		const before = await snapshot(world());
		const answer = await checkout(await qrOf(holder), { redeem: [other.code] });
		expect(answer).toMatchObject({ status: 422, body: { code: 'VAFA_REDEMPTION_NOT_YOURS' } });
		expect(await snapshot(world())).toEqual(before);
	});

	it('names the cashier on every entry and audit row the checkout wrote', async () => {
		const holder = await stockedHolder();
		const key = world().key();
		const answer = await checkout(await qrOf(holder), {
			redeem: [holder.code],
			wallet_spend: 1_000,
			wallet_topup: 1_000,
			idempotency_key: key
		});
		expect(answer.status).toBe(200);
		const { rows } = await world().db.query(
			`select distinct e.actor from public.ledger_entries e join public.operations o on o.id = e.operation_id
			 where o.program_id = $1 and (o.idempotency_key = $2 or o.idempotency_key like $2 || ':%')`,
			[world().x.id, key]
		);
		expect(rows).toEqual([{ actor: world().x.cashier.id }]);
		// Rows of one transaction share its start time.
		const audit = await world().db.query(
			`select action, actor from public.audit_log where program_id = $1 and created_at =
			   (select created_at from public.audit_log where action = 'checkout' and target_id = $2)
			 order by id`,
			[world().x.id, answer.body.receipt.purchase_id]
		);
		expect(audit.rows).toEqual(
			['redemption.use', 'wallet.spend', 'wallet.topup', 'checkout'].map((action) => ({
				action,
				actor: world().x.cashier.id
			}))
		);
	});
});
