/**
 * The rotating QR code end to end: drawn from the secret the function issued, read back by a
 * camera decoder from the PNG, verified with the secret the service role holds, and accepted once.
 */
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	cardPayload,
	decodeSecret,
	fallbackCode,
	parseCard,
	stepAt,
	verifyFallback,
	verifyQr,
	type ParsedCard
} from '../../supabase/functions/_shared/qr.ts';
import { createWorld, type World } from './world';

let world: World;
let secret: Uint8Array;
beforeAll(async () => {
	world = await createWorld();
	const { data, error } = await world.a.client.functions.invoke('card-secret', {
		body: { member_id: world.a.memberId }
	});
	if (error) throw error;
	secret = decodeSecret(data.secret);
});
afterAll(() => world.end());

/** What the checkout does with a scan: read the card’s secret as the service role, check the MAC. */
async function checkout(text: string, now = new Date()) {
	const card = parseCard(text);
	if (card?.kind !== 'qr') return { ok: false as const, code: 'not a QR payload' };
	const { data, error } = await world.service.rpc('card_secret_for', { p_member_id: card.cardId });
	expect(error).toBeNull();
	if (!data) return { ok: false as const, code: 'VAFA_CARD_FORGED' };
	const check = await verifyQr(card, decodeSecret(data), now);
	if (!check.ok) return check;
	const claim = await world.service.rpc('claim_card_step', {
		p_member_id: card.cardId,
		p_step: check.step
	});
	expect(claim.error).toBeNull();
	return claim.data ? check : { ok: false as const, code: 'VAFA_CARD_REPLAYED' };
}

async function claim(memberId: string, step: number) {
	const { data, error } = await world.service.rpc('claim_card_step', {
		p_member_id: memberId,
		p_step: step
	});
	expect(error).toBeNull();
	return data as boolean;
}

describe('the QR code a card shows', () => {
	it('is a small QR code in alphanumeric mode that a camera decoder reads back exactly', async () => {
		const payload = await cardPayload(world.a.memberId, secret, new Date());
		const code = QRCode.create(payload, { errorCorrectionLevel: 'M' });
		expect(code.version).toBeLessThanOrEqual(4);
		expect(code.version).toBe(3);

		const png = await QRCode.toBuffer(payload, { errorCorrectionLevel: 'M', scale: 6, margin: 4 });
		const image = PNG.sync.read(png);
		const read = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
		expect(read?.data).toBe(payload);
		expect(read?.version).toBe(3);
		expect(read?.chunks.map((chunk) => chunk.type)).toEqual(['alphanumeric']);
		expect(parseCard(read!.data)).toMatchObject({ kind: 'qr', cardId: world.a.memberId });
	});

	it('is accepted once at the checkout; the same picture shown again is refused', async () => {
		const at = new Date();
		const payload = await cardPayload(world.a.memberId, secret, at);
		expect(await checkout(payload)).toEqual({ ok: true, step: stepAt(at) });
		expect(await checkout(payload)).toEqual({ ok: false, code: 'VAFA_CARD_REPLAYED' });
	});

	it('is dead a minute later: a screenshot two steps old is expired', async () => {
		const then = new Date(Date.now() - 60_000);
		const payload = await cardPayload(world.a.memberId, secret, then);
		expect(await checkout(payload)).toEqual({ ok: false, code: 'VAFA_CARD_EXPIRED' });
	});

	it('is refused when drawn with a made-up secret, or carrying another card’s id', async () => {
		const forged = await cardPayload(
			world.a.memberId,
			crypto.getRandomValues(new Uint8Array(32)),
			new Date()
		);
		expect(await checkout(forged)).toEqual({ ok: false, code: 'VAFA_CARD_FORGED' });
		const swapped = await cardPayload(world.b.memberId, secret, new Date());
		expect(await checkout(swapped)).toEqual({ ok: false, code: 'VAFA_CARD_FORGED' });
	});

	it('drawn by a customer of another club verifies only as that club’s card', async () => {
		const { data, error } = await world.y.customer.client.functions.invoke('card-secret', {
			body: { member_id: world.y.customer.memberId }
		});
		expect(error).toBeNull();
		const card = parseCard(
			await cardPayload(world.y.customer.memberId, decodeSecret(data.secret), new Date())
		) as Extract<ParsedCard, { kind: 'qr' }>;
		// The payload names a member of club Y, so the checkout of club X finds no member of its own.
		const { rows } = await world.db.query('select program_id from public.members where id = $1', [
			card.cardId
		]);
		expect(rows).toEqual([{ program_id: world.y.id }]);
		expect(await verifyQr({ ...card, cardId: world.a.memberId }, secret, new Date())).toEqual({
			ok: false,
			code: 'VAFA_CARD_FORGED'
		});
	});
});

describe('the typed fallback', () => {
	it('verifies against the server’s secret, typed in Persian digits', async () => {
		const step = stepAt(new Date());
		const code = await fallbackCode(secret, step);
		const typed = `۱-${code}`.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
		const card = parseCard(typed);
		expect(card).toEqual({ kind: 'fallback', memberNumber: 1, code });
		const { data } = await world.service.rpc('card_secret_for', { p_member_id: world.a.memberId });
		expect(await verifyFallback(code, decodeSecret(data), new Date())).toMatchObject({ ok: true });
	});
});

describe('claim_card_step, the replay guard', () => {
	it('is true the first time a card’s step is used and false after', async () => {
		const step = stepAt(new Date()) + 1;
		expect(await claim(world.b.memberId, step)).toBe(true);
		expect(await claim(world.b.memberId, step)).toBe(false);
		expect(await claim(world.b.memberId, step - 1)).toBe(true);
		expect(await claim(world.a.memberId, step)).toBe(true);
	});

	it('lets exactly one of many cashiers scanning the same picture at once through', async () => {
		const step = stepAt(new Date()) - 1;
		const results = await Promise.all(
			Array.from({ length: 8 }, () => claim(world.y.customer.memberId, step))
		);
		expect(results.filter(Boolean)).toHaveLength(1);
	});

	it('refuses a step older than the day it remembers, and forgets a card’s uses older than that', async () => {
		const now = stepAt(new Date());
		expect(await claim(world.b.memberId, now - 2881)).toBe(false);
		await world.db.query(
			`insert into private.card_step_uses (member_id, step, used_at) values ($1, $2, now() - interval '2 days')`,
			[world.b.memberId, now - 5000]
		);
		expect(await claim(world.b.memberId, now - 2)).toBe(true);
		const { rows } = await world.db.query(
			'select step from private.card_step_uses where member_id = $1 and step < $2',
			[world.b.memberId, now - 2880]
		);
		expect(rows).toEqual([]);
	});

	it('is for the service role only: a customer or anon gets permission denied', async () => {
		for (const client of [world.a.client, world.x.cashier.client, world.anon]) {
			const { data, error } = await client.rpc('claim_card_step', {
				p_member_id: world.a.memberId,
				p_step: stepAt(new Date()) + 3
			});
			expect(data).toBeNull();
			expect(error).toMatchObject({
				code: '42501',
				message: 'permission denied for function claim_card_step'
			});
		}
		expect(await claim(world.a.memberId, stepAt(new Date()) + 3)).toBe(true);
	});
});
