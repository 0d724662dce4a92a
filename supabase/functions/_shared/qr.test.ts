import { deepStrictEqual, equal, ok, throws } from 'node:assert/strict';
import {
	cardPayload,
	decodeSecret,
	encodeSecret,
	fallbackCode,
	hotp,
	newSecret,
	parseCard,
	STEP_SECONDS,
	stepAt,
	verifyFallback,
	verifyQr,
	type ParsedCard
} from './qr.ts';

const CARD = '3f2c9a1e-7b4d-4c8e-9a0b-5d6e7f8a9b0c';
const OTHER_CARD = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
const NOW = new Date('2026-11-23T08:30:10Z');

function atStep(step: number): Date {
	return new Date(step * STEP_SECONDS * 1000 + 5_000);
}

async function scanned(cardId: string, secret: Uint8Array, at: Date) {
	const card = parseCard(await cardPayload(cardId, secret, at));
	if (card?.kind !== 'qr') throw new Error(`not read as a QR payload: ${JSON.stringify(card)}`);
	return card;
}

Deno.test('the TOTP core gives RFC 6238’s SHA-256 test vectors', async () => {
	const seed = new TextEncoder().encode('12345678901234567890123456789012');
	const vectors: [number, string][] = [
		[59, '46119246'],
		[1111111109, '68084774'],
		[1111111111, '67062674'],
		[1234567890, '91819424'],
		[2000000000, '90698825'],
		[20000000000, '77737706']
	];
	for (const [seconds, expected] of vectors) {
		const step = stepAt(new Date(seconds * 1000));
		equal(await hotp(seed, step, 8), expected, `T = ${seconds}`);
	}
	equal(await fallbackCode(seed, stepAt(new Date(59_000))), '119246');
});

Deno.test('the example in qr.ts’s format comment is what the code draws', async () => {
	const seed = new TextEncoder().encode('12345678901234567890123456789012');
	equal(stepAt(NOW), 59847420);
	equal(await cardPayload(CARD, seed, NOW), 'V1:7WP9M7KV9N68X6GBBNQ7Z2MV1G:1S2CQW:DB36JX9TMS7AA');
	equal(await fallbackCode(seed, stepAt(NOW)), '435693');
});

Deno.test('steps are 30 seconds long and start on the epoch', () => {
	equal(stepAt(new Date(0)), 0);
	equal(stepAt(new Date(29_999)), 0);
	equal(stepAt(new Date(30_000)), 1);
});

Deno.test('a secret is 32 random bytes and survives base64url', () => {
	const secret = newSecret();
	equal(secret.length, 32);
	const text = encodeSecret(secret);
	ok(/^[A-Za-z0-9_-]{43}$/.test(text));
	deepStrictEqual(decodeSecret(text), secret);
	ok(encodeSecret(newSecret()) !== text);
	throws(() => decodeSecret(text.slice(1)));
	throws(() => decodeSecret(text.slice(1) + '+'));
});

Deno.test('a payload reads back as its card and step and fits a small QR code', async () => {
	const secret = newSecret();
	const payload = await cardPayload(CARD, secret, NOW);
	ok(/^V1:[0-9A-Z]{26}:[0-9A-Z]{6}:[0-9A-Z]{13}$/.test(payload), payload);
	ok(/^[0-9A-Z $%*+\-./:]+$/.test(payload), 'only QR alphanumeric characters');
	equal(payload.length, 50);
	const card = parseCard(payload);
	deepStrictEqual(card, {
		kind: 'qr',
		version: 1,
		cardId: CARD,
		step: stepAt(NOW),
		mac: payload.slice(-13)
	});
	deepStrictEqual(parseCard(` ${payload.toLowerCase()}\n`), card);
	deepStrictEqual(await verifyQr(card as Extract<ParsedCard, { kind: 'qr' }>, secret, NOW), {
		ok: true,
		step: stepAt(NOW)
	});
});

Deno.test(
	'a code one step early or late is accepted, so 30 s of clock skew does no harm',
	async () => {
		const secret = newSecret();
		const step = stepAt(NOW);
		for (const drift of [-1, 0, 1]) {
			const card = await scanned(CARD, secret, atStep(step + drift));
			deepStrictEqual(await verifyQr(card, secret, NOW), { ok: true, step: step + drift });
			const code = await fallbackCode(secret, step + drift);
			deepStrictEqual(await verifyFallback(code, secret, NOW), { ok: true, step: step + drift });
		}
	}
);

Deno.test('a screenshot two steps old or more is expired', async () => {
	const secret = newSecret();
	const step = stepAt(NOW);
	for (const drift of [-2, 2, -120]) {
		const card = await scanned(CARD, secret, atStep(step + drift));
		deepStrictEqual(await verifyQr(card, secret, NOW), { ok: false, code: 'VAFA_CARD_EXPIRED' });
	}
	const code = await fallbackCode(secret, step - 2);
	deepStrictEqual(await verifyFallback(code, secret, NOW), {
		ok: false,
		code: 'VAFA_CARD_EXPIRED'
	});
});

Deno.test('a payload with one MAC character changed is forged', async () => {
	const secret = newSecret();
	const payload = await cardPayload(CARD, secret, NOW);
	const last = payload.at(-2) === '0' ? '1' : '0';
	const card = parseCard(payload.slice(0, -2) + last + payload.at(-1));
	ok(card?.kind === 'qr');
	deepStrictEqual(await verifyQr(card, secret, NOW), { ok: false, code: 'VAFA_CARD_FORGED' });
});

Deno.test('a payload whose card id or step was changed is forged', async () => {
	const secret = newSecret();
	const card = await scanned(CARD, secret, NOW);
	deepStrictEqual(await verifyQr({ ...card, cardId: OTHER_CARD }, secret, NOW), {
		ok: false,
		code: 'VAFA_CARD_FORGED'
	});
	deepStrictEqual(await verifyQr({ ...card, step: card.step + 1 }, secret, NOW), {
		ok: false,
		code: 'VAFA_CARD_FORGED'
	});
});

Deno.test('a code made with another card’s secret is forged', async () => {
	const mine = newSecret();
	const theirs = newSecret();
	const card = await scanned(CARD, theirs, NOW);
	deepStrictEqual(await verifyQr(card, mine, NOW), { ok: false, code: 'VAFA_CARD_FORGED' });
	const code = await fallbackCode(theirs, stepAt(NOW));
	const result = await verifyFallback(code, mine, NOW);
	equal(result.ok, false);
});

Deno.test('a wrong typed code is forged', async () => {
	const secret = newSecret();
	const right = await fallbackCode(secret, stepAt(NOW));
	const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
	deepStrictEqual(await verifyFallback(wrong, secret, NOW), {
		ok: false,
		code: 'VAFA_CARD_FORGED'
	});
	deepStrictEqual(await verifyFallback('12345', secret, NOW), {
		ok: false,
		code: 'VAFA_CARD_FORGED'
	});
});

Deno.test(
	'a member number and code typed in Persian or Arabic digits reads as the fallback',
	async () => {
		const secret = newSecret();
		const code = await fallbackCode(secret, stepAt(NOW));
		const persian = (text: string) => text.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
		const arabic = (text: string) => text.replace(/\d/g, (d) => '٠١٢٣٤٥٦٧٨٩'[Number(d)]);
		const spaced = `${code.slice(0, 3)} ${code.slice(3)}`;
		for (const typed of [
			`1001-${code}`,
			`1001 ${spaced}`,
			persian(`1001-${code}`),
			`\u200f${persian(`1001 ${spaced}`)}`,
			arabic(`1001/${code}`)
		]) {
			deepStrictEqual(parseCard(typed), { kind: 'fallback', memberNumber: 1001, code }, typed);
		}
		deepStrictEqual(await verifyFallback(persian(code), secret, NOW), {
			ok: true,
			step: stepAt(NOW)
		});
	}
);

Deno.test('phone numbers are read as phones, in any digits', () => {
	for (const typed of ['+989120000001', '0912 000 0001', '۰۹۱۲۰۰۰۰۰۰۱', '+972 52-123-4567']) {
		equal(parseCard(typed)?.kind, 'phone', typed);
	}
	deepStrictEqual(parseCard('۰۹۱۲۰۰۰۰۰۰۱'), { kind: 'phone', input: '09120000001' });
});

Deno.test('anything else is not a card, and a malformed payload is not half read', () => {
	for (const typed of [
		'',
		'hello',
		'1001',
		'1001-1234',
		'V2:0000000000000000000000000:1:0000000000000',
		'V1:0000000000000000000000000:1:0000000000000',
		'V1:00000000000000000000000000:1:000000000000I',
		'V1:00000000000000000000000003:1:0000000000000',
		'https://example.com/?card=1',
		'x'.repeat(500)
	]) {
		equal(parseCard(typed), null, typed);
	}
	ok(parseCard('0001-123456')?.kind !== 'fallback', 'member numbers start at 1');
});
