/** HS256 JSON Web Tokens with node:crypto: what GoTrue signs and PostgREST verifies. */
import { createHmac, timingSafeEqual } from 'node:crypto';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Signs `claims` with `secret`. */
export function sign(claims, secret) {
	const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
	return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/**
 * Verifies an HS256 token and returns its claims, or `{ error }` with a reason a person can read:
 * `malformed`, `bad_signature`, `expired` or `unsupported_alg`.
 */
export function verify(token, secret, now = Date.now() / 1000) {
	const parts = typeof token === 'string' ? token.split('.') : [];
	if (parts.length !== 3) return { error: 'malformed' };
	let header, claims;
	try {
		header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
		claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
	} catch {
		return { error: 'malformed' };
	}
	if (header?.alg !== 'HS256') return { error: 'unsupported_alg' };
	const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
	const given = Buffer.from(parts[2], 'base64url');
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
		return { error: 'bad_signature' };
	}
	if (claims === null || typeof claims !== 'object') return { error: 'malformed' };
	if (typeof claims.exp === 'number' && claims.exp <= now) return { error: 'expired' };
	return { claims };
}
