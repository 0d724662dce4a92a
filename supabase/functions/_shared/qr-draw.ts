/**
 * The drawing half of the rotating card code: what a phone needs to show its QR and typed code,
 * offline. The format is specified in `qr.ts`, which adds the checking half (parsing what a
 * cashier scanned or typed, and verifying it) and re-exports the public functions below.
 *
 * Kept apart so the card screen loads none of the checking code (issue 5's budget for the
 * JavaScript before the QR). The exports marked "format" are shared with `qr.ts` only.
 */

export const STEP_SECONDS = 30;

/** The version byte that starts every MAC'd message of format 1. */
export const VERSION = 1;
export const MAC_BYTES = 8;
export const FALLBACK_DIGITS = 6;

/** Crockford's base32 alphabet (no I, L, O, U). */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The step `at` falls in. */
export function stepAt(at: Date): number {
	return Math.floor(at.getTime() / 1000 / STEP_SECONDS);
}

/** A fresh 32-byte card secret. */
export function newSecret(): Uint8Array {
	return crypto.getRandomValues(new Uint8Array(32));
}

/** A secret as base64url without padding, as the database and the app keep it. */
export function encodeSecret(secret: Uint8Array): string {
	let binary = '';
	for (const byte of secret) binary += String.fromCharCode(byte);
	return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Reads a base64url secret; throws unless it is exactly 32 bytes. */
export function decodeSecret(text: string): Uint8Array {
	if (!/^[A-Za-z0-9_-]{43}$/.test(text))
		throw new Error('A card secret is 43 base64url characters.');
	const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '=');
	return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function base32(bytes: Uint8Array): string {
	let out = '';
	let buffer = 0;
	let bits = 0;
	for (const byte of bytes) {
		buffer = (buffer << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out += CROCKFORD[(buffer >> bits) & 31];
		}
		buffer &= (1 << bits) - 1;
	}
	if (bits > 0) out += CROCKFORD[(buffer << (5 - bits)) & 31];
	return out;
}

function stepToBase32(step: number): string {
	let out = '';
	do {
		out = CROCKFORD[step % 32] + out;
		step = Math.floor(step / 32);
	} while (step > 0);
	return out;
}

/** Format: a card id (UUID) as its 16 bytes. */
export function uuidBytes(uuid: string): Uint8Array {
	const hex = uuid.replace(/-/g, '');
	if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`${uuid} is not a card id (a UUID).`);
	return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

/** Format: a step as an 8-byte big-endian counter. */
export function counterBytes(step: number): Uint8Array {
	const out = new Uint8Array(8);
	new DataView(out.buffer).setBigUint64(0, BigInt(step));
	return out;
}

/** Format: binds one secret to an HMAC-SHA-256 signer. */
export async function signer(
	secret: Uint8Array
): Promise<(message: Uint8Array) => Promise<Uint8Array>> {
	const key = await crypto.subtle.importKey(
		'raw',
		new Uint8Array(secret),
		{ name: 'HMAC', hash: 'SHA-256' },
		false,
		['sign']
	);
	return async (message) =>
		new Uint8Array(await crypto.subtle.sign('HMAC', key, new Uint8Array(message)));
}

/** Format: the message a QR's MAC signs (version, card bytes, step). */
export function macMessage(cardId: Uint8Array, step: number): Uint8Array {
	const message = new Uint8Array(1 + 16 + 8);
	message[0] = VERSION;
	message.set(cardId, 1);
	message.set(counterBytes(step), 17);
	return message;
}

/** Format: RFC 4226 dynamic truncation to `digits` decimal digits. */
export function truncate(hmac: Uint8Array, digits: number): string {
	const offset = hmac[hmac.length - 1] & 0x0f;
	const binary =
		((hmac[offset] & 0x7f) << 24) |
		(hmac[offset + 1] << 16) |
		(hmac[offset + 2] << 8) |
		hmac[offset + 3];
	return String(binary % 10 ** digits).padStart(digits, '0');
}

/** HOTP (RFC 4226) with HMAC-SHA-256: the TOTP value of `counter` when it is a step. */
export async function hotp(secret: Uint8Array, counter: number, digits: number): Promise<string> {
	const sign = await signer(secret);
	return truncate(await sign(counterBytes(counter)), digits);
}

/** The QR payload a card shows at `at`. */
export async function cardPayload(cardId: string, secret: Uint8Array, at: Date): Promise<string> {
	const card = uuidBytes(cardId);
	const step = stepAt(at);
	const mac = (await (await signer(secret))(macMessage(card, step))).slice(0, MAC_BYTES);
	return `V${VERSION}:${base32(card)}:${stepToBase32(step)}:${base32(mac)}`;
}

/** The 6-digit code to type for `step`. */
export async function fallbackCode(secret: Uint8Array, step: number): Promise<string> {
	return hotp(secret, step, FALLBACK_DIGITS);
}
