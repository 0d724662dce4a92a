/**
 * POST /functions/v1/checkout through the gateway, Deno, PostgREST and Postgres: who may call it,
 * what a body must look like, the card (QR, typed code, phone), replays, and receipts that explain
 * every point and match the ledger.
 */
import { describe, expect, inject, it } from 'vitest';
import { call, cardHolder, purchaseFacts, qrOf, RULES, typedCodeOf } from './checkout-helpers';
import { snapshot, useWorld } from './ledger-helpers';

const world = useWorld();
const body = (card: string, extra: Record<string, unknown> = {}) => ({
	program: world().x.slug,
	card,
	amount: 20_000,
	idempotency_key: world().key(),
	...extra
});

describe('who may check out', () => {
	it('refuses a request without a JWT at the gateway (401)', async () => {
		const answer = await call('checkout', { bare: true, body: body(world().a.phone) });
		expect(answer).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED_NO_AUTH_HEADER' } });
	});

	it('refuses a forged JWT at the gateway (401)', async () => {
		const { owner } = world().x;
		const { data } = await owner.client.auth.getSession();
		const [head, claims] = data.session!.access_token.split('.');
		const answer = await call('checkout', {
			as: `${head}.${claims}.${'A'.repeat(43)}`,
			body: body(world().a.phone)
		});
		expect(answer.status).toBe(401);
	});

	it('refuses a customer with 403 VAFA_FORBIDDEN and changes nothing', async () => {
		await world().setRules(RULES);
		const before = await snapshot(world());
		const answer = await call('checkout', { as: world().a.client, body: body(world().b.phone) });
		expect(answer).toMatchObject({ status: 403, body: { code: 'VAFA_FORBIDDEN' } });
		expect(answer.body.message).toEqual(expect.any(String));
		expect(await snapshot(world())).toEqual(before);
	});

	it("refuses another club's owner with 403 VAFA_FORBIDDEN", async () => {
		const answer = await call('checkout', {
			as: world().y.owner.client,
			body: body(world().a.phone)
		});
		expect(answer).toMatchObject({ status: 403, body: { code: 'VAFA_FORBIDDEN' } });
	});

	it('refuses the anon key as the caller with 403 VAFA_FORBIDDEN', async () => {
		const answer = await call('checkout', {
			as: inject('stack').anonKey,
			body: body(world().a.phone)
		});
		expect(answer).toMatchObject({ status: 403, body: { code: 'VAFA_FORBIDDEN' } });
	});

	it('lets a cashier, a manager and the owner of the club check out', async () => {
		await world().setRules(RULES);
		for (const staff of [world().x.cashier, world().x.manager, world().x.owner]) {
			const answer = await call('checkout', { as: staff.client, body: body(world().b.phone) });
			expect(answer.status, JSON.stringify(answer.body)).toBe(200);
			expect((await purchaseFacts(world(), answer.body.receipt.purchase_id)).recorded_by).toBe(
				staff.id
			);
		}
	});
});

describe('malformed requests', () => {
	const cases: [string, unknown, string][] = [
		['no amount', { program: 'x', card: '+972521234567', idempotency_key: 'k-12345678' }, 'amount'],
		[
			'a fractional amount',
			{ program: 'x', card: '+972521234567', amount: 10.5, idempotency_key: 'k-12345678' },
			'amount'
		],
		[
			'a negative amount',
			{ program: 'x', card: '+972521234567', amount: -5, idempotency_key: 'k-12345678' },
			'amount'
		],
		[
			'an amount as a string',
			{ program: 'x', card: '+972521234567', amount: '100', idempotency_key: 'k-12345678' },
			'amount'
		],
		[
			'a short idempotency key',
			{ program: 'x', card: '+972521234567', amount: 100, idempotency_key: 'k' },
			'idempotency_key'
		],
		[
			'an unknown field',
			{ program: 'x', card: '+972521234567', amount: 100, idempotency_key: 'k-12345678', tip: 5 },
			''
		],
		[
			'a malformed redemption code',
			{
				program: 'x',
				card: '+972521234567',
				amount: 100,
				idempotency_key: 'k-12345678',
				redeem: ['nope']
			},
			'redeem.0'
		]
	];
	it.each(cases)(
		'answers %s with 400 VAFA_INVALID_REQUEST naming the field',
		async (_, sent, path) => {
			const answer = await call('checkout', { as: world().x.cashier.client, body: sent });
			expect(answer.status).toBe(400);
			expect(answer.body).toMatchObject({
				code: 'VAFA_INVALID_REQUEST',
				message: expect.any(String)
			});
			expect(answer.body.issues.map((issue: { path: string }) => issue.path)).toContain(path);
		}
	);

	it('answers a body that is not JSON with 400 VAFA_INVALID_REQUEST', async () => {
		const answer = await call('checkout', { as: world().x.cashier.client, raw: '{"amount": ' });
		expect(answer).toMatchObject({ status: 400, body: { code: 'VAFA_INVALID_REQUEST' } });
	});

	it('answers a card it cannot read with 422 VAFA_CARD_UNREADABLE', async () => {
		const answer = await call('checkout', {
			as: world().x.cashier.client,
			body: body('hello there')
		});
		expect(answer).toMatchObject({ status: 422, body: { code: 'VAFA_CARD_UNREADABLE' } });
	});

	it('answers lines that do not add up to the amount with 422 VAFA_LINES_MISMATCH', async () => {
		const answer = await call('checkout', {
			as: world().x.cashier.client,
			body: body(world().a.phone, { lines: [{ amount: 5_000 }, { amount: 5_000 }] })
		});
		expect(answer).toMatchObject({ status: 422, body: { code: 'VAFA_LINES_MISMATCH' } });
	});

	it('answers GET with 405', async () => {
		const answer = await call('checkout', { as: world().x.cashier.client });
		expect(answer).toMatchObject({ status: 405, body: { code: 'VAFA_METHOD_NOT_ALLOWED' } });
	});
});

describe('the card', () => {
	it('accepts a live QR code, and the receipt explains every point', async () => {
		await world().setRules(RULES);
		const holder = await cardHolder(world());
		const answer = await call('checkout', {
			as: world().x.cashier.client,
			body: body(await qrOf(holder))
		});
		expect(answer.status, JSON.stringify(answer.body)).toBe(200);
		const { receipt } = answer.body;
		expect(receipt.lines).toEqual([
			expect.objectContaining({ points: 20, reason_key: 'rule.base' }),
			expect.objectContaining({ points: 50, reason_key: 'rule.first_purchase' })
		]);
		expect(receipt.points_earned).toBe(70);
		expect(receipt.balances).toEqual({ points: 70, wallet: 0 });
		expect(receipt.member.id).toBe(holder.memberId);
		expect(receipt.tier).toMatchObject({ before: 0, after: 0 });
		const facts = await purchaseFacts(world(), receipt.purchase_id);
		expect(facts).toMatchObject({ points_earned: 70, earned: 70 });
		expect(facts.actors).toEqual([world().x.cashier.id]);
	});

	it('refuses the same QR code again, under a new key, with 409 VAFA_CARD_REPLAYED', async () => {
		await world().setRules(RULES);
		const holder = await cardHolder(world());
		const screenshot = await qrOf(holder);
		const first = await call('checkout', { as: world().x.cashier.client, body: body(screenshot) });
		expect(first.status).toBe(200);
		const before = await snapshot(world());
		const again = await call('checkout', { as: world().x.cashier.client, body: body(screenshot) });
		expect(again).toMatchObject({ status: 409, body: { code: 'VAFA_CARD_REPLAYED' } });
		expect(await snapshot(world())).toEqual(before);
	});

	it('accepts the codes of the step before and after (clock skew), each once', async () => {
		await world().setRules(RULES);
		const holder = await cardHolder(world());
		for (const offset of [-1, 1]) {
			const answer = await call('checkout', {
				as: world().x.cashier.client,
				body: body(await qrOf(holder, offset))
			});
			expect(answer.status, JSON.stringify(answer.body)).toBe(200);
		}
	});

	it('refuses a code two minutes old with 422 VAFA_CARD_EXPIRED', async () => {
		const holder = await cardHolder(world());
		const answer = await call('checkout', {
			as: world().x.cashier.client,
			body: body(await qrOf(holder, -4))
		});
		expect(answer).toMatchObject({ status: 422, body: { code: 'VAFA_CARD_EXPIRED' } });
	});

	it('refuses a QR code whose MAC was altered with 422 VAFA_CARD_FORGED', async () => {
		const holder = await cardHolder(world());
		const payload = await qrOf(holder);
		// Change the MAC's first character: the last one also carries padding bits, and a change
		// there can make the payload unreadable rather than forged.
		const at = payload.lastIndexOf(':') + 1;
		const forged = payload.slice(0, at) + (payload[at] === 'A' ? 'B' : 'A') + payload.slice(at + 1);
		const answer = await call('checkout', { as: world().x.cashier.client, body: body(forged) });
		expect(answer).toMatchObject({ status: 422, body: { code: 'VAFA_CARD_FORGED' } });
	});

	it("answers another club's card with 404 VAFA_MEMBER_NOT_FOUND", async () => {
		const holder = await cardHolder(world());
		const answer = await call('checkout', {
			as: world().y.owner.client,
			body: { ...body(await qrOf(holder)), program: world().y.id }
		});
		expect(answer).toMatchObject({ status: 404, body: { code: 'VAFA_MEMBER_NOT_FOUND' } });
	});

	it('accepts the typed member number and 6-digit code once', async () => {
		await world().setRules(RULES);
		const holder = await cardHolder(world());
		const typed = await typedCodeOf(world(), holder);
		const first = await call('checkout', { as: world().x.cashier.client, body: body(typed) });
		expect(first.status, JSON.stringify(first.body)).toBe(200);
		const again = await call('checkout', { as: world().x.cashier.client, body: body(typed) });
		expect(again).toMatchObject({ status: 409, body: { code: 'VAFA_CARD_REPLAYED' } });
	});

	it('finds a member by phone, in Persian digits too', async () => {
		await world().setRules(RULES);
		const persian = world().a.phone.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
		const answer = await call('checkout', { as: world().x.cashier.client, body: body(persian) });
		expect(answer.status, JSON.stringify(answer.body)).toBe(200);
		expect(answer.body.receipt.member.id).toBe(world().a.memberId);
	});

	it('answers an unknown phone with 404 VAFA_MEMBER_NOT_FOUND', async () => {
		const answer = await call('checkout', {
			as: world().x.cashier.client,
			body: body('+972529999999')
		});
		expect(answer).toMatchObject({ status: 404, body: { code: 'VAFA_MEMBER_NOT_FOUND' } });
	});
});

describe('idempotency', () => {
	it('returns the identical receipt for a replayed key and records one purchase', async () => {
		await world().setRules(RULES);
		const holder = await cardHolder(world());
		const sent = body(await qrOf(holder));
		const first = await call('checkout', { as: world().x.cashier.client, body: sent });
		expect(first.status).toBe(200);
		const before = await snapshot(world());
		const again = await call('checkout', { as: world().x.cashier.client, body: sent });
		expect(again.status).toBe(200);
		expect(again.body).toEqual(first.body);
		expect(await snapshot(world())).toEqual(before);
	});

	it('refuses the same key with another body with 409 VAFA_IDEMPOTENCY_KEY_REUSED', async () => {
		await world().setRules(RULES);
		const sent = body(world().a.phone);
		expect((await call('checkout', { as: world().x.cashier.client, body: sent })).status).toBe(200);
		const answer = await call('checkout', {
			as: world().x.cashier.client,
			body: { ...sent, amount: 30_000 }
		});
		expect(answer).toMatchObject({ status: 409, body: { code: 'VAFA_IDEMPOTENCY_KEY_REUSED' } });
	});

	it("does not show a receipt to another club's staff who guess its key", async () => {
		const sent = body(world().a.phone);
		expect((await call('checkout', { as: world().x.cashier.client, body: sent })).status).toBe(200);
		const answer = await call('checkout', { as: world().y.owner.client, body: sent });
		expect(answer).toMatchObject({ status: 403, body: { code: 'VAFA_FORBIDDEN' } });
	});

	it('credits a member once when the same checkout is sent twice at the same moment', async () => {
		await world().setRules(RULES);
		const sent = body(world().b.phone);
		const answers = await Promise.all(
			[0, 1].map(() => call('checkout', { as: world().x.cashier.client, body: sent }))
		);
		expect(answers.map((a) => a.status)).toEqual([200, 200]);
		expect(answers[1].body).toEqual(answers[0].body);
	});
});

describe('rules', () => {
	it('gives no points, and says why, when the club has no rules yet', async () => {
		const { rows } = await world().db.query(
			`insert into public.programs (slug, name) values ('norules-' || substr(md5(random()::text), 1, 8), 'No rules')
			 returning id`
		);
		const club = rows[0].id;
		await world().db.query(
			`insert into public.program_staff (program_id, user_id, role) values ($1, $2, 'cashier')`,
			[club, world().x.cashier.id]
		);
		await world().db.query(
			`insert into public.members (program_id, user_id, member_number) values ($1, $2, 1)`,
			[club, world().a.id]
		);
		const answer = await call('checkout', {
			as: world().x.cashier.client,
			body: { ...body(world().a.phone), program: club }
		});
		expect(answer.status, JSON.stringify(answer.body)).toBe(200);
		expect(answer.body.receipt).toMatchObject({
			points_earned: 0,
			lines: [{ points: 0, reason_key: 'rule.none', reason_params: {} }],
			rule_version: null
		});
	});

	it('gives the first-purchase bonus once when two first purchases race', async () => {
		await world().setRules(RULES);
		const holder = await cardHolder(world());
		const { rows } = await world().db.query(`select u.phone from auth.users u where u.id = $1`, [
			holder.id
		]);
		const phone = `+${rows[0].phone}`;
		const answers = await Promise.all(
			[0, 1].map(() => call('checkout', { as: world().x.cashier.client, body: body(phone) }))
		);
		expect(answers.map((a) => a.status)).toEqual([200, 200]);
		const bonuses = answers.flatMap((a) =>
			a.body.receipt.lines.filter(
				(l: { reason_key: string }) => l.reason_key === 'rule.first_purchase'
			)
		);
		expect(bonuses).toHaveLength(1);
	});

	it('credits the referrer on a referred member’s first purchase and issues punch-card gifts', async () => {
		const reward = (
			await world().db.query(
				`insert into public.rewards (program_id, name, points_cost) values ($1, 'Free tea', 30) returning id`,
				[world().x.id]
			)
		).rows[0].id;
		await world().setRules({
			...RULES,
			referral: { referee_points: 10, referrer_points: 15 },
			punch_card: { every: 2, reward_id: reward }
		});
		const referrer = await cardHolder(world());
		const referee = await cardHolder(world());
		await world().db.query('update public.members set referred_by = $1 where id = $2', [
			referrer.memberId,
			referee.memberId
		]);
		const first = await call('checkout', {
			as: world().x.cashier.client,
			body: body(await qrOf(referee))
		});
		expect(first.status, JSON.stringify(first.body)).toBe(200);
		expect(first.body.receipt.referrer_points).toBe(15);
		expect(first.body.receipt.lines.map((l: { reason_key: string }) => l.reason_key)).toEqual([
			'rule.base',
			'rule.first_purchase',
			'rule.referral'
		]);
		const { rows } = await world().db.query(
			`select amount::int, reason_key, actor from public.ledger_entries where member_id = $1`,
			[referrer.memberId]
		);
		expect(rows).toEqual([
			{ amount: 15, reason_key: 'rule.referral', actor: world().x.cashier.id }
		]);
		expect(first.body.receipt.gifts).toEqual([]);

		const second = await call('checkout', {
			as: world().x.cashier.client,
			body: body(await qrOf(referee, 1))
		});
		expect(second.status, JSON.stringify(second.body)).toBe(200);
		expect(second.body.receipt.referrer_points).toBe(0);
		expect(second.body.receipt.gifts).toEqual([
			expect.objectContaining({
				reward_id: reward,
				status: 'issued',
				code: expect.stringMatching(/^[2-9A-HJKMNP-Z]{8}$/),
				reason_key: 'rule.punch_card'
			})
		]);
		const gift = await world().db.query(
			'select points_cost::int, status, member_id from public.redemptions where code = $1',
			[second.body.receipt.gifts[0].code]
		);
		expect(gift.rows).toEqual([{ points_cost: 0, status: 'issued', member_id: referee.memberId }]);
	});
});

describe('the audit trail', () => {
	it('names the cashier in the operation, the entries and the audit log', async () => {
		await world().setRules(RULES);
		const answer = await call('checkout', {
			as: world().x.cashier.client,
			body: body(world().a.phone)
		});
		expect(answer.status).toBe(200);
		const { rows } = await world().db.query(
			`select (select actor from public.audit_log where action = 'checkout' and target_id = $1) as audit,
			   (select actor from public.operations o where o.program_id = $2 and o.kind = 'checkout'
			      and o.result ->> 'purchase_id' = $1) as operation`,
			[answer.body.receipt.purchase_id, world().x.id]
		);
		expect(rows[0]).toEqual({ audit: world().x.cashier.id, operation: world().x.cashier.id });
	});
});
