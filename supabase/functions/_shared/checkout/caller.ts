/** Who calls a function whose JWT the gateway (verify_jwt) has already checked. */

export type Caller =
	| { ok: true; userId: string }
	| { ok: false; code: 'VAFA_NOT_SIGNED_IN' | 'VAFA_FORBIDDEN'; message: string };

function base64urlJson(part: string): unknown {
	const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
	const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
	return JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
}

/**
 * The signed-in user behind `authorization`. The signature is not checked again here: the
 * gateway refused the request unless it was valid, and asking GoTrue would cost a round trip.
 */
export function callerOf(authorization: string | null): Caller {
	const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
	if (!token) return { ok: false, code: 'VAFA_NOT_SIGNED_IN', message: 'Sign in as staff first.' };
	let claims: { sub?: unknown; role?: unknown };
	try {
		claims = base64urlJson(token.split('.')[1] ?? '') as typeof claims;
	} catch {
		return { ok: false, code: 'VAFA_NOT_SIGNED_IN', message: 'Sign in as staff first.' };
	}
	if (
		claims?.role !== 'authenticated' ||
		typeof claims.sub !== 'string' ||
		!/^[0-9a-f-]{36}$/i.test(claims.sub)
	) {
		return {
			ok: false,
			code: 'VAFA_FORBIDDEN',
			message: 'Only a signed-in member of a club’s staff may check members out.'
		};
	}
	return { ok: true, userId: claims.sub.toLowerCase() };
}
