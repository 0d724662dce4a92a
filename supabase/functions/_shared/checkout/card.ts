/** What a cashier scanned or typed, or a till sent, as the database looks a member up by it. */
import { normalizePhone, toAsciiDigits } from '../phone.ts';
import { decodeSecret, parseCard, verifyFallback, verifyQr, type ParsedCard } from '../qr.ts';
import { failure, type Failure } from './errors.ts';

export type CardRef =
	| { kind: 'qr'; ref: string; card: Extract<ParsedCard, { kind: 'qr' }> }
	| { kind: 'fallback'; ref: string; code: string }
	| { kind: 'phone'; ref: string; byCountry?: Record<string, string> }
	| { kind: 'number'; ref: string }
	/** A scan this staff member made a moment ago (POST /checkout/lookup), checked then. */
	| { kind: 'ticket'; ref: string };

export type Resolved<T> = { ok: true; value: T } | { ok: false; failure: Failure };

/** The countries a phone typed without its code may be from: the clubs' countries. */
const COUNTRIES = ['IR', 'IL'] as const;

/**
 * A phone number as the database finds it: E.164 when it carries its country code; otherwise
 * every reading in a club country, and the database takes the one of the club's country.
 */
export function phoneRef(input: string): Resolved<CardRef> {
	const ascii = toAsciiDigits(input).trim();
	if (/^(\+|00)/.test(ascii)) {
		const phone = normalizePhone(ascii);
		if (!phone.ok) return { ok: false, failure: failure(phone.code, phone.message) };
		return { ok: true, value: { kind: 'phone', ref: phone.e164 } };
	}
	const byCountry: Record<string, string> = {};
	for (const country of COUNTRIES) {
		const phone = normalizePhone(ascii, country);
		if (phone.ok) byCountry[country] = phone.e164;
	}
	const first = Object.values(byCountry)[0];
	if (!first)
		return {
			ok: false,
			failure: failure('VAFA_PHONE_INVALID', 'This is not a valid phone number.')
		};
	return { ok: true, value: { kind: 'phone', ref: first, byCountry } };
}

/** Reads the checkout's `card`: a QR payload, a member number with its typed code, or a phone. */
export function cardRef(input: string): Resolved<CardRef> {
	const card = parseCard(input);
	if (!card)
		return {
			ok: false,
			failure: failure(
				'VAFA_CARD_UNREADABLE',
				'Scan the card’s QR code, or type the member number and its 6-digit code, or a phone number.'
			)
		};
	if (card.kind === 'qr') return { ok: true, value: { kind: 'qr', ref: card.cardId, card } };
	if (card.kind === 'fallback')
		return {
			ok: true,
			value: { kind: 'fallback', ref: String(card.memberNumber), code: card.code }
		};
	return phoneRef(card.input);
}

/**
 * Checks a QR payload or typed code against the card's secret and returns the step it used (each
 * step is claimed once, in the checkout's transaction). A phone or number needs no check.
 */
export async function verifyCard(
	card: CardRef,
	secret: string | null,
	now: Date
): Promise<Resolved<number | null>> {
	if (card.kind !== 'qr' && card.kind !== 'fallback') return { ok: true, value: null };
	let key: Uint8Array;
	try {
		key = decodeSecret(secret ?? '');
	} catch {
		return {
			ok: false,
			failure: failure(
				'VAFA_CARD_FORGED',
				'This card has no live code yet; ask for the phone number.'
			)
		};
	}
	const check =
		card.kind === 'qr'
			? await verifyQr(card.card, key, now)
			: await verifyFallback(card.code, key, now);
	if (check.ok) return { ok: true, value: check.step };
	return {
		ok: false,
		failure:
			check.code === 'VAFA_CARD_EXPIRED'
				? failure(check.code, 'This code has expired; ask the member to show the live card.')
				: failure(check.code, 'This is not a valid code for this card.')
	};
}
