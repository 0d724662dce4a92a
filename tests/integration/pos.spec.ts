/**
 * The POS API (/functions/v1/pos/…) for point-of-sale systems: keys that are shown once, stored
 * hashed, revocable and rate-limited; purchases, refunds and look-ups with checkout's idempotency.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { call, RULES } from './checkout-helpers';
import { expectCode, ok, snapshot, useWorld } from './ledger-helpers';

const world = useWorld();
let keyX: string;
let keyXId: string;
let keyY: string;

const pos = (path: string, key: string | null, body?: unknown) =>
	call(`pos/${path}`, {
		bare: true,
		headers: key === null ? {} : { 'x-vafa-pos-key': key },
		body
	});

const purchase = (extra: Record<string, unknown> = {}) => ({
	member: { phone: world().a.phone },
	amount: 40_000,
	idempotency_key: world().key(),
	...extra
});

beforeAll(async () => {
	await world().setRules(RULES);
	const x = ok(
		await world().x.manager.client.rpc('create_pos_key', {
			p_program_id: world().x.id,
			p_name: 'Till 1'
		})
	);
	keyX = x.key;
	keyXId = x.id;
	keyY = ok(
		await world().y.owner.client.rpc('create_pos_key', {
			p_program_id: world().y.id,
			p_name: 'Till Y'
		})
	).key;
});

describe('keys', () => {
	it('are shown once, and managers list them by prefix without the hash', async () => {
		expect(keyX).toMatch(/^vafa_pos_[0-9a-f]{12}_[0-9a-f]{48}$/);
		const { data, error } = await world()
			.x.owner.client.from('pos_api_keys')
			.select('id, name, prefix, created_by, revoked_at');
		expect(error).toBeNull();
		expect(data).toEqual([
			{
				id: keyXId,
				name: 'Till 1',
				prefix: keyX.split('_')[2],
				created_by: world().x.manager.id,
				revoked_at: null
			}
		]);
		const hash = await world().x.owner.client.from('pos_api_keys').select('key_hash');
		expect(hash.error?.code).toBe('42501');
		const stored = await world().db.query(
			'select key_hash from public.pos_api_keys where id = $1',
			[keyXId]
		);
		expect(stored.rows[0].key_hash).not.toContain(keyX.split('_')[3]);
	});

	it('may not be created by a cashier, a customer or another club', async () => {
		for (const client of [world().x.cashier.client, world().a.client, world().y.owner.client]) {
			expectCode(
				await client.rpc('create_pos_key', { p_program_id: world().x.id, p_name: 'Rogue' }),
				'VAFA_FORBIDDEN'
			);
		}
	});

	it('is audited with the manager who created it', async () => {
		const { rows } = await world().db.query(
			`select actor from public.audit_log where action = 'pos_key.create' and target_id = $1`,
			[keyXId]
		);
		expect(rows).toEqual([{ actor: world().x.manager.id }]);
	});
});

describe('who may call the POS API', () => {
	it('refuses a request without a key with 401 VAFA_API_KEY_INVALID', async () => {
		const answer = await pos('purchases', null, purchase());
		expect(answer).toMatchObject({ status: 401, body: { code: 'VAFA_API_KEY_INVALID' } });
	});

	it('refuses a wrong key with 401 VAFA_API_KEY_INVALID', async () => {
		const wrong = keyX.slice(0, -4) + (keyX.endsWith('0000') ? '1111' : '0000');
		const answer = await pos('purchases', wrong, purchase());
		expect(answer).toMatchObject({ status: 401, body: { code: 'VAFA_API_KEY_INVALID' } });
	});

	it("refuses a staff member's JWT in place of a key with 401", async () => {
		const { data } = await world().x.owner.client.auth.getSession();
		const answer = await call('pos/purchases', {
			as: data.session!.access_token,
			body: purchase()
		});
		expect(answer).toMatchObject({ status: 401, body: { code: 'VAFA_API_KEY_INVALID' } });
	});

	it('refuses a revoked key with 403 VAFA_API_KEY_REVOKED', async () => {
		const created = ok(
			await world().x.owner.client.rpc('create_pos_key', {
				p_program_id: world().x.id,
				p_name: 'Old till'
			})
		);
		expect((await pos('members?member_number=1', created.key)).status).toBe(200);
		expectCode(
			await world().x.cashier.client.rpc('revoke_pos_key', { p_key_id: created.id }),
			'VAFA_FORBIDDEN'
		);
		ok(await world().x.manager.client.rpc('revoke_pos_key', { p_key_id: created.id }));
		const answer = await pos('purchases', created.key, purchase());
		expect(answer).toMatchObject({ status: 403, body: { code: 'VAFA_API_KEY_REVOKED' } });
	});

	it("gives another club's key nothing of club X: not its members, purchases or refunds", async () => {
		const before = await snapshot(world());
		const lookup = await pos(`members?member_number=1`, keyY);
		expect(lookup.body.member_id).not.toBe(world().a.memberId);
		expect(
			(await pos(`members?phone=${encodeURIComponent(world().a.phone)}`, keyY)).body
		).toMatchObject({ code: 'VAFA_MEMBER_NOT_FOUND' });
		const bought = await pos('purchases', keyY, purchase());
		expect(bought).toMatchObject({ status: 404, body: { code: 'VAFA_MEMBER_NOT_FOUND' } });
		expect(await snapshot(world())).toEqual(before);
		const purchaseId = await world().earn(world().a.memberId, 10);
		const before2 = await snapshot(world());
		const refund = await pos('refunds', keyY, {
			purchase_id: purchaseId,
			amount: 1_000,
			idempotency_key: world().key()
		});
		expect(refund).toMatchObject({ status: 404, body: { code: 'VAFA_PURCHASE_NOT_FOUND' } });
		expect(await snapshot(world())).toEqual(before2);
	});

	it('rate-limits each key: over its limit a minute, 429 VAFA_RATE_LIMITED', async () => {
		const created = ok(
			await world().x.owner.client.rpc('create_pos_key', {
				p_program_id: world().x.id,
				p_name: 'Busy till'
			})
		);
		await world().db.query('update public.pos_api_keys set rate_limit = 3 where id = $1', [
			created.id
		]);
		const answers = await Promise.all(
			Array.from({ length: 5 }, () => pos('members?member_number=1', created.key))
		);
		const statuses = answers.map((a) => a.status).sort();
		// Unless the minute turned during the burst, exactly three pass.
		expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(3);
		expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(5);
		if (statuses.includes(429)) {
			const limited = answers.find((a) => a.status === 429)!;
			expect(limited.body).toMatchObject({ code: 'VAFA_RATE_LIMITED' });
		}
		const { rows } = await world().db.query(
			'select window_count from public.pos_api_keys where id = $1',
			[created.id]
		);
		expect(rows[0].window_count).toBeLessThanOrEqual(3);
	});
});

describe('purchases, refunds and look-ups', () => {
	it('records a purchase by phone, as the key, with a receipt like the checkout’s', async () => {
		const answer = await pos(
			'purchases',
			keyX,
			purchase({ external_ref: `till-${world().key()}` })
		);
		expect(answer.status, JSON.stringify(answer.body)).toBe(200);
		const { receipt } = answer.body;
		expect(receipt.points_earned).toBe(
			receipt.lines.reduce((sum: number, l: { points: number }) => sum + l.points, 0)
		);
		expect(answer.headers.get('x-ratelimit-limit')).toBe('120');
		const { rows } = await world().db.query(
			`select actor, details ->> 'pos_key_id' as key from public.audit_log
			 where action = 'checkout' and target_id = $1`,
			[receipt.purchase_id]
		);
		expect(rows).toEqual([{ actor: world().x.manager.id, key: keyXId }]);
	});

	it('records a purchase by member number, with lines', async () => {
		const answer = await pos(
			'purchases',
			keyX,
			purchase({
				member: { member_number: 2 },
				lines: [{ amount: 30_000, category: 'food', sku: 'A-1', quantity: 2 }, { amount: 10_000 }]
			})
		);
		expect(answer.status, JSON.stringify(answer.body)).toBe(200);
		expect(answer.body.receipt.member.id).toBe(world().b.memberId);
		expect(answer.body.receipt.lines.map((l: { line?: number }) => l.line)).toEqual(
			expect.arrayContaining([0, 1])
		);
	});

	it('returns the identical receipt for a replayed key, and refuses a reused till reference', async () => {
		const ref = `till-${world().key()}`;
		const sent = purchase({ external_ref: ref });
		const first = await pos('purchases', keyX, sent);
		expect(first.status).toBe(200);
		const again = await pos('purchases', keyX, sent);
		expect(again.body).toEqual(first.body);
		const duplicate = await pos('purchases', keyX, purchase({ external_ref: ref }));
		expect(duplicate).toMatchObject({ status: 409, body: { code: 'VAFA_PURCHASE_DUPLICATE' } });
	});

	it('refunds by till reference and claws back points in proportion, once per key', async () => {
		const ref = `till-${world().key()}`;
		const bought = await pos('purchases', keyX, purchase({ external_ref: ref, amount: 100_000 }));
		expect(bought.status).toBe(200);
		const earned = bought.body.receipt.points_earned as number;
		const pointsBefore = bought.body.receipt.balances.points as number;
		const refund = { external_ref: ref, amount: 50_000, idempotency_key: world().key() };
		const answer = await pos('refunds', keyX, refund);
		expect(answer.status, JSON.stringify(answer.body)).toBe(200);
		expect(answer.body.refund).toMatchObject({
			purchase_id: bought.body.receipt.purchase_id,
			refunded_amount: 50_000,
			points_clawed_back: Math.floor(earned / 2)
		});
		expect(answer.body.refund.balances.points).toBe(pointsBefore - Math.floor(earned / 2));
		expect((await pos('refunds', keyX, refund)).body).toEqual(answer.body);
		const rest = await pos('refunds', keyX, {
			purchase_id: bought.body.receipt.purchase_id,
			amount: 60_000,
			idempotency_key: world().key()
		});
		expect(rest).toMatchObject({ status: 422, body: { code: 'VAFA_REFUND_TOO_LARGE' } });
		const { rows } = await world().db.query(
			`select actor, details ->> 'pos_key_id' as key from public.audit_log
			 where action = 'purchase.refund' and target_id = $1`,
			[bought.body.receipt.purchase_id]
		);
		expect(rows).toEqual([{ actor: world().x.manager.id, key: keyXId }]);
	});

	it('looks a member up by phone or number with their tier and balances', async () => {
		const byPhone = await pos(`members?phone=${encodeURIComponent(world().a.phone)}`, keyX);
		expect(byPhone.status).toBe(200);
		expect(byPhone.body).toEqual({
			member_id: world().a.memberId,
			member_number: 1,
			display_name: 'A',
			tier: { rank: expect.any(Number), name: expect.any(String) },
			balances: { points: expect.any(Number), wallet: expect.any(Number) }
		});
		const byNumber = await pos('members?member_number=1', keyX);
		expect(byNumber.body).toEqual(byPhone.body);
		expect((await pos('members?member_number=999', keyX)).status).toBe(404);
	});

	const malformed: [string, string, unknown][] = [
		['a purchase without a member', 'purchases', { amount: 100, idempotency_key: 'k-12345678' }],
		[
			'a purchase with a fractional amount',
			'purchases',
			{ member: { member_number: 1 }, amount: 1.5, idempotency_key: 'k-12345678' }
		],
		[
			'a refund naming both the id and the reference',
			'refunds',
			{
				purchase_id: '00000000-0000-4000-8000-000000000000',
				external_ref: 'r',
				amount: 1,
				idempotency_key: 'k-12345678'
			}
		],
		['a look-up without phone or number', 'members', undefined]
	];
	it.each(malformed)('answers %s with 400 VAFA_INVALID_REQUEST', async (_, path, body) => {
		const answer = await pos(path, keyX, body);
		expect(answer).toMatchObject({ status: 400, body: { code: 'VAFA_INVALID_REQUEST' } });
	});

	it('answers an unknown path with 404 and a wrong method with 405', async () => {
		expect((await pos('nothing', keyX)).status).toBe(404);
		expect((await pos('members', keyX, {})).status).toBe(405);
	});
});
