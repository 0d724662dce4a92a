/**
 * POST /functions/v1/checkout/lookup and checkouts by its ticket: the cashier's screen checks a
 * scan once, shows the member, and checks them out minutes later without the rotating code
 * running out; the ticket is this staff member's, at this club, for a few minutes only.
 */
import { describe, expect, it } from 'vitest';
import { call, cardHolder, purchaseFacts, qrOf, RULES, typedCodeOf } from './checkout-helpers';
import { balance, snapshot, useWorld } from './ledger-helpers';

const world = useWorld();
const lookup = (card: string, as = world().x.cashier.client) =>
	call('checkout/lookup', { as, body: { program: world().x.slug, card } });
const pay = (ticket: string, extra: Record<string, unknown> = {}, as = world().x.cashier.client) =>
	call('checkout', {
		as,
		body: {
			program: world().x.slug,
			ticket,
			amount: 20_000,
			idempotency_key: world().key(),
			...extra
		}
	});

describe('looking a member up at the counter', () => {
	it('shows the member behind a live QR with a ticket, and the ticket checks them out', async () => {
		await world().setRules(RULES);
		const holder = await cardHolder(world());
		const found = await lookup(await qrOf(holder));
		expect(found.status, JSON.stringify(found.body)).toBe(200);
		expect(found.body).toMatchObject({
			member_id: holder.memberId,
			member_number: expect.any(Number),
			tier: { rank: 0, name: 'Bronze' },
			balances: { points: 0, wallet: 0 },
			ticket: expect.stringMatching(/^[0-9a-f-]{36}$/),
			expires_at: expect.any(String)
		});
		const lifetime = new Date(found.body.expires_at).getTime() - Date.now();
		expect(lifetime).toBeGreaterThan(9 * 60_000);
		expect(lifetime).toBeLessThanOrEqual(10 * 60_000);

		const paid = await pay(found.body.ticket);
		expect(paid.status, JSON.stringify(paid.body)).toBe(200);
		expect(paid.body.receipt).toMatchObject({ points_earned: 70, balances: { points: 70 } });
		expect(await balance(world(), holder.memberId, 'points')).toBe(70);
		expect((await purchaseFacts(world(), paid.body.receipt.purchase_id)).recorded_by).toBe(
			world().x.cashier.id
		);
	});

	it('claims the QR at the scan: the same code is refused at a second lookup and at checkout', async () => {
		const holder = await cardHolder(world());
		const payload = await qrOf(holder);
		expect((await lookup(payload)).status).toBe(200);
		const before = await snapshot(world());
		expect(await lookup(payload)).toMatchObject({
			status: 409,
			body: { code: 'VAFA_CARD_REPLAYED' }
		});
		const direct = await call('checkout', {
			as: world().x.cashier.client,
			body: { program: world().x.slug, card: payload, amount: 1000, idempotency_key: world().key() }
		});
		expect(direct).toMatchObject({ status: 409, body: { code: 'VAFA_CARD_REPLAYED' } });
		expect(await snapshot(world())).toEqual(before);
	});

	it('takes the typed code and the phone number, in Persian digits too', async () => {
		const holder = await cardHolder(world());
		const typed = (await typedCodeOf(world(), holder)).replace(
			/\d/g,
			(d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]
		);
		const byCode = await lookup(typed);
		expect(byCode.status, JSON.stringify(byCode.body)).toBe(200);
		expect(byCode.body.member_id).toBe(holder.memberId);
		const byPhone = await lookup(world().a.phone);
		expect(byPhone.status, JSON.stringify(byPhone.body)).toBe(200);
		expect(byPhone.body.member_id).toBe(world().a.memberId);
	});

	it('answers a wrong code, an unknown phone and an unreadable card with stable codes', async () => {
		const holder = await cardHolder(world());
		const typed = await typedCodeOf(world(), holder);
		const wrong = typed.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
		expect(await lookup(wrong)).toMatchObject({
			status: 422,
			body: { code: 'VAFA_CARD_FORGED' }
		});
		expect(await lookup('+989121234000')).toMatchObject({
			status: 404,
			body: { code: 'VAFA_MEMBER_NOT_FOUND' }
		});
		expect(await lookup('hello')).toMatchObject({
			status: 422,
			body: { code: 'VAFA_CARD_UNREADABLE' }
		});
	});

	it('refuses a customer and another club’s owner, and issues them no ticket', async () => {
		const before = await snapshot(world());
		expect(await lookup(world().b.phone, world().a.client)).toMatchObject({
			status: 403,
			body: { code: 'VAFA_FORBIDDEN' }
		});
		expect(await lookup(world().b.phone, world().y.owner.client)).toMatchObject({
			status: 403,
			body: { code: 'VAFA_FORBIDDEN' }
		});
		const { rows } = await world().db.query(
			'select count(*)::int as n from private.checkout_tickets where staff_id = any($1)',
			[[world().a.id, world().y.owner.id]]
		);
		expect(rows[0].n).toBe(0);
		expect(await snapshot(world())).toEqual(before);
	});
});

describe('checking out by ticket', () => {
	it('replays the first receipt for a retried key, even after the ticket has expired', async () => {
		await world().setRules(RULES);
		const found = await lookup(world().b.phone);
		const key = world().key();
		const first = await pay(found.body.ticket, { idempotency_key: key });
		expect(first.status, JSON.stringify(first.body)).toBe(200);
		const again = await pay(found.body.ticket, { idempotency_key: key });
		expect(again).toMatchObject({ status: 200, body: first.body });
		await world().db.query(
			`update private.checkout_tickets set created_at = now() - interval '1 hour',
			   expires_at = now() - interval '1 minute' where id = $1`,
			[found.body.ticket]
		);
		const late = await pay(found.body.ticket, { idempotency_key: key });
		expect(late).toMatchObject({ status: 200, body: first.body });
		const { rows } = await world().db.query(
			'select count(*)::int as n from public.purchases where id = $1',
			[first.body.receipt.purchase_id]
		);
		expect(rows[0].n).toBe(1);
	});

	it('refuses an expired ticket with VAFA_SCAN_EXPIRED and changes nothing', async () => {
		const found = await lookup(world().a.phone);
		await world().db.query(
			`update private.checkout_tickets set created_at = now() - interval '1 hour',
			   expires_at = now() - interval '1 minute' where id = $1`,
			[found.body.ticket]
		);
		const before = await snapshot(world());
		expect(await pay(found.body.ticket)).toMatchObject({
			status: 422,
			body: { code: 'VAFA_SCAN_EXPIRED', message: expect.any(String) }
		});
		expect(await snapshot(world())).toEqual(before);
	});

	it('refuses another staff member’s ticket, and a made-up one, with VAFA_SCAN_EXPIRED', async () => {
		const found = await lookup(world().a.phone);
		const before = await snapshot(world());
		expect(await pay(found.body.ticket, {}, world().x.manager.client)).toMatchObject({
			status: 422,
			body: { code: 'VAFA_SCAN_EXPIRED' }
		});
		expect(await pay(crypto.randomUUID())).toMatchObject({
			status: 422,
			body: { code: 'VAFA_SCAN_EXPIRED' }
		});
		expect(await pay(found.body.ticket, {}, world().y.owner.client)).toMatchObject({
			status: 403,
			body: { code: 'VAFA_FORBIDDEN' }
		});
		expect(await snapshot(world())).toEqual(before);
	});

	it('answers a body with both a card and a ticket, or neither, with 400', async () => {
		const found = await lookup(world().a.phone);
		for (const extra of [{ card: world().a.phone }, { ticket: undefined }]) {
			const answer = await pay(found.body.ticket, extra);
			expect(answer).toMatchObject({ status: 400, body: { code: 'VAFA_INVALID_REQUEST' } });
		}
	});

	it('pays part with the wallet and points and uses a top-up, all on one ticket', async () => {
		await world().setRules(RULES);
		const holder = await cardHolder(world());
		await world().db.query('select public.wallet_topup($1, 5000, $2)', [
			holder.memberId,
			world().key()
		]);
		await world().earn(holder.memberId, 40);
		const found = await lookup(await qrOf(holder));
		const paid = await pay(found.body.ticket, { wallet_spend: 3000, points_spend: 10 });
		expect(paid.status, JSON.stringify(paid.body)).toBe(200);
		expect(paid.body.receipt).toMatchObject({
			payments: { wallet: 3000, points: 10 },
			balances: { wallet: 2000, points: 40 - 10 + 20 }
		});
	});
});

describe('what a cashier may not do', () => {
	it('cannot add an earning-rules version: no API role may insert one', async () => {
		const { cashier } = world().x;
		const { data, error } = await cashier.client
			.from('earning_rules')
			.insert({
				program_id: world().x.id,
				version: 99,
				rules: { base: { points: 100, per: 1 } },
				effective_from: new Date().toISOString(),
				created_by: cashier.id
			})
			.select();
		expect(data).toBeNull();
		expect(error).toMatchObject({
			code: '42501',
			message: expect.stringMatching(/permission denied/)
		});
		const { rows } = await world().db.query(
			'select count(*)::int as n from public.earning_rules where program_id = $1 and version = 99',
			[world().x.id]
		);
		expect(rows[0].n).toBe(0);
	});

	it('cannot issue a ticket directly: only the checkout function (service role) may', async () => {
		const { error } = await world().x.cashier.client.rpc('checkout_ticket', {
			p_program_id: world().x.id,
			p_member_id: world().a.memberId,
			p_staff: world().x.cashier.id,
			p_card_kind: 'phone'
		});
		expect(error).toMatchObject({
			code: '42501',
			message: 'permission denied for function checkout_ticket'
		});
	});

	it('reads the member’s recent purchases, newest first, to refund one', async () => {
		const older = await world().earn(world().b.memberId, 5, { now: new Date(Date.now() - 60_000) });
		const newer = await world().earn(world().b.memberId, 7);
		const { data, error } = await world()
			.x.cashier.client.from('purchases')
			.select('id, amount, refunded_amount, occurred_at')
			.eq('member_id', world().b.memberId)
			.order('occurred_at', { ascending: false })
			.limit(5);
		expect(error).toBeNull();
		const ids = (data ?? []).map((row) => row.id);
		expect(ids.indexOf(newer)).toBeLessThan(ids.indexOf(older));
		const refund = await world().x.cashier.client.rpc('refund_purchase', {
			p_purchase_id: newer,
			p_amount: 7000,
			p_idempotency_key: world().key()
		});
		expect(refund.error).toBeNull();
		expect(refund.data).toMatchObject({ refunded_amount: 7000, points_clawed_back: 7 });
	});
});
