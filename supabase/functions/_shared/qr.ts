/**
 * The rotating card code: TOTP (RFC 6238) per card, drawn offline by the app and checked by the
 * checkout. Dependency-free, Web Crypto only, no Deno or Node globals, so the app can import it.
 *
 * ## Format, version 1
 *
 * Secret: 32 random bytes per card (member), issued by `issue_card_secret`; a new issue replaces
 * the old secret, so earlier devices stop producing valid codes. Carried as base64url, no padding
 * (43 characters).
 *
 * Step: `floor(unix_seconds / 30)`. The checkout accepts the step it computes from its own clock
 * and the one before and after (±30 s of skew), and each (card, step) only once.
 *
 * QR payload, in QR alphanumeric mode (upper case, `0-9 A-Z :`):
 *
 *     V1:<card>:<step>:<mac>
 *
 * - `V1`     the format version.
 * - `<card>` the member id (a UUID) as its 16 bytes in base32, 26 characters.
 * - `<step>` the step number in base32, most significant digit first, no leading zeros
 *            (6 characters until the year 3990).
 * - `<mac>`  the first 8 bytes of HMAC-SHA-256(secret, 0x01 || card bytes (16) || step as an
 *            8-byte big-endian integer), in base32, 13 characters.
 *
 * Base32 is Crockford's alphabet `0123456789ABCDEFGHJKMNPQRSTVWXYZ` (no I, L, O, U); bytes are
 * read most significant bit first, the last character padded with zero bits, no `=` padding.
 * A payload is 50 characters today: a version 3 QR code at error correction M (room for 61).
 * Example: card 3f2c9a1e-7b4d-4c8e-9a0b-5d6e7f8a9b0c, secret the ASCII bytes of
 * `12345678901234567890123456789012`, step 59847420 (2026-11-23T08:30:00Z) give
 * `V1:7WP9M7KV9N68X6GBBNQ7Z2MV1G:1S2CQW:DB36JX9TMS7AA` and the typed code 435693.
 *
 * Typed fallback: the 6-digit code is HOTP(secret, step) with HMAC-SHA-256 and RFC 4226 dynamic
 * truncation (that is, RFC 6238 TOTP with SHA-256, 6 digits, 30 s). It is typed after the member
 * number with a separator: `1001-482913`, `1001 482 913`, in Latin, Persian or Arabic digits.
 * The QR code and the typed code of one step are one use of that step. Anything else with a
 * leading + or 9 to 17 digits (spaces, dashes and brackets aside) is read as a phone number.
 */

import {
	CROCKFORD,
	FALLBACK_DIGITS,
	MAC_BYTES,
	VERSION,
	counterBytes,
	macMessage,
	signer,
	stepAt,
	truncate,
	uuidBytes
} from './qr-draw.ts';

export {
	STEP_SECONDS,
	cardPayload,
	decodeSecret,
	encodeSecret,
	fallbackCode,
	hotp,
	newSecret,
	stepAt
} from './qr-draw.ts';

/** How far back a typed code is still recognised as expired rather than wrong (10 minutes). */
const EXPIRED_HORIZON = 20;

const PERSIAN = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC = '٠١٢٣٤٥٦٧٨٩';

export type ParsedCard =
	| { kind: 'qr'; version: 1; cardId: string; step: number; mac: string }
	| { kind: 'fallback'; memberNumber: number; code: string }
	| { kind: 'phone'; input: string };

export type CardCheck =
	{ ok: true; step: number } | { ok: false; code: 'VAFA_CARD_EXPIRED' | 'VAFA_CARD_FORGED' };

/** Decodes `length` bytes; null unless the text has exactly their length and zero padding bits. */
function unbase32(text: string, length: number): Uint8Array | null {
	if (text.length !== Math.ceil((length * 8) / 5)) return null;
	const out = new Uint8Array(length);
	let buffer = 0;
	let bits = 0;
	let i = 0;
	for (const char of text) {
		const value = CROCKFORD.indexOf(char);
		if (value < 0) return null;
		buffer = (buffer << 5) | value;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (i < length) out[i++] = (buffer >> bits) & 255;
			buffer &= (1 << bits) - 1;
		}
	}
	return buffer === 0 ? out : null;
}

function stepFromBase32(text: string): number | null {
	let step = 0;
	for (const char of text) {
		const value = CROCKFORD.indexOf(char);
		if (value < 0) return null;
		step = step * 32 + value;
	}
	return step;
}

function uuidText(bytes: Uint8Array): string {
	const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Compares without stopping at the first difference, so timing tells nothing about a MAC. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
	return diff === 0;
}

function sameText(a: string, b: string): boolean {
	return sameBytes(new TextEncoder().encode(a), new TextEncoder().encode(b));
}

/** Latin digits for Persian and Arabic-Indic ones, without direction marks or the BOM. */
function normalise(input: string): string {
	return input
		.replace(/[۰-۹٠-٩]/g, (d) => String(Math.max(PERSIAN.indexOf(d), ARABIC.indexOf(d))))
		.replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
		.trim();
}

/**
 * Reads what a cashier scanned or typed: a QR payload, a member number with its 6-digit code, or
 * something that looks like a phone number (a leading + or 9+ digits). Anything else is null.
 */
export function parseCard(input: string): ParsedCard | null {
	if (typeof input !== 'string' || input.length > 100) return null;
	const text = normalise(input);

	const qr = /^V1:([0-9A-Z]{26}):([0-9A-Z]{1,7}):([0-9A-Z]{13})$/.exec(text.toUpperCase());
	if (qr) {
		const card = unbase32(qr[1], 16);
		const step = stepFromBase32(qr[2]);
		if (!card || step === null || !unbase32(qr[3], MAC_BYTES)) return null;
		return { kind: 'qr', version: 1, cardId: uuidText(card), step, mac: qr[3] };
	}

	const fallback = /^([1-9]\d{0,8})\s*[-‐‑–—/._\s]\s*(\d{3})[\s-]?(\d{3})$/.exec(text);
	if (fallback) {
		return { kind: 'fallback', memberNumber: Number(fallback[1]), code: fallback[2] + fallback[3] };
	}

	if (/^\+?\d{9,17}$/.test(text.replace(/[\s\-().]/g, ''))) return { kind: 'phone', input: text };
	return null;
}

/** Checks a scanned payload against its card's secret: the MAC first, then the step window. */
export async function verifyQr(
	card: Extract<ParsedCard, { kind: 'qr' }>,
	secret: Uint8Array,
	now: Date
): Promise<CardCheck> {
	const given = unbase32(card.mac, MAC_BYTES);
	let cardBytes: Uint8Array;
	try {
		cardBytes = uuidBytes(card.cardId);
	} catch {
		return { ok: false, code: 'VAFA_CARD_FORGED' };
	}
	if (card.version !== VERSION || !given || !Number.isSafeInteger(card.step) || card.step < 0) {
		return { ok: false, code: 'VAFA_CARD_FORGED' };
	}
	const expected = (await (await signer(secret))(macMessage(cardBytes, card.step))).slice(
		0,
		MAC_BYTES
	);
	if (!sameBytes(given, expected)) return { ok: false, code: 'VAFA_CARD_FORGED' };
	if (Math.abs(card.step - stepAt(now)) > 1) return { ok: false, code: 'VAFA_CARD_EXPIRED' };
	return { ok: true, step: card.step };
}

/**
 * Checks a typed 6-digit code against the current step and the one before and after. A code of
 * an older step (up to 10 minutes) is told apart as expired, so the cashier asks for a fresh one.
 */
export async function verifyFallback(
	code: string,
	secret: Uint8Array,
	now: Date
): Promise<CardCheck> {
	const typed = normalise(String(code)).replace(/[\s-]/g, '');
	if (!/^\d{6}$/.test(typed)) return { ok: false, code: 'VAFA_CARD_FORGED' };
	const sign = await signer(secret);
	const current = stepAt(now);
	const matches = async (step: number) =>
		sameText(truncate(await sign(counterBytes(step)), FALLBACK_DIGITS), typed);
	for (const step of [current, current - 1, current + 1]) {
		if (await matches(step)) return { ok: true, step };
	}
	for (let age = 2; age <= EXPIRED_HORIZON; age++) {
		if (await matches(current - age)) return { ok: false, code: 'VAFA_CARD_EXPIRED' };
	}
	return { ok: false, code: 'VAFA_CARD_FORGED' };
}
